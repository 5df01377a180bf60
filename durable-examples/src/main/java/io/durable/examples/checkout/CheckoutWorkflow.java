package io.durable.examples.checkout;

import io.durable.Durable;
import io.durable.Workflow;

import java.util.Objects;

/**
 * The checkout's workflow function. It only orchestrates: every side effect goes through a
 * {@link Shop} step, so running this method again from the top after a crash is harmless; the
 * recorded steps return their journaled results and the first unrecorded one runs for real.
 */
public final class CheckoutWorkflow implements Checkout {
    private final Durable durable;
    private final Shop shop;
    private final AfterOrderCreated afterOrderCreated;

    /**
     * @param durable           the instance running this workflow
     * @param shop              the step proxy from {@code durable.register(Shop.class, ...)}, not the bare
     *                          implementation (calls on that would not be checkpointed)
     * @param afterOrderCreated called between creating the order and charging it; the demo's crash mode
     *                          kills the process there
     */
    public CheckoutWorkflow(Durable durable, Shop shop, AfterOrderCreated afterOrderCreated) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.shop = Objects.requireNonNull(shop, "shop");
        this.afterOrderCreated = Objects.requireNonNull(afterOrderCreated, "afterOrderCreated");
    }

    @Workflow(name = "checkout")
    @Override
    public Receipt checkout(Cart cart) {
        String checkoutId = durable.currentWorkflowId().orElseThrow();
        Reservation reservation = shop.reserveInventory(cart.sku(), cart.quantity());
        long orderId = shop.createOrder(checkoutId, cart, reservation);
        afterOrderCreated.orderCreated(checkoutId, orderId);
        String chargeId = shop.chargePayment(orderId, reservation.totalCents());
        shop.notifyWarehouse(orderId, cart.sku(), cart.quantity());
        return new Receipt(checkoutId, orderId, cart.customer(), cart.sku(), cart.quantity(),
                reservation.totalCents(), chargeId);
    }

    /**
     * A hook between step 2 (order created, recorded) and step 3 (payment). It is plain code, not
     * a step, so it runs again on every replay.
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
