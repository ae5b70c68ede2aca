import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

public class OrderServlet extends HttpServlet {
    private DataSource dataSource;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String customer = request.getParameter("customer");
        String sort = request.getHeader("X-Sort");
        try (Connection conn = dataSource.getConnection()) {
            Statement stmt = conn.createStatement();
            // ruleid: java-sql-injection
            ResultSet rs = stmt.executeQuery("SELECT id, total FROM orders WHERE customer = '" + customer + "'");

            StringBuilder sql = new StringBuilder("SELECT * FROM orders ORDER BY ");
            sql.append(sort);
            // ruleid: java-sql-injection
            stmt.execute(sql.toString());

            // ruleid: java-sql-injection
            stmt.addBatch("DELETE FROM cart WHERE owner = '" + customer + "'");

            // ruleid: java-sql-injection
            PreparedStatement bad = conn.prepareStatement("SELECT * FROM orders WHERE note LIKE '%" + customer + "%'");
            bad.executeQuery();

            // ok: java-sql-injection
            PreparedStatement ps = conn.prepareStatement("SELECT id, total FROM orders WHERE customer = ?");
            ps.setString(1, customer);
            // ok: java-sql-injection
            ResultSet safe = ps.executeQuery();

            int limit = Integer.parseInt(request.getParameter("limit"));
            // ok: java-sql-injection
            stmt.executeQuery("SELECT * FROM orders FETCH FIRST " + limit + " ROWS ONLY");
        } catch (SQLException e) {
            response.sendError(500);
        }
    }
}

@RestController
class ProductController {
    private JdbcTemplate jdbcTemplate;

    @GetMapping("/products")
    public List<Map<String, Object>> search(@RequestParam("q") String query) {
        // ruleid: java-sql-injection
        return jdbcTemplate.queryForList("SELECT * FROM product WHERE name = '" + query + "'");
    }

    @GetMapping("/products/safe")
    public List<Map<String, Object>> searchSafe(@RequestParam("q") String query) {
        // ok: java-sql-injection
        return jdbcTemplate.queryForList("SELECT * FROM product WHERE name = ?", query);
    }
}
