import java.io.IOException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.DirContext;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.springframework.ldap.support.LdapEncoder;

public class DirectoryServlet extends HttpServlet {
    private DirContext ctx;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = request.getParameter("user");
        String dept = request.getParameter("dept");
        SearchControls controls = new SearchControls();
        controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
        try {
            String filter = "(&(objectClass=person)(uid=" + user + "))";
            // ruleid: java-ldap-injection
            NamingEnumeration<SearchResult> r1 = ctx.search("ou=people,dc=example,dc=com", filter, controls);

            // ruleid: java-ldap-injection
            NamingEnumeration<SearchResult> r2 = ctx.search("ou=" + dept + ",dc=example,dc=com", "(objectClass=person)", controls);

            // ok: java-ldap-injection
            NamingEnumeration<SearchResult> r3 = ctx.search("ou=people,dc=example,dc=com",
                    "(&(objectClass=person)(uid={0}))", new Object[] {user}, controls);

            String escaped = "(uid=" + LdapEncoder.filterEncode(user) + ")";
            // ok: java-ldap-injection
            NamingEnumeration<SearchResult> r4 = ctx.search("ou=people,dc=example,dc=com", escaped, controls);
        } catch (NamingException e) {
            response.sendError(500);
        }
    }
}
