package io.durable.examples.checkout;

/**
 * Not enough stock to reserve. Recorded in the journal like any step failure, so a replay fails
 * the same way instead of trying again.
 *
 * <pre>{@code
 * throw new OutOfStockException("KB-42 is out of stock: 2 wanted, 1 available");
 * }</pre>
 */
public class OutOfStockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which product and how many were missing (durable rebuilds the exception from it)
     */
    public OutOfStockException(String message) {
        super(message);
    }
}
