package io.durable.examples.checkout;

import io.durable.WorkflowInterruptedException;
import io.durable.examples.DatabaseSettings;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(FreshDatabase.class)
class CheckoutDemoTest {
    /** The journal of a paid checkout, in order. */
    static final List<String> STEPS = List.of("reserve-inventory", "create-order", "request-payment",
            "durable.recv:payment", "record-payment", "notify-warehouse");

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void checkoutRunsEachStepOnceAndPrintsTheReceipt(TestDatabase db) {
        Receipt receipt = new CheckoutDemo(settings(db), out).checkout();

        assertEquals("ada@example.com", receipt.customer());
        assertEquals(ShopDatabase.SKU, receipt.sku());
        assertEquals(1, receipt.quantity());
        assertEquals(ShopDatabase.PRICE_CENTS, receipt.totalCents());
        assertTrue(receipt.checkoutId().startsWith("checkout-"), receipt.checkoutId());
        assertTrue(receipt.chargeId().startsWith("ch_"), receipt.chargeId());

        String id = receipt.checkoutId();
        assertEquals(ShopDatabase.INITIAL_STOCK - 1, db.queryLong("SELECT available FROM shop.inventory"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.reservations"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.orders"));
        assertEquals(receipt.orderId(), db.queryLong("SELECT order_id FROM shop.orders WHERE workflow_id = '" + id + "'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.orders WHERE status = 'SENT_TO_WAREHOUSE'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.payments"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.payments WHERE charge_id = '" + receipt.chargeId()
                + "' AND amount_cents = " + ShopDatabase.PRICE_CENTS + " AND order_id = " + receipt.orderId()
                + " AND status = 'PAID'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.warehouse_notifications WHERE order_id = "
                + receipt.orderId()));

        assertEquals(1, db.queryLong("SELECT count(*) FROM shop_durable.workflows WHERE id = '" + id
                + "' AND status = 'SUCCEEDED'"));
        assertEquals(6, db.queryLong("SELECT count(*) FROM shop_durable.steps WHERE workflow_id = '" + id
                + "' AND status = 'SUCCEEDED'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop_durable.messages WHERE destination = '" + id
                + "' AND topic = 'payment' AND consumed_at IS NOT NULL"));

        String text = text();
        assertTrue(text.contains("Receipt: " + receipt.describe()), text);
        for (String doing : List.of("reserving inventory", "creating order", "requesting payment", "recording payment",
                "notifying warehouse")) {
            assertTrue(text.contains("-> " + doing + " ... ran for real"), doing + " not reported in:\n" + text);
        }
        for (String step : STEPS) {
            assertJournalLine(text, step, "ran for real in this process");
        }
        assertFalse(text.contains("replayed from journal"), text);
    }

    @Test
    void recoverWithNothingLeftSaysSo(TestDatabase db) {
        List<Receipt> recovered = new CheckoutDemo(settings(db), out).recover();

        assertTrue(recovered.isEmpty());
        assertTrue(text().contains("Nothing was left to recover"), text());
    }

    /** The crash test kills a real JVM; this covers a plain run finishing an interrupted checkout, in-process. */
    @Test
    void aPlainRunFinishesACheckoutAnEarlierRunLeftBehind() {
        try (TestDatabase db = TestDatabase.create("CheckoutDemoTest_leftover")) {
            // The hook stops the workflow thread after step 2, leaving the checkout PENDING as a crash would.
            assertThrows(WorkflowInterruptedException.class,
                    () -> new CheckoutDemo(settings(db), out).crash(() -> {
                        throw new SimulatedCrash();
                    }));
            assertEquals(2, db.queryLong("SELECT count(*) FROM shop_durable.steps"));
            assertEquals(0, db.queryLong("SELECT count(*) FROM shop.payments"));
            printed.reset();

            Receipt fresh = new CheckoutDemo(settings(db), out).checkout();

            String text = text();
            String leftover = queryString(db, "SELECT workflow_id FROM shop.demo_runs WHERE mode = 'crash'");
            assertTrue(text.contains("Checkout " + leftover + " was left unfinished by an earlier process"), text);
            int from = text.indexOf("Journal of " + leftover);
            int to = text.indexOf("Checkout " + fresh.checkoutId() + ":");
            assertTrue(from >= 0 && to > from, "the leftover's journal should come before the new checkout:\n" + text);
            String leftoverJournal = text.substring(from, to);
            assertJournalLine(leftoverJournal, "reserve-inventory", "replayed from journal");
            assertJournalLine(leftoverJournal, "create-order", "replayed from journal");
            for (String step : STEPS.subList(2, STEPS.size())) {
                assertJournalLine(leftoverJournal, step, "ran for real in this process");
            }
            assertTrue(text.contains("Receipt: " + fresh.describe()), text);
            assertEquals(ShopDatabase.INITIAL_STOCK - 2, db.queryLong("SELECT available FROM shop.inventory"));
            assertEquals(2, db.queryLong("SELECT count(*) FROM shop.orders WHERE status = 'SENT_TO_WAREHOUSE'"));
            assertEquals(2, db.queryLong("SELECT count(*) FROM shop.payments"));
            assertEquals(0, db.queryLong("SELECT count(*) FROM shop.demo_runs WHERE reported_at IS NULL"));
        }
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    static void assertJournalLine(String text, String step, String how) {
        Pattern line = Pattern.compile("(?m)^\\s+\\d+\\. " + Pattern.quote(step) + "\\s+SUCCEEDED\\s+"
                + Pattern.quote(how) + "$");
        assertTrue(line.matcher(text).find(), "no journal line '" + step + " ... " + how + "' in:\n" + text);
    }

    private static String queryString(TestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "no row for " + sql);
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static DatabaseSettings settings(TestDatabase db) {
        return new DatabaseSettings(db.url(), db.user(), db.password());
    }

    /** Stands in for SIGKILL inside the test JVM: it ends the workflow thread, not the process. */
    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;
    }
}
