package io.durable.examples.checkout;

import io.durable.Step;

/**
 * The side effects of a checkout, each a durable step: called through the proxy from
 * {@code durable.register(Shop.class, ...)} inside a workflow, a step's result is recorded before
 * the workflow goes on, and a replay after a crash returns the recorded result instead of running
 * the step again.
 *
 * <pre>{@code
 * Shop shop = durable.register(Shop.class, new JdbcShop(db, provider, durable, log));
 * Reservation reservation = shop.reserveInventory("KB-42", 1); // inside the workflow
 * }</pre>
 *
 * <p>The annotations sit on the interface so that every implementation is checkpointed the same
 * way. The names are explicit because they are stored in the journal and checked on replay:
 * renaming a Java method must not break the checkouts already in flight.
 *
 * <p>A step that was running when the process died runs again on recovery, so each
 * implementation must be safe to repeat; {@link JdbcShop} uses {@code durable.idempotencyKey()}
 * and conditional updates.
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
     * Asks the payment provider to charge the order. The provider answers later, by webhook.
     *
     * @param checkoutId  the workflow ID, which the provider's webhook names as its destination
     * @param orderId     the order to pay
     * @param amountCents how much
     * @return the provider's charge ID
     */
    @Step(name = "request-payment", maxAttempts = 3, initialBackoffMillis = 200)
    String requestPayment(String checkoutId, long orderId, long amountCents);

    /**
     * Marks the order paid.
     *
     * @param orderId the order
     * @param payment the provider's confirmation
     */
    @Step(name = "record-payment")
    void recordPayment(long orderId, PaymentResult payment);

    /**
     * Tells the warehouse to ship the order.
     *
     * @param orderId  the paid order
     * @param sku      what to ship
     * @param quantity how many
     */
    @Step(name = "notify-warehouse", maxAttempts = 3, initialBackoffMillis = 200)
    void notifyWarehouse(long orderId, String sku, int quantity);

    /**
     * Compensation of {@link #requestPayment} when its outcome never arrived: asks the provider to
     * void the charge, so a payment that did go through is given back.
     *
     * @param chargeId the charge
     */
    @Step(name = "void-payment", maxAttempts = 3, initialBackoffMillis = 200)
    void voidPayment(String chargeId);

    /**
     * Compensation of {@link #createOrder}: marks the order cancelled.
     *
     * @param orderId the order
     * @param reason  why
     */
    @Step(name = "cancel-order")
    void cancelOrder(long orderId, String reason);

    /**
     * Compensation of {@link #reserveInventory}: puts the reserved stock back, once.
     *
     * @param reservation what was reserved
     */
    @Step(name = "release-inventory")
    void releaseInventory(Reservation reservation);
}
