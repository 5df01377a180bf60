package io.durable.examples.checkout;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.durable.examples.ExampleDatabase.prepare;
import static io.durable.examples.ExampleDatabase.update;

/**
 * A stand-in for a card payment provider. A charge request returns at once with a charge ID; the
 * outcome comes later, as a webhook delivered on the provider's own thread to the application's
 * endpoint. Like a real provider it deduplicates charge requests by idempotency key (a repeated
 * request gets the first charge, and its webhook again), and it delivers webhooks at least once.
 * Its ledger is the table {@code shop.payments}.
 *
 * <pre>{@code
 * SimulatedPaymentProvider provider = new SimulatedPaymentProvider(db, SimulatedPaymentProvider.Behaviour.PAYS,
 *         webhook -> durable.send(webhook.checkoutId(), "payment", webhook.result(), webhook.eventId()), System.out);
 * String chargeId = provider.charge(durable.idempotencyKey(), checkoutId, orderId, 8_900); // inside a step
 * }</pre>
 */
public final class SimulatedPaymentProvider implements AutoCloseable {
    private final ShopDatabase db;
    private final Behaviour behaviour;
    private final Consumer<PaymentWebhook> endpoint;
    private final PrintStream out;
    private final ExecutorService webhooks = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "payment-provider-webhooks");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger deliveries = new AtomicInteger();

    /**
     * @param db        where the provider keeps its ledger ({@code shop.payments})
     * @param behaviour whether charges succeed and how webhooks are delivered
     * @param endpoint  the application's webhook endpoint
     * @param out       where the provider reports what it does
     */
    public SimulatedPaymentProvider(ShopDatabase db, Behaviour behaviour, Consumer<PaymentWebhook> endpoint,
                                    PrintStream out) {
        this.db = Objects.requireNonNull(db, "db");
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Creates a charge, or finds the one created earlier with the same idempotency key, and
     * schedules its webhook.
     *
     * @param idempotencyKey the caller's key ({@code durable.idempotencyKey()} of the step)
     * @param checkoutId     metadata returned with the webhook: where to deliver the outcome
     * @param orderId        the order paid for
     * @param amountCents    how much
     * @return the charge ID
     */
    public String charge(String idempotencyKey, String checkoutId, long orderId, long amountCents) {
        String newId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Charge charge = db.inTransaction(c -> {
            update(c, "INSERT INTO shop.payments (idempotency_key, order_id, amount_cents, charge_id, status,"
                    + " decline_reason, event_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
                    idempotencyKey, orderId, amountCents, "ch_" + newId, behaviour.pays() ? "PAID" : "DECLINED",
                    behaviour.declineReason(), "evt_" + newId);
            return find(c, idempotencyKey);
        });
        out.println("  [provider] charge " + charge.result().chargeId() + " of " + Money.format(amountCents)
                + " for order #" + orderId + ": " + (charge.result().paid() ? "paid" : "declined") + " (key "
                + idempotencyKey + ")");
        for (int i = 0; i < behaviour.webhookDeliveries(); i++) {
            PaymentWebhook webhook = new PaymentWebhook(charge.eventId(), checkoutId, charge.result());
            webhooks.execute(() -> deliver(webhook));
        }
        return charge.result().chargeId();
    }

    /**
     * Voids a charge whose outcome the shop never learned: a paid charge is given back, a
     * declined one stays declined. Safe to repeat.
     *
     * @param chargeId the charge
     */
    public void voidCharge(String chargeId) {
        int voided = db.inTransaction(c -> update(c, "UPDATE shop.payments SET status = 'VOIDED'"
                + " WHERE charge_id = ? AND status = 'PAID'", chargeId));
        out.println("  [provider] void " + chargeId + (voided == 1 ? ": the money goes back" : ": nothing to give back"));
    }

    /** @return how many webhook deliveries reached the endpoint, duplicates included */
    public int webhooksDelivered() {
        return deliveries.get();
    }

    /** Stops delivering; webhooks already queued are delivered first (for up to 5 seconds). */
    @Override
    public void close() {
        webhooks.shutdown();
        try {
            webhooks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(PaymentWebhook webhook) {
        try {
            endpoint.accept(webhook);
            deliveries.incrementAndGet();
        } catch (RuntimeException e) {
            out.println("  [provider] webhook " + webhook.eventId() + " was not accepted (" + e.getMessage()
                    + "); a real provider would retry it later");
        }
    }

    private static Charge find(Connection c, String idempotencyKey) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT charge_id, amount_cents, status, decline_reason, event_id"
                + " FROM shop.payments WHERE idempotency_key = ?", idempotencyKey); ResultSet rs = ps.executeQuery()) {
            rs.next();
            PaymentResult result = "DECLINED".equals(rs.getString(3))
                    ? PaymentResult.declined(rs.getString(1), rs.getLong(2), rs.getString(4))
                    : PaymentResult.paid(rs.getString(1), rs.getLong(2));
            return new Charge(result, rs.getString(5));
        }
    }

    private record Charge(PaymentResult result, String eventId) {
    }

    /**
     * How the simulated provider behaves.
     *
     * <pre>{@code
     * Behaviour.PAYS;                                       // paid, one webhook
     * Behaviour.declines("card declined: insufficient funds");
     * Behaviour.PAYS.deliveredTwice();                      // the same webhook event arrives twice
     * Behaviour.WEBHOOK_LOST;                               // paid, but the webhook never arrives
     * }</pre>
     *
     * @param pays              whether charges succeed
     * @param declineReason     why they are declined when they do not
     * @param webhookDeliveries how many times each outcome's webhook is delivered (0: never)
     */
    public record Behaviour(boolean pays, String declineReason, int webhookDeliveries) {
        /** Every charge is paid; one webhook each. */
        public static final Behaviour PAYS = new Behaviour(true, null, 1);
        /** Every charge is paid, but its webhook never arrives: the checkout times out and voids it. */
        public static final Behaviour WEBHOOK_LOST = new Behaviour(true, null, 0);

        /**
         * @param reason why
         * @return every charge is declined; one webhook each
         */
        public static Behaviour declines(String reason) {
            return new Behaviour(false, reason, 1);
        }

        /** @return the same behaviour, with every webhook delivered twice */
        public Behaviour deliveredTwice() {
            return new Behaviour(pays, declineReason, 2);
        }
    }
}
