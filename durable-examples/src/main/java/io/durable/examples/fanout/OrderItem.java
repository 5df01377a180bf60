package io.durable.examples.fanout;

/**
 * One line of an order.
 *
 * <pre>{@code
 * new OrderItem("kbd-1", 2, 4_900)
 * }</pre>
 *
 * @param sku            the article
 * @param quantity       how many
 * @param unitPriceCents the price of one, in cents
 */
public record OrderItem(String sku, int quantity, long unitPriceCents) {
}
