package io.durable.examples.checkout;

/**
 * The result of a finished {@link Checkout}, recorded by durable as the workflow's output.
 *
 * <pre>{@code
 * Receipt receipt = durable.runWorkflow("checkout-42", () -> checkout.checkout(cart));
 * System.out.println(receipt.describe());
 * }</pre>
 *
 * @param checkoutId the workflow ID of the checkout
 * @param orderId    the order number in {@code shop.orders}
 * @param customer   who bought
 * @param sku        what
 * @param quantity   how many
 * @param totalCents what was charged, in cents
 * @param chargeId   the (simulated) payment provider's charge ID
 */
public record Receipt(String checkoutId, long orderId, String customer, String sku, int quantity, long totalCents,
                      String chargeId) {

    /** @return one line for the console */
    public String describe() {
        return "order #" + orderId + " for " + customer + ": " + quantity + " x " + sku + ", "
                + Money.format(totalCents) + " charged (" + chargeId + ")";
    }
}
