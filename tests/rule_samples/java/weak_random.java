import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.spec.IvParameterSpec;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletResponse;
import org.apache.commons.lang3.RandomStringUtils;

public class TokenService {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private final Random random = new Random();
    private final SecureRandom secureRandom = new SecureRandom();

    public String generateResetToken() {
        // ruleid: java-weak-random
        return Long.toHexString(random.nextLong());
    }

    public void issueSession(HttpServletResponse response) {
        // ruleid: java-weak-random
        Cookie sid = new Cookie("SESSIONID", Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000)));
        sid.setSecure(true);
        sid.setHttpOnly(true);
        response.addCookie(sid);
    }

    public String newCsrfToken() {
        long value = ThreadLocalRandom.current().nextLong();
        // ruleid: java-weak-random
        String csrfToken = Long.toHexString(value);
        return csrfToken;
    }

    public String temporaryPassword() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        // ruleid: java-weak-random
        String password = sb.toString();
        return password;
    }

    public IvParameterSpec newIv() {
        byte[] iv = new byte[16];
        random.nextBytes(iv);
        // ruleid: java-weak-random
        return new IvParameterSpec(iv);
    }

    public void invite(User user) {
        // ruleid: java-weak-random
        user.setInviteCode(RandomStringUtils.randomAlphanumeric(8));
        // ruleid: java-weak-random
        String otp = String.format("%06d", (int) (Math.random() * 1_000_000));
        user.sendOtp(otp);
    }

    /* ---- safe variants ---- */

    public String generateApiToken() {
        byte[] bytes = new byte[32];
        secureRandom.nextBytes(bytes);
        // ok: java-weak-random
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public int pickShard(int shards) {
        // ok: java-weak-random
        int shard = random.nextInt(shards);
        return shard;
    }

    public long backoffMillis(int attempt) {
        // ok: java-weak-random
        long delay = (long) (Math.random() * 100 * attempt);
        return delay;
    }

    public String sessionToken() {
        // ok: java-weak-random
        String token = RandomStringUtils.secure().nextAlphanumeric(32);
        return token;
    }

    interface User {
        void setInviteCode(String code);
        void sendOtp(String otp);
    }
}
