package io.durable.examples.fanout;

import io.durable.Step;
import io.durable.Workflow;

import java.util.List;

/**
 * The workflows of the fan-out example: an order fans out one child workflow per line and
 * aggregates what they return; the warehouse work of a line is a step.
 *
 * <pre>{@code
 * Fulfilment fulfilment = durable.register(Fulfilment.class, new FanOutWorkflow(durable, warehouse));
 * OrderSummary summary = durable.runWorkflow("order-7", () -> fulfilment.fulfil("order-7", items));
 * }</pre>
 */
public interface Fulfilment {
    /**
     * The parent: starts {@link #packLine} for every line as a child workflow, waits for all of them and
     * records the summary.
     *
     * @param orderId the order
     * @param lines   its lines
     * @return the aggregate
     */
    @Workflow(name = "fanout.fulfil")
    OrderSummary fulfil(String orderId, List<OrderItem> lines);

    /**
     * A child: reserves and packs one line.
     *
     * @param orderId the order
     * @param line    the line
     * @return what was packed
     */
    @Workflow(name = "fanout.packLine")
    PackedItem packLine(String orderId, OrderItem line);

    /**
     * The warehouse call for one line, checkpointed: once recorded it is not repeated.
     *
     * @param orderId the order
     * @param line    the line
     * @return the parcel label
     */
    @Step(name = "warehouse.pack")
    String pack(String orderId, OrderItem line);

    /**
     * Records the order's summary in the business table.
     *
     * @param summary the aggregate
     * @return the summary
     */
    @Step(name = "orders.summarize")
    OrderSummary record(OrderSummary summary);
}
