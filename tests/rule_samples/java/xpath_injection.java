import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

public class AccountLookupServlet extends HttpServlet {
    private Document accounts;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("name");
        String pass = request.getParameter("password");
        XPath xpath = XPathFactory.newInstance().newXPath();
        try {
            // ruleid: java-xpath-injection
            String role = xpath.evaluate("/accounts/account[@name='" + name + "' and @pass='" + pass + "']/role", accounts);

            // ruleid: java-xpath-injection
            NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().compile("//account[@name='" + name + "']").evaluate(accounts, XPathConstants.NODESET);

            // ok: java-xpath-injection
            NodeList all = (NodeList) xpath.evaluate("/accounts/account", accounts, XPathConstants.NODESET);

            xpath.setXPathVariableResolver(v -> "name".equals(v.getLocalPart()) ? name : null);
            // ok: java-xpath-injection
            String safeRole = xpath.evaluate("/accounts/account[@name=$name]/role", accounts);
        } catch (XPathExpressionException e) {
            response.sendError(400);
        }
    }
}
