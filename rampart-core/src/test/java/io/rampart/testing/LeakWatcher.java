package io.rampart.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class if Netty's leak detector (run at {@code paranoid} by the build) reported a
 * leaked buffer while it ran.
 */
public final class LeakWatcher implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!installed) {
            synchronized (LeakWatcher.class) {
                if (!installed) {
                    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
                        @Override
                        protected void append(ILoggingEvent e) {
                            if (e.getFormattedMessage().contains("LEAK:")) {
                                LEAKS.add(e.getFormattedMessage());
                            }
                        }
                    };
                    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
                    appender.setContext(root.getLoggerContext());
                    appender.start();
                    root.addAppender(appender);
                    installed = true;
                }
            }
        }
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        // leaks are reported when a leaked buffer is collected and another allocation runs the check
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 200; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
                b.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError("Netty reported leaked buffers:\n" + String.join("\n---\n", LEAKS));
        }
    }
}
