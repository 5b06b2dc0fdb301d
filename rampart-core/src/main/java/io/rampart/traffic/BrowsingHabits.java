package io.rampart.traffic;

/**
 * Whether a client browses like a person at a browser: a browser that opens pages also fetches
 * what they link (style sheets, scripts, images, fonts), while a flood of page requests, even one
 * with a browser's every header, rarely does. A client that has asked for two pages or more and
 * never for an asset is <em>automated-looking</em>; admission then serves it from the suspect lane
 * (at most {@code admission.suspectShare} of the origin), so that under strain an expensive page
 * goes to those who browse like people first. Nothing is refused for it.
 *
 * <p>Design: a direct-mapped table of {@value #SLOTS} longs, one per client key's slot, each
 * packing a 40-bit tag of the key, a 12-bit page count and a 12-bit asset count (both saturate), so
 * a request costs one read and at most one write, nothing is allocated, and memory is fixed (512
 * KB). Racy by design: two event loops writing one slot lose a count, which only delays the
 * judgement by a request. A client whose slot another takes starts again from nothing (it is
 * judged afresh, never wrongly). A person whose browser has every asset cached and who opens two
 * pages looks automated until the next asset fetch: that costs them only priority while the
 * origin is saturated (the honest false positive of this signal).
 */
public final class BrowsingHabits {
    static final int SLOTS = 1 << 16;
    private static final int COUNT_BITS = 12;
    private static final long COUNT_MAX = (1L << COUNT_BITS) - 1;
    private static final int TAG_SHIFT = 2 * COUNT_BITS;
    /** Pages a client may ask for without an asset before it looks automated. */
    static final int PAGES_WITHOUT_ASSETS = 2;

    private final long[] slots = new long[SLOTS];

    /**
     * Notes one request of the client {@code key}: a {@code page} (a navigation: it accepts HTML)
     * or an {@code asset} (a static file by its extension), or neither (an API call, a feed).
     * Returns whether the client now looks automated.
     */
    public boolean note(long key, boolean page, boolean asset) {
        int i = (int) (key ^ (key >>> 32)) & (SLOTS - 1);
        long tag = (key >>> 16) & ((1L << 40) - 1);
        long v = slots[i];
        long pages;
        long assets;
        if (v >>> TAG_SHIFT == tag && v != 0) {
            pages = (v >>> COUNT_BITS) & COUNT_MAX;
            assets = v & COUNT_MAX;
        } else {
            pages = 0;
            assets = 0;
        }
        if (page || asset) {
            pages = Math.min(COUNT_MAX, pages + (page ? 1 : 0));
            assets = Math.min(COUNT_MAX, assets + (asset ? 1 : 0));
            slots[i] = tag << TAG_SHIFT | pages << COUNT_BITS | assets;
        }
        return assets == 0 && pages >= PAGES_WITHOUT_ASSETS;
    }

    private static final String[] ASSET_EXTENSIONS = {"css", "js", "mjs", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico",
            "woff", "woff2", "ttf", "otf"};

    /**
     * Whether {@code target}'s path (up to the query) names a static asset a page links: style,
     * script, image, font. A path with a {@code ;} parameter never does (a bot could spell
     * {@code /search;.css} to pass as a browser). No allocation.
     */
    public static boolean isAsset(String target) {
        int end = target.length();
        for (int i = 0; i < end; i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
            if (c == ';') {
                return false; // "/search;.css": many servers drop the parameter and serve /search, so the spelling proves nothing
            }
        }
        for (int i = end - 1; i >= 0 && end - i <= 6; i--) {
            char c = target.charAt(i);
            if (c == '/') {
                return false;
            }
            if (c == '.') {
                int len = end - i - 1;
                for (String ext : ASSET_EXTENSIONS) {
                    if (ext.length() == len && target.regionMatches(true, i + 1, ext, 0, len)) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }
}
