package io.rampart.proxy;

import io.rampart.mitigate.AddressCrowds;
import io.rampart.mitigate.AddressCrowdsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after the gateway's {@link AddressCrowds} off the event loops: loads the saved book at start
 * (when there is a state directory), then once a minute forgets lapsed people and saves, and saves
 * once more at stop. A failed save is logged and tried again next minute.
 */
final class CrowdKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CrowdKeeper.class);

    private final AddressCrowds crowds;
    private final AddressCrowdsFile file;
    private final ScheduledExecutorService timer;

    /** @param dir the state directory, or null to keep nothing across restarts */
    CrowdKeeper(AddressCrowds crowds, String dir, long keyCheck) {
        this.crowds = crowds;
        AddressCrowdsFile f = null;
        if (dir != null) {
            try {
                f = new AddressCrowdsFile(Path.of(dir), keyCheck);
                int n = f.load(crowds);
                if (n > 0) {
                    LOG.info("shared addresses: {} people restored from {} ({} addresses shared)", n, f.path(), crowds.crowdCount());
                }
            } catch (IOException e) {
                LOG.warn("shared addresses will not be kept across restarts: {}", e.toString());
                f = null;
            }
        }
        this.file = f;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rampart-shared-addresses");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sweepAndSave, 60, 60, TimeUnit.SECONDS);
    }

    private void sweepAndSave() {
        crowds.sweep();
        save();
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            file.save(crowds);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not save shared addresses to {}: {}", file.path(), e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        save();
    }
}
