package io.durable.examples.checkout;

/**
 * The checkout could not be paid (declined, or no confirmation in time): the order was cancelled
 * and the stock released before the workflow failed with this exception. Callers get it from
 * {@code runWorkflow} or {@code handle.result()}, in this process and in any other (durable
 * rebuilds it from its recorded class and message).
 *
 * <pre>{@code
 * try {
 *     durable.runWorkflow(checkoutId, () -> checkout.checkout(cart));
 * } catch (PaymentFailedException e) {
 *     System.out.println(e.getMessage()); // checkout checkout-42 failed: payment declined (...); order #1001 cancelled...
 * }
 * }</pre>
 */
public class PaymentFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and what was undone (durable rebuilds the exception from it)
     */
    public PaymentFailedException(String message) {
        super(message);
    }
}
