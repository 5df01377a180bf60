package io.durable.examples.fanout;

import java.util.List;

/**
 * The aggregate the parent workflow computes from its children.
 *
 * <pre>{@code
 * OrderSummary summary = app.fulfil("order-7", items);
 * summary.totalCents();
 * }</pre>
 *
 * @param orderId    the order
 * @param parcels    the parcel labels, in order line order
 * @param totalCents the sum over all lines
 */
public record OrderSummary(String orderId, List<String> parcels, long totalCents) {
}
