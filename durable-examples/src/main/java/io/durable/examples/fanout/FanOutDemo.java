package io.durable.examples.fanout;

import io.durable.examples.DatabaseSettings;
import io.durable.examples.DemoErrors;
import io.durable.examples.JournalPrinter;

import java.io.PrintStream;
import java.util.List;
import java.util.UUID;

/**
 * The fan-out demo: an order of four lines is packed by four child workflows running in parallel;
 * the parent waits for all of them and prints the total and its journal, where each child start and
 * each child's result is an entry.
 *
 * <pre>
 * mvn -q -B -pl durable-examples -am compile exec:java -Dexec.mainClass=io.durable.examples.fanout.FanOutDemo
 * </pre>
 *
 * It uses {@code jdbc:postgresql://localhost:5432/postgres} as {@code postgres}, or
 * {@code DURABLE_DATABASE_URL}, {@code DURABLE_DATABASE_USER} and {@code DURABLE_DATABASE_PASSWORD}.
 */
public final class FanOutDemo {
    /** The demo's order. */
    public static final List<OrderItem> LINES = List.of(new OrderItem("keyboard", 1, 4_900),
            new OrderItem("mouse", 2, 1_950), new OrderItem("cable", 3, 590), new OrderItem("stand", 1, 2_400));

    private final DatabaseSettings settings;
    private final PrintStream out;

    /**
     * @param settings the database for durable and the {@code fanout} tables
     * @param out      where to tell the user what happens
     */
    public FanOutDemo(DatabaseSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs the demo.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try {
            new FanOutDemo(DatabaseSettings.fromEnvironment(), System.out).run();
        } catch (RuntimeException e) {
            System.exit(DemoErrors.explain(e, System.err));
        }
    }

    /**
     * Fulfils one order.
     *
     * @return its summary
     */
    public OrderSummary run() {
        out.println("Fan-out demo: journal in schema " + FanOutApp.DURABLE_SCHEMA + ", tables in schema fanout, on "
                + settings);
        try (FanOutApp app = new FanOutApp(settings, out)) {
            String orderId = "order-" + UUID.randomUUID().toString().substring(0, 8);
            out.println();
            out.println("Order " + orderId + ": " + LINES.size() + " lines, one child workflow each.");
            OrderSummary summary = app.fulfil(orderId, LINES);
            out.println("Total " + summary.totalCents() / 100 + "." + String.format("%02d", summary.totalCents() % 100)
                    + " in " + summary.parcels().size() + " parcels");
            out.println();
            new JournalPrinter(out).print(app.durable(), orderId);
            return summary;
        }
    }
}
