import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class DiagnosticsServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String host = request.getParameter("host");
        String tool = request.getParameter("tool");

        // ruleid: java-command-injection
        Process p1 = Runtime.getRuntime().exec("ping -c 3 " + host);

        // ruleid: java-command-injection
        Process p2 = Runtime.getRuntime().exec(new String[] {"/bin/sh", "-c", "nslookup " + host});

        // ruleid: java-command-injection
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "traceroute " + host);
        pb.start();

        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.add("--verbose");
        // ruleid: java-command-injection
        new ProcessBuilder(cmd).start();

        // ok: java-command-injection
        Process p3 = Runtime.getRuntime().exec(new String[] {"/usr/bin/uptime"});

        int count = Integer.parseInt(request.getParameter("count"));
        // ok: java-command-injection
        Process p4 = Runtime.getRuntime().exec("ping -c " + count + " 127.0.0.1");

        // ok: java-command-injection
        new ProcessBuilder("/usr/bin/dig", "+short", "example.org").start();
        response.setStatus(204);
    }
}
