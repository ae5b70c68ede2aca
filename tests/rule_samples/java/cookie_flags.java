import java.io.IOException;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;

public class RememberMeServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String token = createRememberMeToken(request.getRemoteUser());

        Cookie remember = new Cookie("remember_me", token);
        remember.setHttpOnly(true);
        remember.setMaxAge(14 * 24 * 3600);
        // ruleid: java-cookie-missing-secure
        response.addCookie(remember);

        Cookie session = new Cookie("sid", request.getSession().getId());
        session.setSecure(true);
        // ruleid: java-cookie-missing-httponly
        response.addCookie(session);

        // ruleid: java-cookie-missing-secure, java-cookie-missing-httponly
        response.addCookie(new Cookie("tracking", token));

        Cookie hardened = new Cookie("auth", token);
        hardened.setSecure(true);
        hardened.setHttpOnly(true);
        hardened.setPath("/");
        // ok: java-cookie-missing-secure, java-cookie-missing-httponly
        response.addCookie(hardened);

        Cookie legacy = new Cookie("legacy", token);
        // ruleid: java-cookie-missing-secure
        legacy.setSecure(false);
        legacy.setHttpOnly(true);
        response.addCookie(legacy);
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) {
        Cookie gone = new Cookie("remember_me", "");
        gone.setMaxAge(0);
        // ok: java-cookie-missing-secure, java-cookie-missing-httponly
        response.addCookie(gone);
    }

    public ResponseEntity<Void> springLogin(String token) {
        // ruleid: java-cookie-missing-httponly
        ResponseCookie weak = ResponseCookie.from("sid", token).secure(true).path("/").build();
        // ok: java-cookie-missing-secure, java-cookie-missing-httponly
        ResponseCookie strong = ResponseCookie.from("sid", token).httpOnly(true).secure(true).sameSite("Lax").build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, weak.toString(), strong.toString()).build();
    }

    private String createRememberMeToken(String user) {
        return user == null ? "" : Integer.toHexString(user.hashCode());
    }
}
