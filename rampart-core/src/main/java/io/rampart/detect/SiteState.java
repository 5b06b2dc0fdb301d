package io.rampart.detect;

/** What the detector believes about a site's traffic. */
public enum SiteState {
    /** Traffic as usual; the baseline learns from it. */
    NORMAL("normal"),
    /** Something is off for one tick; nothing deployed yet. */
    SUSPECT("suspect"),
    /** An attack: rules are searched for and deployed. */
    ATTACK("attack"),
    /** A legitimate surge (many more of the usual visitors): served fairly, never blocked. */
    FLASH_CROWD("flash-crowd"),
    /** The attack has faded; rules step down, the baseline does not learn yet. */
    RECOVERING("recovering");

    private final String id;

    SiteState(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
