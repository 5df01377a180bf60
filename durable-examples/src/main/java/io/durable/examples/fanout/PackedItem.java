package io.durable.examples.fanout;

/**
 * What the child workflow of one order line returns once the line is reserved and packed.
 *
 * <pre>{@code
 * PackedItem packed = packing.pack("order-7", item); // a child workflow when called from a workflow
 * }</pre>
 *
 * @param sku        the article
 * @param quantity   how many were packed
 * @param totalCents quantity times unit price
 * @param parcel     the parcel label the warehouse assigned
 */
public record PackedItem(String sku, int quantity, long totalCents, String parcel) {
}
