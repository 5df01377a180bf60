package io.durable.examples.checkout;

import io.durable.Step;

/**
 * The four side effects of a checkout, each a durable step: called through the proxy from
 * {@code durable.register(Shop.class, ...)} inside a workflow, a step's result is recorded before
 * the workflow goes on, and a replay after a crash returns the recorded result instead of running
 * the step again.
 *
 * <p>The annotations sit on the interface so that every implementation is checkpointed the same
 * way. The names are explicit because they are stored in the journal and checked on replay:
 * renaming a Java method must not break the checkouts already in flight.
 *
 * <p>A step that was running when the process died runs again on recovery, so each
 * implementation must be safe to repeat; {@link JdbcShop} uses {@code durable.idempotencyKey()}.
 */
public interface Shop {
    /**
     * Takes stock out of {@code shop.inventory} for one checkout.
     *
     * @param sku      the product
     * @param quantity how many
     * @return what was reserved, with the unit price
     * @throws OutOfStockException if fewer are available
     */
    @Step(name = "reserve-inventory")
    Reservation reserveInventory(String sku, int quantity);

    /**
     * Creates the order row of a checkout.
     *
     * @param checkoutId  the workflow ID, stored with the order (one order per checkout)
     * @param cart        what is bought
     * @param reservation the reserved stock and price
     * @return the order number
     */
    @Step(name = "create-order")
    long createOrder(String checkoutId, Cart cart, Reservation reservation);

    /**
     * Charges the customer through a simulated payment provider.
     *
     * @param orderId     the order to pay
     * @param amountCents how much
     * @return the provider's charge ID
     */
    @Step(name = "charge-payment", maxAttempts = 3, initialBackoffMillis = 200)
    String chargePayment(long orderId, long amountCents);

    /**
     * Tells the warehouse to ship the order.
     *
     * @param orderId  the paid order
     * @param sku      what to ship
     * @param quantity how many
     */
    @Step(name = "notify-warehouse", maxAttempts = 3, initialBackoffMillis = 200)
    void notifyWarehouse(long orderId, String sku, int quantity);
}
