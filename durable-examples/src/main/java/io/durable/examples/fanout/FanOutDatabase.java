package io.durable.examples.fanout;

import io.durable.examples.DatabaseSettings;
import io.durable.examples.ExampleDatabase;

/**
 * The fan-out example's tables, in schema {@code fanout} of the database durable uses (durable keeps
 * this example's journal in schema {@value FanOutApp#DURABLE_SCHEMA}). Remove both with
 * {@code DROP SCHEMA fanout CASCADE; DROP SCHEMA fanout_durable CASCADE;}.
 *
 * <pre>{@code
 * FanOutDatabase db = new FanOutDatabase(DatabaseSettings.fromEnvironment());
 * db.createSchema();
 * long packed = db.packedLines("order-7");
 * }</pre>
 */
public final class FanOutDatabase extends ExampleDatabase {
    private static final String[] SCHEMA = {
        "CREATE SCHEMA IF NOT EXISTS fanout",
        // One row per line the warehouse packed; the idempotency key makes a repeated call harmless.
        "CREATE TABLE IF NOT EXISTS fanout.packed_lines (idempotency_key text PRIMARY KEY, order_id text NOT NULL,"
                + " sku text NOT NULL, quantity integer NOT NULL, parcel text NOT NULL,"
                + " packed_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE IF NOT EXISTS fanout.order_summaries (order_id text PRIMARY KEY, parcels integer NOT NULL,"
                + " total_cents bigint NOT NULL)",
    };

    /**
     * @param settings where the tables live
     */
    public FanOutDatabase(DatabaseSettings settings) {
        super(settings);
    }

    /** Creates the schema and tables if they do not exist yet. */
    public void createSchema() {
        execute(SCHEMA);
    }

    /**
     * Packs a line at most once per idempotency key.
     *
     * @return the parcel label
     */
    String pack(String idempotencyKey, String orderId, String sku, int quantity) {
        String parcel = "parcel-" + Integer.toHexString(idempotencyKey.hashCode());
        inTransaction(c -> update(c, "INSERT INTO fanout.packed_lines (idempotency_key, order_id, sku, quantity, parcel)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING", idempotencyKey, orderId, sku,
                quantity, parcel));
        return parcel;
    }

    void recordSummary(OrderSummary summary) {
        inTransaction(c -> update(c, "INSERT INTO fanout.order_summaries (order_id, parcels, total_cents)"
                + " VALUES (?, ?, ?) ON CONFLICT (order_id) DO NOTHING", summary.orderId(), summary.parcels().size(),
                summary.totalCents()));
    }

    /**
     * @param orderId an order
     * @return how many lines the warehouse packed for it
     */
    public long packedLines(String orderId) {
        return inTransaction(c -> queryLong(c, "SELECT count(*) FROM fanout.packed_lines WHERE order_id = ?", orderId));
    }
}
