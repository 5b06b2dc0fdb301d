package io.rampart.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestOrigin} for a whole test class:
 * {@code @RegisterExtension static final OriginExtension ORIGIN = new OriginExtension();}
 */
public final class OriginExtension implements BeforeAllCallback, AfterAllCallback {
    private TestOrigin origin;

    @Override
    public void beforeAll(ExtensionContext context) {
        origin = new TestOrigin();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        origin.close();
    }

    public TestOrigin origin() {
        return origin;
    }

    public String url() {
        return origin.url();
    }
}
