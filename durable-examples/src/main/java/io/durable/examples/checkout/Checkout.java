package io.durable.examples.checkout;

/**
 * The marketplace checkout as a durable workflow: reserve inventory, create the order, charge the
 * payment, notify the warehouse. Start it through the proxy from
 * {@code durable.register(Checkout.class, ...)}:
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
     * @throws OutOfStockException if the product ran out
     */
    Receipt checkout(Cart cart);
}
