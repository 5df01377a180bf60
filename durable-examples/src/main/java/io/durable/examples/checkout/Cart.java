package io.durable.examples.checkout;

/**
 * What a customer wants to buy: the input of a {@link Checkout}, recorded by durable when the
 * checkout starts and handed back unchanged when it is replayed.
 *
 * <pre>{@code
 * Cart cart = new Cart("ada@example.com", "KB-42", 1);
 * }</pre>
 *
 * @param customer who is buying (an e-mail address)
 * @param sku      the product
 * @param quantity how many, at least 1
 */
public record Cart(String customer, String sku, int quantity) {
    /** Rejects a cart that cannot be checked out, before anything is recorded. */
    public Cart {
        if (customer == null || customer.isBlank() || sku == null || sku.isBlank()) {
            throw new IllegalArgumentException("a cart needs a customer and a sku");
        }
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1, got " + quantity);
        }
    }
}
