import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

public class PreferencesServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession();
        String lang = request.getParameter("lang");
        String key = request.getParameter("key");

        // ruleid: java-trust-boundary-violation
        session.setAttribute("language", lang);

        // ruleid: java-trust-boundary-violation
        request.getSession().setAttribute(key, "enabled");

        // ruleid: java-trust-boundary-violation
        session.putValue("theme", request.getHeader("X-Theme"));

        int pageSize = Integer.parseInt(request.getParameter("pageSize"));
        // ok: java-trust-boundary-violation
        session.setAttribute("pageSize", pageSize);

        // ok: java-trust-boundary-violation
        session.setAttribute("lastVisit", System.currentTimeMillis());

        // ok: java-trust-boundary-violation
        request.setAttribute("language", lang);
        response.setStatus(204);
    }
}
