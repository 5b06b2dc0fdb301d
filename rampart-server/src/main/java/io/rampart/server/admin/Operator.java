package io.rampart.server.admin;

/**
 * Who is calling the admin listener: a name for the audit trail and what they may do.
 *
 * @param name    {@code admin} for the holder of the admin token, else the configured user's name
 * @param mayAct  false for the {@code viewer} role: reads everything, changes nothing
 */
public record Operator(String name, boolean mayAct) {
    /** The holder of the admin token ({@code admin.tokenFile}, {@code RAMPART_ADMIN_TOKEN} or the generated one). */
    public static final Operator ADMIN = new Operator("admin", true);

    public String role() {
        return mayAct ? io.rampart.config.AdminConfig.OPERATOR : io.rampart.config.AdminConfig.VIEWER;
    }
}
