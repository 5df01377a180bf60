package io.durable.examples.checkout;

import io.durable.Durable;
import io.durable.Workflow;
import io.durable.examples.Durations;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The checkout's workflow function. It only orchestrates: every side effect goes through a
 * {@link Shop} step (two of them transactional) and the payment's outcome arrives as a message, so running this method again
 * from the top after a crash is harmless; the recorded steps return their journaled results, the
 * received message is returned from the journal, and the first unrecorded step runs for real.
 *
 * <pre>{@code
 * Checkout checkout = durable.register(Checkout.class, new CheckoutWorkflow(durable, shop,
 *         CheckoutWorkflow.AfterOrderCreated.NOTHING, CheckoutWorkflow.DEFAULT_PAYMENT_TIMEOUT));
 * }</pre>
 */
public final class CheckoutWorkflow implements Checkout {
    /** The topic the payment provider's webhook is delivered on. */
    public static final String PAYMENT_TOPIC = "payment";
    /** How long a checkout waits for the provider's webhook before it gives up and undoes its work. */
    public static final Duration DEFAULT_PAYMENT_TIMEOUT = Duration.ofMinutes(15);

    private final Durable durable;
    private final Shop shop;
    private final AfterOrderCreated afterOrderCreated;
    private final Duration paymentTimeout;

    /**
     * @param durable           the instance running this workflow
     * @param shop              the step proxy from {@code durable.register(Shop.class, ...)}, not the bare
     *                          implementation (calls on that would not be checkpointed)
     * @param afterOrderCreated called between creating the order and requesting the payment; the demo's
     *                          crash mode kills the process there
     * @param paymentTimeout    how long to wait for the payment webhook ({@link #DEFAULT_PAYMENT_TIMEOUT})
     */
    public CheckoutWorkflow(Durable durable, Shop shop, AfterOrderCreated afterOrderCreated, Duration paymentTimeout) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.shop = Objects.requireNonNull(shop, "shop");
        this.afterOrderCreated = Objects.requireNonNull(afterOrderCreated, "afterOrderCreated");
        this.paymentTimeout = Objects.requireNonNull(paymentTimeout, "paymentTimeout");
    }

    @Workflow(name = "checkout")
    @Override
    public Receipt checkout(Cart cart) {
        String checkoutId = durable.currentWorkflowId().orElseThrow();
        // Transactional steps: the stock and the order are written in the same transaction as their
        // checkpoints, so a crash can never reserve twice or create a second order.
        Reservation reservation = durable.transaction("reserve-inventory",
                c -> shop.reserveInventory(c, cart.sku(), cart.quantity()));
        long orderId = durable.transaction("create-order", c -> shop.createOrder(c, checkoutId, cart, reservation));
        afterOrderCreated.orderCreated(checkoutId, orderId);
        String chargeId = shop.requestPayment(checkoutId, orderId, reservation.totalCents());
        // The provider's webhook: consumed exactly once, however often it is delivered.
        Optional<PaymentResult> payment = durable.recv(PAYMENT_TOPIC, paymentTimeout, PaymentResult.class);
        if (payment.isEmpty()) {
            shop.voidPayment(chargeId);
            throw compensate(checkoutId, orderId, reservation, "no payment confirmation for charge " + chargeId
                    + " within " + Durations.words(paymentTimeout) + " (charge voided)");
        }
        if (!payment.get().paid()) {
            throw compensate(checkoutId, orderId, reservation, "payment declined (" + payment.get().declineReason()
                    + ")");
        }
        shop.recordPayment(orderId, payment.get());
        shop.notifyWarehouse(orderId, cart.sku(), cart.quantity());
        return new Receipt(checkoutId, orderId, cart.customer(), cart.sku(), cart.quantity(),
                reservation.totalCents(), payment.get().chargeId());
    }

    /** Undoes the order and the reservation, newest first, and says what happened. */
    private PaymentFailedException compensate(String checkoutId, long orderId, Reservation reservation, String why) {
        shop.cancelOrder(orderId, why);
        shop.releaseInventory(reservation);
        return new PaymentFailedException("checkout " + checkoutId + " failed: " + why + "; order #" + orderId
                + " cancelled and " + reservation.quantity() + " x " + reservation.sku() + " put back in stock");
    }

    /**
     * A hook between step 2 (order created, recorded) and step 3 (payment request). It is plain
     * code, not a step, so it runs again on every replay.
     *
     * <pre>{@code
     * CheckoutWorkflow.AfterOrderCreated log = (checkoutId, orderId) -> System.out.println("order " + orderId);
     * }</pre>
     */
    @FunctionalInterface
    public interface AfterOrderCreated {
        /** Does nothing: the normal case. */
        AfterOrderCreated NOTHING = (checkoutId, orderId) -> { };

        /**
         * @param checkoutId the workflow ID of the checkout
         * @param orderId    the order just created
         */
        void orderCreated(String checkoutId, long orderId);
    }
}
