package io.rampart.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.rampart.config.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin API's token. Where it comes from, first match wins: {@code admin.tokenFile}; the
 * environment variable {@code RAMPART_ADMIN_TOKEN}; the file {@code admin-token} in the data
 * directory; else a new one is generated (32 random bytes, base64url) and, when there is a data
 * directory, written there readable by the owner only. Only a generated token is printed, once,
 * with the dashboard's address (as Jupyter does).
 */
public final class AdminToken {
    static final String FILE = "admin-token";
    private final String value;
    private final String source;
    private final boolean generated;

    private AdminToken(String value, String source, boolean generated) {
        this.value = value;
        this.source = source;
        this.generated = generated;
    }

    /**
     * @throws IOException when a configured token file cannot be read or a generated one written
     * @throws IllegalArgumentException when a token file is empty or too short
     */
    public static AdminToken resolve(String tokenFile, String dataDir) throws IOException {
        AdminToken existing = existing(tokenFile, dataDir);
        if (existing != null) {
            return existing;
        }
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        if (dataDir == null) {
            return new AdminToken(fresh, "generated for this run (no dataDir to keep it in)", true);
        }
        Path file = Path.of(dataDir).resolve(FILE);
        PrivateFiles.directory(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, fresh + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        return new AdminToken(fresh, file.toString(), true);
    }

    /**
     * The token that already exists, in the order {@link #resolve} looks ({@code admin.tokenFile},
     * {@code RAMPART_ADMIN_TOKEN}, the data directory's file), or null: never generates one (the
     * CLI asking a running gateway uses this).
     *
     * @throws IOException              when a configured token file cannot be read
     * @throws IllegalArgumentException when a token found is empty or too short
     */
    public static AdminToken existing(String tokenFile, String dataDir) throws IOException {
        if (tokenFile != null) {
            return new AdminToken(read(Path.of(tokenFile), "admin.tokenFile"), "admin.tokenFile " + tokenFile, false);
        }
        String env = System.getenv("RAMPART_ADMIN_TOKEN");
        if (env != null && !env.isBlank()) {
            check(env.trim(), "RAMPART_ADMIN_TOKEN");
            return new AdminToken(env.trim(), "RAMPART_ADMIN_TOKEN", false);
        }
        Path file = dataDir == null ? null : Path.of(dataDir).resolve(FILE);
        return file != null && Files.exists(file) ? new AdminToken(read(file, file.toString()), file.toString(), false) : null;
    }

    /** A fixed token (tests, embedding). */
    public static AdminToken of(String value) {
        check(value, "token");
        return new AdminToken(value, "given", false);
    }

    private static String read(Path file, String what) throws IOException {
        String t = Files.readString(file, StandardCharsets.UTF_8).trim();
        check(t, what);
        return t;
    }

    private static void check(String t, String what) {
        if (t.length() < 16) {
            throw new IllegalArgumentException(what + ": an admin token needs at least 16 characters");
        }
        if (!t.matches("[A-Za-z0-9._~+/=-]+")) {
            throw new IllegalArgumentException(what + ": an admin token may hold only letters, digits and . _ ~ + / = -");
        }
    }

    public String value() {
        return value;
    }

    public String source() {
        return source;
    }

    /** Whether this run made it (then it is printed once). */
    public boolean generated() {
        return generated;
    }

    /** Compares in constant time. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }
}
