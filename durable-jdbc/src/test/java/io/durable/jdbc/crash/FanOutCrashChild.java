package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.Workflow;
import io.durable.WorkflowHandle;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The program {@link FanOutCrashTest} runs in child JVMs: an order whose items are priced by child
 * workflows started in a loop, then summed. Each child records its side effect in a table.
 *
 * <pre>
 * java ... FanOutCrashChild run     &lt;jdbcUrl&gt; &lt;user&gt; &lt;orderId&gt; &lt;items&gt;
 * java ... FanOutCrashChild recover &lt;jdbcUrl&gt; &lt;user&gt; &lt;orderId&gt; &lt;items&gt;
 * </pre>
 *
 * <p>In {@code run}, the parent's "pace" step after the third start blocks for good, so the test can
 * kill the JVM in the middle of the fan-out; {@code recover} lets it pass. Prints {@code READY <pid>},
 * {@code RESULT <total>} or {@code ERROR <exception>}.
 */
public final class FanOutCrashChild {
    /** Executor ID of every child JVM. */
    public static final String EXECUTOR_ID = "fanout-crash-child";
    /** Side-effect table, created by the test: (workflow_id, effect). */
    public static final String EFFECTS_TABLE = "fanout_effects";

    private FanOutCrashChild() {
    }

    /** Prices one item. */
    public interface Pricing {
        /**
         * @param item the item
         * @return its price
         */
        int price(String item);
    }

    /** The parent. */
    public interface Order {
        /**
         * @param items how many items
         * @return the total price
         */
        int total(int items);
    }

    static final class PricingImpl implements Pricing {
        private final Durable durable;
        private final Effects effects;

        PricingImpl(Durable durable, Effects effects) {
            this.durable = durable;
            this.effects = effects;
        }

        @Override
        @Workflow(name = "fanout.price")
        public int price(String item) {
            return durable.step("price", () -> {
                effects.record(durable, "priced:" + item);
                return 10 * Integer.parseInt(item.substring(item.indexOf('-') + 1));
            });
        }
    }

    static final class OrderImpl implements Order {
        private final Durable durable;
        private final Effects effects;
        private final boolean blockMidFanOut;
        Pricing pricing;

        OrderImpl(Durable durable, Effects effects, boolean blockMidFanOut) {
            this.durable = durable;
            this.effects = effects;
            this.blockMidFanOut = blockMidFanOut;
        }

        @Override
        @Workflow(name = "fanout.order")
        public int total(int items) {
            List<WorkflowHandle<Integer>> children = new ArrayList<>();
            for (int i = 1; i <= items; i++) {
                String item = "item-" + i;
                children.add(durable.startWorkflow(() -> pricing.price(item)));
                if (i == 3) {
                    durable.step("pace", () -> {
                        effects.record(durable, "paused");
                        while (blockMidFanOut) {
                            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // until SIGKILL
                        }
                        return "passed";
                    });
                }
            }
            int total = durable.awaitAll(children).stream().mapToInt(Integer::intValue).sum();
            durable.step("aggregate", () -> effects.record(durable, "total:" + total));
            return total;
        }
    }

    /** Side effects, one row each, on a connection of their own. */
    static final class Effects {
        private final Connection connection;

        Effects(Connection connection) {
            this.connection = connection;
        }

        synchronized String record(Durable durable, String effect) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO " + EFFECTS_TABLE + " (workflow_id, effect) VALUES (?, ?)")) {
                ps.setString(1, durable.currentWorkflowId().orElseThrow());
                ps.setString(2, effect);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return effect;
        }
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        if (args.length != 5 || !(args[0].equals("run") || args[0].equals("recover"))) {
            System.err.println("usage: FanOutCrashChild run|recover <jdbcUrl> <user> <orderId> <items>");
            System.exit(2);
        }
        String url = args[1];
        String user = args[2];
        String orderId = args[3];
        int items = Integer.parseInt(args[4]);
        String password = System.getenv(CrashChild.PASSWORD_ENV);
        ChildMain.run(() -> {
            try (Connection connection = DriverManager.getConnection(url, user, password);
                 Durable durable = Durable.builder()
                         .jdbcUrl(url, user, password)
                         .executorId(EXECUTOR_ID)
                         .poolSize(4)
                         .hotWaitWindow(Duration.ofMillis(50))
                         .pollInterval(Duration.ofMillis(100))
                         .shutdownTimeout(Duration.ofSeconds(5))
                         .build()) {
                Effects effects = new Effects(connection);
                OrderImpl order = new OrderImpl(durable, effects, args[0].equals("run"));
                order.pricing = durable.register(Pricing.class, new PricingImpl(durable, effects));
                Order proxy = durable.register(Order.class, order);
                durable.start();
                ChildMain.ready();
                int total = args[0].equals("run")
                        ? durable.runWorkflow(orderId, () -> proxy.total(items))
                        : durable.<Integer>retrieve(orderId).result(Duration.ofSeconds(60));
                return total;
            }
        });
    }
}
