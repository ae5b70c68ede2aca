import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.digest.DigestUtils;

public class CryptoUtil {

    public static byte[] fingerprint(String data) throws NoSuchAlgorithmException {
        // ruleid: java-weak-hash
        MessageDigest md = MessageDigest.getInstance("MD5");
        return md.digest(data.getBytes(StandardCharsets.UTF_8));
    }

    public static String legacyToken(String user) throws NoSuchAlgorithmException {
        String algorithm = "SHA-1";
        // ruleid: java-weak-hash
        MessageDigest md = MessageDigest.getInstance(algorithm);
        // ruleid: java-weak-hash
        return DigestUtils.sha1Hex(user) + md.getDigestLength();
    }

    public static byte[] strongHash(byte[] data) throws NoSuchAlgorithmException {
        // ok: java-weak-hash
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        // ok: java-weak-hash
        String hex = DigestUtils.sha256Hex(data);
        return md.digest(data);
    }

    public static byte[] encryptLegacy(byte[] key, byte[] plain) throws Exception {
        // ruleid: java-broken-cipher
        Cipher des = Cipher.getInstance("DES/CBC/PKCS5Padding");
        // ruleid: java-broken-cipher
        des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DESede"));
        // ruleid: java-broken-cipher
        KeyGenerator rc4 = KeyGenerator.getInstance("RC4");
        return des.doFinal(plain);
    }

    public static byte[] encryptEcb(SecretKey key, byte[] plain) throws Exception {
        // ruleid: java-cipher-ecb-mode
        Cipher c1 = Cipher.getInstance("AES/ECB/PKCS5Padding");
        // ruleid: java-cipher-ecb-mode
        Cipher c2 = Cipher.getInstance("AES");
        c1.init(Cipher.ENCRYPT_MODE, key);
        return c1.doFinal(plain);
    }

    public static byte[] encryptModern(SecretKey key, byte[] iv, byte[] plain) throws Exception {
        // ok: java-broken-cipher, java-cipher-ecb-mode
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        // ok: java-broken-cipher
        KeyGenerator kg = KeyGenerator.getInstance("AES");
        // ok: java-cipher-ecb-mode
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        return gcm.doFinal(plain);
    }
}
