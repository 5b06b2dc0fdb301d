package io.rampart.server.admin;

import io.rampart.config.AdminConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everyone who may use the admin listener: the holder of the admin token (named {@code admin},
 * operator role) and the named users of {@code admin.users} and {@code admin.usersFile}, each
 * known only by the SHA-256 of their token. A presented token is hashed once and compared with
 * every user's digest in constant time (the comparison does not stop at the first match), so
 * neither timing nor the order of users tells an attacker anything. Tokens are long random
 * strings, not passwords, so a plain SHA-256 is the right strength: there is nothing to guess.
 */
public final class Operators {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private final AdminToken admin;
    private final List<byte[]> digests = new ArrayList<>();
    private final List<Operator> users = new ArrayList<>();

    private Operators(AdminToken admin) {
        this.admin = admin;
    }

    /** The admin token's holder alone (tests, embedding). */
    public static Operators only(AdminToken admin) {
        return new Operators(admin);
    }

    /**
     * The admin token's holder and the configured users.
     *
     * @throws IOException              when {@code usersFile} cannot be read
     * @throws IllegalArgumentException naming the file, line and problem of a bad entry, or a name used twice
     */
    public static Operators of(AdminToken admin, AdminConfig config) throws IOException {
        Operators o = new Operators(admin);
        Map<String, String> seen = new LinkedHashMap<>();
        seen.put("admin", "the admin token");
        for (AdminConfig.UserConfig u : config.users()) {
            o.add(u.name(), u.role(), u.tokenSha256(), "admin.users", seen);
        }
        if (config.usersFile() != null) {
            Path file = Path.of(config.usersFile());
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                String where = file + " line " + (i + 1);
                if (f.length != 3) {
                    throw new IllegalArgumentException(where + ": expected NAME ROLE SHA256 (three fields), got " + f.length);
                }
                o.add(f[0], f[1], f[2].startsWith("sha256:") ? f[2].substring(7) : f[2], where, seen);
            }
        }
        return o;
    }

    private void add(String name, String role, String hex, String where, Map<String, String> seen) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": bad user name '" + name + "'");
        }
        if (!AdminConfig.VIEWER.equals(role) && !AdminConfig.OPERATOR.equals(role)) {
            throw new IllegalArgumentException(where + ": user " + name + ": expected role viewer or operator, got '" + role + "'");
        }
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException(where + ": user " + name + ": expected the token's SHA-256 as 64 lower-case hex digits");
        }
        String before = seen.putIfAbsent(name, where);
        if (before != null) {
            throw new IllegalArgumentException(where + ": user " + name + " is already defined by " + before);
        }
        digests.add(HexFormat.of().parseHex(hex));
        users.add(new Operator(name, AdminConfig.OPERATOR.equals(role)));
    }

    /** Who holds {@code token}, or null. */
    public Operator find(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        Operator found = admin.matches(token) ? Operator.ADMIN : null;
        byte[] d = sha256(token);
        for (int i = 0; i < digests.size(); i++) {
            if (MessageDigest.isEqual(d, digests.get(i)) && found == null) {
                found = users.get(i);
            }
        }
        return found;
    }

    /** How many named users besides {@code admin}. */
    public int users() {
        return users.size();
    }

    /** The SHA-256 of a token, in hex: what {@code admin.users[].tokenSha256} holds. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
