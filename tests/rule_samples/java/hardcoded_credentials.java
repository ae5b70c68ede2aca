import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import com.zaxxer.hikari.HikariConfig;

public class InventoryRepository {
    private static final String DB_URL = "jdbc:postgresql://db.internal:5432/inventory";
    // ruleid: java-hardcoded-password-variable
    private static final String DB_PASSWORD = "Inv3nt0ry!2021";
    // ok: java-hardcoded-password-variable
    private static final String PASSWORD_PARAM = "password";
    // ok: java-hardcoded-password-variable
    private static final String PASSWORD_PROPERTY = "db.password";

    public Connection open() throws SQLException {
        // ruleid: java-hardcoded-db-password
        return DriverManager.getConnection(DB_URL, "inventory_app", "s3cr3t-pw");
    }

    public Connection openWithConstant() throws SQLException {
        // ruleid: java-hardcoded-db-password
        return DriverManager.getConnection(DB_URL, "inventory_app", DB_PASSWORD);
    }

    public Connection openFromEnv() throws SQLException {
        // ok: java-hardcoded-db-password
        return DriverManager.getConnection(DB_URL, "inventory_app", System.getenv("DB_PASSWORD"));
    }

    public Connection openUrlOnly() throws SQLException {
        // ruleid: java-hardcoded-db-password
        return DriverManager.getConnection("jdbc:mysql://db.internal/shop?user=shop&password=Sh0pPass");
    }

    public HikariConfig poolConfig(String passwordFromVault) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(DB_URL);
        // ruleid: java-hardcoded-db-password
        cfg.setPassword("hikari-pass-1");
        // ok: java-hardcoded-db-password
        cfg.setPassword(passwordFromVault);
        return cfg;
    }

    public void login(String user, char[] typed) {
        // ruleid: java-hardcoded-password-variable
        char[] adminPassword = "Adm1n#2020".toCharArray();
        // ok: java-hardcoded-password-variable
        String passwordPrompt = "Please enter your password";
        // ok: java-hardcoded-password-variable
        String password = "";
        // ok: java-hardcoded-password-variable
        String dbPassword = "${DB_PASSWORD}";
        Authenticator.setDefault(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                // ruleid: java-hardcoded-db-password
                return new PasswordAuthentication("proxyuser", "pr0xy!".toCharArray());
            }
        });
    }
}
