import java.io.IOException;
import java.io.PrintWriter;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.owasp.encoder.Encode;

public class SearchServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String q = request.getParameter("q");
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter out = response.getWriter();
        // ruleid: java-reflected-xss
        out.println("<h1>Results for " + q + "</h1>");

        Cookie[] cookies = request.getCookies();
        if (cookies != null && cookies.length > 0) {
            // ruleid: java-reflected-xss
            out.printf("<p>Welcome back, %s</p>", cookies[0].getValue());
        }

        // ruleid: java-reflected-xss
        response.getWriter().write(request.getHeader("User-Agent"));

        // ok: java-reflected-xss
        out.println("<h1>Results for " + Encode.forHtml(q) + "</h1>");
        // ok: java-reflected-xss
        out.println("<p>" + q.length() + " characters</p>");
    }
}

class ExportServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        // ok: java-reflected-xss
        response.getWriter().println("id=" + request.getParameter("id"));
    }
}
