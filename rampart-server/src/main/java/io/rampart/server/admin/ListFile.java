package io.rampart.server.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rampart.mitigate.AccessLists;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allow and deny entries added through the admin API, kept in {@code lists.json} in the data
 * directory so that they survive a restart. Written atomically (temporary file, then rename);
 * an unreadable file is set aside with a warning rather than stopping the gateway.
 */
public final class ListFile {
    private static final Logger LOG = LoggerFactory.getLogger(ListFile.class);
    private final Path file;

    public ListFile(Path dataDir) {
        this.file = dataDir.resolve("lists.json");
    }

    /** Restores saved entries into {@code lists}, skipping (and logging) any that no longer parse. */
    public void restoreInto(AccessLists lists) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<AccessLists.Entry> entries = Reply.JSON.readValue(file.toFile(), new TypeReference<List<AccessLists.Entry>>() { });
            List<AccessLists.Entry> good = new ArrayList<>();
            for (AccessLists.Entry e : entries) {
                try {
                    io.rampart.traffic.Cidr.parse(e.cidr());
                    if (!"allow".equals(e.list()) && !"deny".equals(e.list())) {
                        throw new IllegalArgumentException("list " + e.list());
                    }
                    good.add(e);
                } catch (RuntimeException bad) {
                    LOG.warn("{}: skipping entry {}: {}", file, e, bad.getMessage());
                }
            }
            lists.restore(good);
            if (!good.isEmpty()) {
                LOG.info("restored {} allow/deny entries added through the admin API ({})", good.size(), file);
            }
        } catch (IOException e) {
            Path aside = file.resolveSibling("lists.json.unreadable");
            LOG.warn("{} cannot be read ({}); set aside as {}", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // nothing more to do: the gateway starts without the saved entries
            }
        }
    }

    /** Saves the run-time entries of {@code lists}. */
    public void save(AccessLists lists) {
        try {
            Files.createDirectories(file.getParent());
            io.rampart.config.PrivateFiles.replace(file, Reply.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(lists.runtimeEntries()));
        } catch (IOException e) {
            LOG.error("could not save allow/deny entries to {}: {}", file, e.getMessage());
        }
    }
}
