package io.rampart.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test certificate authority and leaf certificates made with the openssl command line (on every
 * Debian machine): keys are PKCS#8 PEM, RSA or ECDSA P-256, leaves carry DNS subject alternative
 * names and are signed by the CA, whose certificate clients trust with {@code --cacert}.
 */
public final class TestCertificates {
    public final Path dir;
    public final Path caCert;
    private final Path caKey;
    private int serial = 1;

    public TestCertificates(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.caKey = dir.resolve("ca.key");
        this.caCert = dir.resolve("ca.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", caKey.toString());
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-days", "3", "-subj", "/CN=Rampart Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", caCert.toString());
    }

    /** A leaf for {@code names} (the first is also the CN); {@code ec}: ECDSA P-256, else RSA 2048. Returns {cert, key}. */
    public Path[] leaf(String file, boolean ec, String... names) throws IOException, InterruptedException {
        Path key = dir.resolve(file + ".key");
        Path csr = dir.resolve(file + ".csr");
        Path cert = dir.resolve(file + ".pem");
        Path ext = dir.resolve(file + ".ext");
        if (ec) {
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        } else {
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        }
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + names[0], "-out", csr.toString());
        List<String> sans = new ArrayList<>();
        for (String n : names) {
            sans.add("DNS:" + n);
        }
        Files.writeString(ext, "subjectAltName=" + String.join(",", sans) + "\nextendedKeyUsage=serverAuth\n", StandardCharsets.US_ASCII);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", Integer.toString(serial++), "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
        return new Path[] {cert, key};
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** Runs a command, returns its exit code and output (stdout and stderr together). */
    public static Result run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** A command's exit code and output. */
    public record Result(int exit, String out) {
    }
}
