package io.durable.examples.checkout;

import io.durable.Step;

import java.sql.Connection;

/**
 * The side effects of a checkout, each a durable step. The {@code @Step} methods are called through
 * the proxy from {@code durable.register(Shop.class, ...)} inside a workflow: a step's result is
 * recorded before the workflow goes on, and a replay after a crash returns the recorded result
 * instead of running the step again. The two methods that take a {@link Connection} are the bodies
 * of transactional steps: the workflow runs them inside {@code durable.transaction(...)}, which
 * commits their writes and the step's checkpoint together, so they are applied exactly once.
 *
 * <pre>{@code
 * Shop shop = durable.register(Shop.class, new JdbcShop(db, provider, durable, log));
 * // inside the workflow:
 * Reservation reservation = durable.transaction("reserve-inventory", c -> shop.reserveInventory(c, "KB-42", 1));
 * String chargeId = shop.requestPayment(checkoutId, orderId, reservation.totalCents());
 * }</pre>
 *
 * <p>The annotations sit on the interface so that every implementation is checkpointed the same
 * way. The names are explicit because they are stored in the journal and checked on replay:
 * renaming a Java method must not break the checkouts already in flight.
 *
 * <p>An ordinary step that was running when the process died runs again on recovery, so each
 * implementation must be safe to repeat; {@link JdbcShop} uses {@code durable.idempotencyKey()}
 * and conditional updates. A transactional step's writes roll back with the crash instead.
 */
public interface Shop {
    /**
     * Takes stock out of {@code shop.inventory} for one checkout: the body of the transactional step
     * {@code reserve-inventory}.
     *
     * @param c        the step's connection, in its transaction
     * @param sku      the product
     * @param quantity how many
     * @return what was reserved, with the unit price
     * @throws OutOfStockException if fewer are available
     */
    Reservation reserveInventory(Connection c, String sku, int quantity);

    /**
     * Creates the order row of a checkout: the body of the transactional step {@code create-order}.
     *
     * @param c           the step's connection, in its transaction
     * @param checkoutId  the workflow ID, stored with the order (one order per checkout)
     * @param cart        what is bought
     * @param reservation the reserved stock and price
     * @return the order number
     */
    long createOrder(Connection c, String checkoutId, Cart cart, Reservation reservation);

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
