import java.beans.XMLDecoder;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Base64;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class SessionImportServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            ObjectInputStream ois = new ObjectInputStream(request.getInputStream());
            // ruleid: java-unsafe-deserialization
            Object state = ois.readObject();

            byte[] raw = Base64.getDecoder().decode(request.getParameter("profile"));
            // ruleid: java-unsafe-deserialization
            Object profile = new ObjectInputStream(new ByteArrayInputStream(raw)).readObject();

            XMLDecoder decoder = new XMLDecoder(request.getInputStream());
            // ruleid: java-unsafe-deserialization
            Object bean = decoder.readObject();

            ObjectInputStream filtered = new ObjectInputStream(request.getInputStream());
            filtered.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.dto.*;!*"));
            // ok: java-unsafe-deserialization
            Object dto = filtered.readObject();

            try (ObjectInputStream local = new ObjectInputStream(new FileInputStream("/etc/app/defaults.ser"))) {
                // ok: java-unsafe-deserialization
                Object defaults = local.readObject();
            }
        } catch (ClassNotFoundException e) {
            response.sendError(400);
        }
    }
}

class CacheServer {
    void serve(ServerSocket server) throws IOException, ClassNotFoundException {
        Socket client = server.accept();
        InputStream in = client.getInputStream();
        try (ObjectInputStream ois = new ObjectInputStream(in)) {
            // ruleid: java-unsafe-deserialization
            Object message = ois.readObject();
        }
    }
}
