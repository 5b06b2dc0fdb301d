package io.rampart.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads when the configuration file changes: watches its directory (editors replace files by
 * rename, which a watch on the file alone would miss) and waits {@value #SETTLE_MILLIS} ms after
 * the last event so that a save in several writes is read once, whole.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    static final long SETTLE_MILLIS = 300;
    private final WatchService watch;
    private final Thread thread;

    ConfigWatcher(Path file, Runnable onChange) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path name = abs.getFileName();
        this.watch = FileSystems.getDefault().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        this.thread = new Thread(() -> loop(name, onChange), "rampart-config-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Path name, Runnable onChange) {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean ours = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    ours |= name.equals(e.context());
                }
                key.reset();
                if (!ours) {
                    continue;
                }
                // let the writer finish: drain events until the file is quiet
                WatchKey more;
                while ((more = watch.poll(SETTLE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    LOG.error("reload after a change of {} failed: {}", name, e.getMessage());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException ignored) {
            // closing
        }
        thread.interrupt();
    }
}
