package io.durable.examples.fanout;

import io.durable.Durable;
import io.durable.WorkflowHandle;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Fan-out/fan-in: one child workflow per order line, started from the parent's code (each start is
 * checkpointed; the child ID is {@code <orderId>/<position>}), then {@code durable.awaitAll} waits for
 * all of them without holding a thread once the hot window is over, and the parent sums them up.
 *
 * <pre>{@code
 * List<WorkflowHandle<PackedItem>> children = new ArrayList<>();
 * for (OrderItem line : lines) {
 *     children.add(durable.startWorkflow(() -> self.packLine(orderId, line)));
 * }
 * List<PackedItem> packed = durable.awaitAll(children);
 * }</pre>
 */
public final class FanOutWorkflow implements Fulfilment {
    private final Durable durable;
    private final FanOutDatabase db;
    private final PrintStream out;
    /** The registered proxy of this object: calls through it are durable (children, steps). */
    private Fulfilment self;

    /**
     * @param durable the durable instance
     * @param db      the business tables
     * @param out     where the warehouse reports what it does
     */
    public FanOutWorkflow(Durable durable, FanOutDatabase db, PrintStream out) {
        this.durable = durable;
        this.db = db;
        this.out = out;
    }

    /** @param self the proxy {@code durable.register} returned for this object */
    void bind(Fulfilment self) {
        this.self = self;
    }

    @Override
    public OrderSummary fulfil(String orderId, List<OrderItem> lines) {
        List<WorkflowHandle<PackedItem>> children = new ArrayList<>();
        for (OrderItem line : lines) {
            children.add(durable.startWorkflow(() -> self.packLine(orderId, line)));
        }
        List<PackedItem> packed = durable.awaitAll(children);
        long total = packed.stream().mapToLong(PackedItem::totalCents).sum();
        List<String> parcels = packed.stream().map(PackedItem::parcel).toList();
        return self.record(new OrderSummary(orderId, parcels, total));
    }

    @Override
    public PackedItem packLine(String orderId, OrderItem line) {
        String parcel = self.pack(orderId, line);
        return new PackedItem(line.sku(), line.quantity(), line.quantity() * line.unitPriceCents(), parcel);
    }

    @Override
    public String pack(String orderId, OrderItem line) {
        String workflowId = durable.currentWorkflowId().orElseThrow();
        String parcel = db.pack(durable.idempotencyKey(), orderId, line.sku(), line.quantity());
        out.println("  [warehouse] " + workflowId + ": packed " + line.quantity() + " x " + line.sku() + " into "
                + parcel + " (" + Thread.currentThread().getName() + ")");
        return parcel;
    }

    @Override
    public OrderSummary record(OrderSummary summary) {
        db.recordSummary(summary);
        return summary;
    }
}
