package io.durable.examples.checkout;

import io.durable.StepInfo;
import io.durable.examples.DatabaseSettings;
import io.durable.examples.Waiting;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting for the payment webhook with recv: declined, never confirmed, delivered twice. */
@ExtendWith(FreshDatabase.class)
class CheckoutPaymentTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void aDeclinedPaymentCancelsTheOrderReleasesTheStockAndFailsTheCheckout(TestDatabase db) {
        long stock = available(db);

        PaymentFailedException e = new CheckoutDemo(settings(db), out).decline();

        String id = onlyRun(db, "decline");
        long orderId = db.queryLong("SELECT order_id FROM shop.orders WHERE workflow_id = '" + id + "'");
        assertEquals("checkout " + id + " failed: payment declined (" + CheckoutDemo.DECLINE_REASON + "); order #"
                + orderId + " cancelled and 1 x KB-42 put back in stock", e.getMessage());
        assertUndone(db, id, stock);
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.payments WHERE order_id = " + orderId
                + " AND status = 'DECLINED'"));
        assertEquals(List.of("reserve-inventory", "create-order", "request-payment", "durable.recv:payment",
                "cancel-order", "release-inventory"), journal(db, id));
        assertTrue(text().contains("The checkout failed with PaymentFailedException: " + e.getMessage()), text());
    }

    @Test
    void aPaymentNeverConfirmedTimesOutVoidsTheChargeAndUndoesTheOrder(TestDatabase db) {
        long stock = available(db);
        CheckoutDemo demo = new CheckoutDemo(settings(db), out, SimulatedPaymentProvider.Behaviour.WEBHOOK_LOST,
                Duration.ofMillis(500));

        PaymentFailedException e = assertThrows(PaymentFailedException.class, demo::checkout);

        String id = onlyRun(db, "checkout");
        long orderId = db.queryLong("SELECT order_id FROM shop.orders WHERE workflow_id = '" + id + "'");
        assertTrue(e.getMessage().matches("checkout " + id + " failed: no payment confirmation for charge ch_\\w+"
                + " within 500 ms \\(charge voided\\); order #" + orderId + " cancelled and 1 x KB-42 put back in"
                + " stock"), () -> e.getMessage() + " (expected workflow " + id + ", order #" + orderId + ")");
        assertUndone(db, id, stock);
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.payments WHERE order_id = " + orderId
                + " AND status = 'VOIDED'"), "the charge that did go through is given back");
        assertEquals(List.of("reserve-inventory", "create-order", "request-payment", "durable.recv:payment",
                "void-payment", "cancel-order", "release-inventory"), journal(db, id));
    }

    @Test
    void aPaymentWebhookDeliveredTwiceIsConsumedExactlyOnce(TestDatabase db) {
        Receipt receipt;
        try (DemoSession session = new DemoSession(settings(db), out, CheckoutWorkflow.AfterOrderCreated.NOTHING,
                SimulatedPaymentProvider.Behaviour.PAYS.deliveredTwice(), CheckoutWorkflow.DEFAULT_PAYMENT_TIMEOUT)) {
            receipt = session.runCheckout("checkout-twice", CheckoutDemo.CART, "checkout");
            Waiting.until("the second delivery of the webhook", Duration.ofSeconds(20),
                    () -> session.provider().webhooksDelivered() == 2);
            List<StepInfo> steps = session.durable().steps("checkout-twice");
            assertEquals(1, steps.stream().filter(s -> s.name().equals("durable.recv:payment")).count());
        }

        String id = receipt.checkoutId();
        assertEquals(2, text().lines().filter(l -> l.contains("[webhook evt_") && l.contains(id)).count(),
                "the provider delivered its webhook twice:\n" + text());
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop_durable.messages WHERE destination = '" + id + "'"),
                "the second delivery carried the same event ID and was dropped");
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop_durable.messages WHERE destination = '" + id + "'"
                + " AND consumed_at IS NOT NULL AND idempotency_key LIKE 'evt_%'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.payments WHERE order_id = " + receipt.orderId()));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.warehouse_notifications WHERE order_id = "
                + receipt.orderId()));
        assertEquals("SUCCEEDED", status(db, id));
        assertEquals(CheckoutDemoTest.STEPS, journal(db, id));
    }

    /** The order is cancelled, its reservation released and the stock back where it was; nothing shipped. */
    private static void assertUndone(TestDatabase db, String id, long stockBefore) {
        long orderId = db.queryLong("SELECT order_id FROM shop.orders WHERE workflow_id = '" + id + "'");
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.orders WHERE order_id = " + orderId
                + " AND status = 'CANCELLED' AND cancel_reason IS NOT NULL"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM shop.reservations WHERE idempotency_key LIKE '" + id
                + ":%' AND released_at IS NULL"));
        assertEquals(stockBefore, available(db));
        assertEquals(0, db.queryLong("SELECT count(*) FROM shop.warehouse_notifications WHERE order_id = " + orderId));
        assertEquals("FAILED", status(db, id));
        assertEquals(1, db.queryLong("SELECT count(*) FROM shop.demo_runs WHERE workflow_id = '" + id
                + "' AND reported_at IS NOT NULL"));
    }

    private static long available(TestDatabase db) {
        new ShopDatabase(settings(db)).createSchema();
        return db.queryLong("SELECT available FROM shop.inventory WHERE sku = '" + ShopDatabase.SKU + "'");
    }

    private static String onlyRun(TestDatabase db, String mode) {
        List<String> ids = strings(db, "SELECT workflow_id FROM shop.demo_runs WHERE mode = '" + mode
                + "' ORDER BY started_at DESC LIMIT 1");
        assertEquals(1, ids.size(), "no demo run in mode " + mode);
        return ids.get(0);
    }

    private static String status(TestDatabase db, String id) {
        return strings(db, "SELECT status FROM shop_durable.workflows WHERE id = '" + id + "'").get(0);
    }

    private static List<String> journal(TestDatabase db, String id) {
        return strings(db, "SELECT name FROM shop_durable.steps WHERE workflow_id = '" + id + "' ORDER BY position");
    }

    private static List<String> strings(TestDatabase db, String sql) {
        return new ShopDatabase(settings(db)).inTransaction(c -> ShopDatabase.queryStrings(c, db.dialect(sql)));
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static DatabaseSettings settings(TestDatabase db) {
        return new DatabaseSettings(db.url(), db.user(), db.password());
    }
}
