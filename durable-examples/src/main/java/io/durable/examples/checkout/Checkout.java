package io.durable.examples.checkout;

/**
 * The marketplace checkout as a durable workflow: reserve inventory, create the order, ask the
 * payment provider to charge it, wait for the provider's webhook (a message received with
 * {@code recv}), then notify the warehouse; a declined or missing payment cancels the order and
 * releases the stock. Start it through the proxy from {@code durable.register(Checkout.class, ...)}:
 *
 * <pre>{@code
 * Receipt receipt = durable.runWorkflow("checkout-42", () -> checkout.checkout(cart));
 * }</pre>
 *
 * The workflow ID names one execution: running the same ID again returns the same receipt
 * instead of charging twice.
 */
public interface Checkout {
    /**
     * Runs the checkout of one cart.
     *
     * @param cart what is bought, by whom
     * @return the receipt
     * @throws OutOfStockException    if the product ran out
     * @throws PaymentFailedException if the payment was declined or not confirmed in time (the order
     *                                is cancelled and the stock released first)
     */
    Receipt checkout(Cart cart);
}
