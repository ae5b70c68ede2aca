import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

public class LoginServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String next = request.getParameter("next");
        if (authenticate(request)) {
            // ruleid: java-open-redirect
            response.sendRedirect(next);
            return;
        }
        String back = request.getHeader("Referer");
        // ruleid: java-open-redirect
        response.setHeader("Location", back);

        // ok: java-open-redirect
        response.sendRedirect("/login?error=1&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        // ok: java-open-redirect
        response.sendRedirect("/account/orders/" + request.getParameter("orderId"));
        // ok: java-open-redirect
        response.sendRedirect("/home");
    }

    private boolean authenticate(HttpServletRequest request) {
        return request.getUserPrincipal() != null;
    }
}

@Controller
class ReturnController {
    @GetMapping("/return")
    public String back(@RequestParam("url") String url) {
        // ruleid: java-open-redirect
        return "redirect:" + url;
    }

    @GetMapping("/item")
    public String item(@RequestParam("id") String id) {
        // ok: java-open-redirect
        return "redirect:/items/" + id;
    }
}
