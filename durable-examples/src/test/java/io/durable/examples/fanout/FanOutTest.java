package io.durable.examples.fanout;

import io.durable.StepInfo;
import io.durable.examples.DatabaseSettings;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fan-out example against real PostgreSQL: one child per line, all packed once, the parent sums them. */
@ExtendWith(FreshDatabase.class)
class FanOutTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void anOrderIsPackedByOneChildPerLineAndAggregated(TestDatabase db) {
        DatabaseSettings settings = new DatabaseSettings(db.url(), db.user(), db.password());
        try (FanOutApp app = new FanOutApp(settings, out)) {
            OrderSummary summary = app.fulfil("order-fan", FanOutDemo.LINES);
            assertEquals(4_900 + 2 * 1_950 + 3 * 590 + 2_400, summary.totalCents());
            assertEquals(4, summary.parcels().size());
            assertEquals(4, app.database().packedLines("order-fan"));
            assertEquals(4, db.queryLong("SELECT count(*) FROM " + FanOutApp.DURABLE_SCHEMA + ".workflows"
                    + " WHERE parent_id = 'order-fan' AND status = 'SUCCEEDED'"));

            List<StepInfo> journal = app.durable().steps("order-fan");
            assertEquals("durable.startChild:fanout.packLine", journal.get(0).name());
            assertEquals("order-fan/1", journal.get(0).output());
            assertEquals("durable.childResult:order-fan/1", journal.get(4).name());
            assertEquals("orders.summarize", journal.get(8).name());

            // The same order ID again returns the recorded summary: nothing is packed twice.
            assertEquals(summary, app.fulfil("order-fan", FanOutDemo.LINES));
            assertEquals(4, app.database().packedLines("order-fan"));
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("[warehouse] order-fan/2: packed 2 x mouse"),
                printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDemoRuns(TestDatabase db) {
        OrderSummary summary = new FanOutDemo(new DatabaseSettings(db.url(), db.user(), db.password()), out).run();
        assertEquals(4, summary.parcels().size());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("durable.childResult:"),
                printed.toString(StandardCharsets.UTF_8));
    }
}
