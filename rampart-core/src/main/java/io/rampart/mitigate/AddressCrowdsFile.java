package io.rampart.mitigate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link AddressCrowds} across restarts: {@code shared-addresses.json} in the state
 * directory, beside the detection state whose feature-hash key its addresses are hashed with. The
 * file holds hashes, never an address or a user id. It names the key it was written under (as a
 * check value, not the key), and a file from another key, another version or in any way unreadable
 * is set aside ({@code .bad}) and reported, never a reason not to start.
 */
public final class AddressCrowdsFile {
    static final int VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(AddressCrowdsFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final long keyCheck;

    /**
     * @param dir      the state directory (created if missing, private to Rampart's user)
     * @param keyCheck a value that changes with the feature-hash key (the hash of a constant)
     */
    public AddressCrowdsFile(Path dir, long keyCheck) throws IOException {
        PrivateFiles.directory(dir);
        this.file = dir.resolve("shared-addresses.json");
        this.keyCheck = keyCheck;
    }

    public Path path() {
        return file;
    }

    /** Restores what the file holds into {@code crowds}; returns how many people were read. */
    public int load(AddressCrowds crowds) {
        if (!Files.exists(file)) {
            return 0;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.path("version").asInt() != VERSION) {
                throw new IOException("not a version " + VERSION + " shared-address book");
            }
            if (!root.path("keyCheck").isTextual() || Long.parseUnsignedLong(root.path("keyCheck").asText(), 16) != keyCheck) {
                throw new IOException("written under another feature-hash key (the detection state was reset)");
            }
            int n = 0;
            for (JsonNode a : root.path("addresses")) {
                long address = Long.parseUnsignedLong(a.path("address").asText(), 16);
                for (JsonNode p : a.path("people")) {
                    if (crowds.restore(address, Long.parseUnsignedLong(p.path(0).asText(), 16), p.path(1).asLong())) {
                        n++;
                    }
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            Path bad = file.resolveSibling(file.getFileName() + ".bad");
            try {
                Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOG.warn("could not set aside {}: {}", file, moveFailed.toString());
            }
            LOG.warn("shared-address book {} could not be read ({}); set aside as {}, learning afresh", file, e.getMessage(), bad);
            return 0;
        }
    }

    /** Writes {@code crowds} whole: a temporary file, then moved over the old one. */
    public void save(AddressCrowds crowds) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("keyCheck", Long.toHexString(keyCheck));
        ArrayNode addresses = root.putArray("addresses");
        ObjectNode current = null;
        long currentAddress = 0;
        List<long[]> people = crowds.export();
        people.sort((x, y) -> Long.compare(x[0], y[0]));
        for (long[] p : people) {
            if (current == null || p[0] != currentAddress) {
                currentAddress = p[0];
                current = addresses.addObject();
                current.put("address", Long.toHexString(currentAddress));
                current.putArray("people");
            }
            ((ArrayNode) current.get("people")).addArray().add(Long.toHexString(p[1])).add(p[2]);
        }
        PrivateFiles.replace(file, JSON.writeValueAsBytes(root));
    }
}
