package io.rampart.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The browsing-habits signal: pages without assets look automated; assets, APIs and feeds do not. */
class BrowsingHabitsTest {
    private final BrowsingHabits habits = new BrowsingHabits();

    @Test
    void aClientOpeningPagesWithoutAssets_looksAutomated_fromItsSecondPage() {
        assertThat(habits.note(1, true, false)).as("one page: every visit starts so").isFalse();
        assertThat(habits.note(1, true, false)).isTrue();
        assertThat(habits.note(1, true, false)).isTrue();
    }

    @Test
    void aBrowserFetchingWhatItsPagesLink_neverDoes_evenWithItsAssetsCachedLater() {
        habits.note(2, true, false);
        habits.note(2, false, true); // the style sheet
        for (int i = 0; i < 50; i++) {
            assertThat(habits.note(2, true, false)).as("page %d, every asset cached", i).isFalse();
        }
    }

    @Test
    void apiCallsAndFeeds_areNeitherPagesNorAssets_andNeverLookAutomated() {
        for (int i = 0; i < 100; i++) {
            assertThat(habits.note(3, false, false)).isFalse();
        }
    }

    @Test
    void clientsAreJudgedApart_andOneTakingAnothersSlot_startsItAfresh() {
        habits.note(4, true, false);
        habits.note(4, true, false);
        assertThat(habits.note(5, true, false)).as("another client").isFalse();
        long sameSlot = 4 + (1L << 16); // the same slot, another tag
        assertThat(habits.note(sameSlot, true, false)).as("a newcomer in a taken slot is judged from nothing").isFalse();
        assertThat(habits.note(4, true, false)).as("and the one it displaced starts again: judged afresh, never wrongly").isFalse();
    }

    @Test
    void assetsAreKnownByTheirPathsExtension_notByTheQuery() {
        assertThat(BrowsingHabits.isAsset("/static/site.css")).isTrue();
        assertThat(BrowsingHabits.isAsset("/static/app.JS?v=3")).isTrue();
        assertThat(BrowsingHabits.isAsset("/img/logo.svg#icon")).isTrue();
        assertThat(BrowsingHabits.isAsset("/fonts/a.woff2")).isTrue();
        assertThat(BrowsingHabits.isAsset("/search?q=style.css")).as("the query does not make a page an asset").isFalse();
        assertThat(BrowsingHabits.isAsset("/article/12")).isFalse();
        assertThat(BrowsingHabits.isAsset("/css/")).isFalse();
        assertThat(BrowsingHabits.isAsset("/download.tar.gz")).isFalse();
        assertThat(BrowsingHabits.isAsset("/search;.css?q=x")).as("a path parameter spelt to look like an asset").isFalse();
        assertThat(BrowsingHabits.isAsset("/search;v=1/site.css")).as("nor anywhere in the path").isFalse();
        assertThat(BrowsingHabits.isAsset("/search?q=a;b.css")).as("a ; in the query is the query's").isFalse();
        assertThat(BrowsingHabits.isAsset("/static/a.css?x=;")).isTrue();
        assertThat(BrowsingHabits.isAsset("/a.html")).isFalse();
        assertThat(BrowsingHabits.isAsset("")).isFalse();
        assertThat(BrowsingHabits.isAsset(".css")).isTrue();
    }
}
