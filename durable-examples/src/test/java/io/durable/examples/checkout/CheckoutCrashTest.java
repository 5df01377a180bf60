package io.durable.examples.checkout;

import io.durable.examples.ChildJvm;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.durable.examples.checkout.CheckoutDemoTest.assertJournalLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo as a newcomer runs it: one JVM kills itself with SIGKILL midway, a second one resumes. */
@ExtendWith(FreshDatabase.class)
class CheckoutCrashTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    private static final int KILLED_BY_SIGKILL = 128 + 9;

    @Test
    void aCheckoutKilledAfterItsOrderIsResumedByTheNextProcessWithoutRepeatingWork(TestDatabase db, @TempDir Path dir)
            throws Exception {
        ChildJvm.Result crashed = ChildJvm.run(CheckoutDemo.class, db, dir, CHILD_TIMEOUT, "crash");

        assertEquals(KILLED_BY_SIGKILL, crashed.exitCode(), crashed.describe());
        assertTrue(crashed.stdout().contains("Killing this JVM now (kill -9"), crashed.describe());
        assertTrue(crashed.stdout().contains(CheckoutDemo.DEMO_COMMAND + " -Dexec.args=recover"), crashed.describe());
        assertFalse(crashed.stdout().contains("requesting payment"), crashed.describe());
        // Killed between step 2 and step 3: the order exists, no payment was requested.
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.orders"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM shop.payments"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop_durable.workflows WHERE status = 'PENDING'"));
        assertEquals(2, db.queryLong("SELECT count(*) FROM shop_durable.steps"));

        ChildJvm.Result recovered = ChildJvm.run(CheckoutDemo.class, db, dir, CHILD_TIMEOUT, "recover");

        assertEquals(0, recovered.exitCode(), recovered.describe());
        String out = recovered.stdout();
        assertTrue(out.contains("was left unfinished by an earlier process"), recovered.describe());
        assertJournalLine(out, "reserve-inventory", "replayed from journal");
        assertJournalLine(out, "create-order", "replayed from journal");
        for (String step : CheckoutDemoTest.STEPS.subList(2, CheckoutDemoTest.STEPS.size())) {
            assertJournalLine(out, step, "ran for real in this process");
        }
        assertFalse(out.contains("-> reserving inventory"), recovered.describe());
        assertFalse(out.contains("-> creating order"), recovered.describe());
        assertTrue(out.contains("-> requesting payment ... ran for real"), recovered.describe());

        assertEquals(ShopDatabase.INITIAL_STOCK - 1, db.queryLong("SELECT available FROM shop.inventory"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.reservations"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.orders"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.orders WHERE status = 'SENT_TO_WAREHOUSE'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.payments WHERE status = 'PAID'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.warehouse_notifications"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop_durable.workflows WHERE status = 'SUCCEEDED'"));
        assertEquals(6, db.queryLong("SELECT count(*) FROM shop_durable.steps WHERE status = 'SUCCEEDED'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop_durable.messages WHERE consumed_at IS NOT NULL"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM shop.demo_runs WHERE reported_at IS NULL"));
    }
}
