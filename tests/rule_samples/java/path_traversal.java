import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.ws.rs.GET;
import javax.ws.rs.QueryParam;
import org.apache.commons.io.FilenameUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

public class DownloadServlet extends HttpServlet {
    private static final String BASE = "/var/app/reports";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("file");

        // ruleid: java-path-traversal
        File report = new File(BASE, name);

        // ruleid: java-path-traversal
        InputStream in = new FileInputStream(BASE + "/" + name);

        // ruleid: java-path-traversal
        byte[] data = Files.readAllBytes(Paths.get(BASE, request.getParameter("dir"), "index.html"));

        // ok: java-path-traversal
        File safe = new File(BASE, FilenameUtils.getName(name));

        Path fileOnly = Paths.get(name).getFileName();
        // ok: java-path-traversal
        Path resolved = Paths.get(BASE).resolve(fileOnly.toString());

        // ok: java-path-traversal
        File fixed = new File(BASE, "summary.pdf");
        in.close();
    }
}

class UploadController {
    @PostMapping("/upload")
    public String upload(@RequestParam("file") MultipartFile file) throws IOException {
        // ruleid: java-path-traversal
        file.transferTo(new File("/srv/uploads/" + file.getOriginalFilename()));
        return "ok";
    }
}

@javax.ws.rs.Path("/files")
class FileResource {
    @GET
    public byte[] read(@QueryParam("name") String name) throws IOException {
        // ruleid: java-path-traversal
        return Files.readAllBytes(Paths.get("/srv/files", name));
    }

    @GET
    public byte[] readQualified(@javax.ws.rs.QueryParam("name") String name) throws IOException {
        // ruleid: java-path-traversal
        return Files.readAllBytes(Paths.get("/srv/files").resolve(name));
    }
}
