package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fan-out across a real crash: the JVM running a parent that starts child workflows in a loop is
 * killed with SIGKILL after three of six children started (and ran). A new JVM recovers: the three
 * recorded starts are replayed, not repeated, the other three children start, and the parent sums
 * all six. Every child ran exactly once (its side effect is counted in a table).
 */
@ExtendWith(FreshDatabase.class)
class FanOutCrashTest {
    private static final int ITEMS = 6;

    @BeforeAll
    static void prepare(TestDatabase db) {
        db.execute("CREATE TABLE " + FanOutCrashChild.EFFECTS_TABLE
                + " (id bigserial PRIMARY KEY, workflow_id text NOT NULL, effect text NOT NULL)");
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password())
                .executorId("fanout-crash-parent").poolSize(2).build()) {
            durable.start();
        }
    }

    @Test
    void afterASigkillMidFanOutEveryChildRunsOnceAndTheParentAggregatesAll(TestDatabase db) throws Exception {
        String orderId = "order-fan-1";
        ChildJvm running = ChildJvm.startMain("fanout-run", db.password(), FanOutCrashChild.class, "run", db.url(),
                db.user(), orderId, Integer.toString(ITEMS));
        try {
            CrashWaits.awaitCondition(running, "three children priced and the parent paused mid fan-out",
                    CrashWaits.POLL_NANOS, () -> effects(db, "effect LIKE 'priced:%'") == 3
                            && effects(db, "effect = 'paused'") == 1
                            // the three price steps recorded: a step cut off before its checkpoint runs again
                            && db.queryLong("SELECT count(*) FROM durable.steps s JOIN durable.workflows w"
                            + " ON w.id = s.workflow_id WHERE w.parent_id = '" + orderId + "' AND s.name = 'price'") == 3);
            assertEquals(ChildJvm.SIGKILL_EXIT, running.kill(Duration.ofSeconds(10)));
        } finally {
            running.destroy();
        }
        assertEquals(3, db.queryLong("SELECT count(*) FROM durable.workflows WHERE parent_id = '" + orderId + "'"));

        ChildJvm recovering = ChildJvm.startMain("fanout-recover", db.password(), FanOutCrashChild.class, "recover",
                db.url(), db.user(), orderId, Integer.toString(ITEMS));
        try {
            assertEquals(0, recovering.awaitExit(CrashWaits.DEADLINE, "finish the order"), recovering.logs());
            assertEquals("210", recovering.marker("RESULT").orElseThrow(), recovering.logs());
        } finally {
            recovering.destroy();
        }
        for (int i = 1; i <= ITEMS; i++) {
            assertEquals(1, effects(db, "effect = 'priced:item-" + i + "'"), "item-" + i + " was priced "
                    + effects(db, "effect = 'priced:item-" + i + "'") + " times");
        }
        assertEquals(ITEMS, db.queryLong("SELECT count(*) FROM durable.workflows WHERE parent_id = '" + orderId
                + "' AND status = 'SUCCEEDED'"));
        assertEquals(ITEMS, db.queryLong("SELECT count(DISTINCT child_workflow_id) FROM durable.steps WHERE workflow_id = '"
                + orderId + "' AND name = 'durable.startChild:fanout.price'"));
        assertEquals(1, effects(db, "effect = 'total:210'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = '" + orderId
                + "' AND status = 'SUCCEEDED'"));
    }

    private static long effects(TestDatabase db, String condition) {
        return db.queryLong("SELECT count(*) FROM " + FanOutCrashChild.EFFECTS_TABLE + " WHERE " + condition);
    }
}
