package io.durable.examples.fanout;

import io.durable.Durable;
import io.durable.examples.DatabaseSettings;

import java.io.PrintStream;
import java.util.List;

/**
 * The fan-out example wired up: durable (journal in schema {@value #DURABLE_SCHEMA}), the
 * {@code fanout} tables and the workflows, registered and started. The demo and the tests use it.
 *
 * <pre>{@code
 * try (FanOutApp app = new FanOutApp(DatabaseSettings.fromEnvironment(), System.out)) {
 *     OrderSummary summary = app.fulfil("order-7", List.of(new OrderItem("kbd-1", 2, 4_900)));
 * }
 * }</pre>
 */
public final class FanOutApp implements AutoCloseable {
    /** The schema holding this example's durable tables (its own tables are in {@code fanout}). */
    public static final String DURABLE_SCHEMA = "fanout_durable";
    /** The executor ID of every process of this example, so each one recovers what the previous one left. */
    public static final String EXECUTOR_ID = "fanout-demo";

    private final FanOutDatabase db;
    private final Durable durable;
    private final Fulfilment fulfilment;

    /**
     * Creates the tables, builds and starts durable; starting resumes unfinished orders.
     *
     * @param settings the database
     * @param out      where the warehouse reports what it does
     */
    public FanOutApp(DatabaseSettings settings, PrintStream out) {
        this.db = new FanOutDatabase(settings);
        db.createSchema();
        this.durable = Durable.builder()
                .jdbcUrl(settings.url(), settings.user(), settings.password())
                .schema(DURABLE_SCHEMA)
                .executorId(EXECUTOR_ID)
                .build();
        try {
            FanOutWorkflow workflow = new FanOutWorkflow(durable, db, out);
            this.fulfilment = durable.register(Fulfilment.class, workflow);
            workflow.bind(fulfilment);
            durable.start();
        } catch (RuntimeException e) {
            durable.close();
            throw e;
        }
    }

    /**
     * Fulfils an order and waits for its summary; the same ID again returns the same summary.
     *
     * @param orderId names the order (its workflow ID)
     * @param lines   its lines
     * @return the aggregate of its children
     */
    public OrderSummary fulfil(String orderId, List<OrderItem> lines) {
        return durable.runWorkflow(orderId, () -> fulfilment.fulfil(orderId, lines));
    }

    /** @return the durable instance, for its journal */
    public Durable durable() {
        return durable;
    }

    /** @return the business tables */
    public FanOutDatabase database() {
        return db;
    }

    @Override
    public void close() {
        durable.close();
    }
}
