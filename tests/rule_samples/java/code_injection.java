import java.io.IOException;
import javax.script.Bindings;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class CalculatorServlet extends HttpServlet {
    private final ScriptEngineManager manager = new ScriptEngineManager();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String expression = request.getParameter("expr");
        ScriptEngine engine = manager.getEngineByName("javascript");
        try {
            // ruleid: java-code-injection
            Object result = engine.eval(expression);

            // ruleid: java-code-injection
            Object total = manager.getEngineByName("groovy").eval("return " + request.getParameter("a") + " * 2");

            // ok: java-code-injection
            Object fixed = engine.eval("1 + 2");

            Bindings bindings = engine.createBindings();
            bindings.put("input", expression);
            // ok: java-code-injection
            Object bound = engine.eval("input.length", bindings);

            response.getWriter().print(Integer.valueOf(String.valueOf(result).length()));
        } catch (ScriptException e) {
            response.sendError(400);
        }
    }
}
