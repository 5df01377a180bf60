package io.durable.jdbc.crash;

import io.durable.Durable;
import io.durable.Workflow;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * The child JVM of {@link TransactionCrashTest}: a checkout of two transactional steps
 * ({@value #RESERVE}: take one item of stock and insert a reservation; {@value #ORDER}: insert an
 * order and its line). In {@code crash} mode it runs one checkout and, at the chosen point of the
 * chosen step, prints {@code AT <point>} and blocks until the test kills it; in {@code recover}
 * mode it starts (recovering every checkout left PENDING) and prints {@code RESULT ok} once none is.
 *
 * <pre>
 * java ... TransactionCrashChild &lt;jdbcUrl&gt; &lt;user&gt; &lt;schema&gt; &lt;executorId&gt; &lt;appUrl&gt;
 *     crash &lt;workflowId&gt; &lt;step&gt; &lt;point&gt; | recover
 * </pre>
 *
 * <p>The business tables live at {@code appUrl}: the journal's database (transactional steps
 * checkpoint into the journal) or another one (they checkpoint into its own table first).
 */
public final class TransactionCrashChild {
    /** The first step. */
    public static final String RESERVE = "reserve-inventory";
    /** The second step. */
    public static final String ORDER = "create-order";
    /** The item every checkout buys one of. */
    public static final String SKU = "KB-42";
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(90);

    /** Where a kill can land, in the order a transaction meets them. */
    public enum Point { BEFORE_STATEMENTS, BETWEEN_STATEMENTS, BEFORE_COMMIT, AFTER_COMMIT }

    private static volatile String targetWorkflow = "";
    private static volatile String targetStep = "";
    private static volatile Point targetPoint;
    private static final ThreadLocal<String> currentStep = new ThreadLocal<>();

    private TransactionCrashChild() {
    }

    /** The checkout. */
    public interface Checkout {
        /**
         * @param id the workflow ID
         * @return the order's name
         * @throws SQLException if a step fails
         */
        String checkout(String id) throws SQLException;
    }

    static final class CheckoutImpl implements Checkout {
        private final Durable durable;

        CheckoutImpl(Durable durable) {
            this.durable = durable;
        }

        @Override
        @Workflow(name = "tx.checkout")
        public String checkout(String id) throws SQLException {
            int left = durable.transaction(RESERVE, c -> {
                at(RESERVE, Point.BEFORE_STATEMENTS);
                int available = update(c, "UPDATE tx_inventory SET available = available - 1 WHERE sku = ?"
                        + " RETURNING available", SKU);
                at(RESERVE, Point.BETWEEN_STATEMENTS);
                update(c, "INSERT INTO tx_reservations (workflow_id, sku) VALUES (?, ?) RETURNING 1", id, SKU);
                return available;
            });
            return durable.transaction(ORDER, c -> {
                at(ORDER, Point.BEFORE_STATEMENTS);
                int order = update(c, "INSERT INTO tx_orders (workflow_id, stock_left) VALUES (?, ?) RETURNING id",
                        id, left);
                at(ORDER, Point.BETWEEN_STATEMENTS);
                update(c, "INSERT INTO tx_order_lines (order_id, workflow_id, sku) VALUES (?, ?, ?) RETURNING 1",
                        order, id, SKU);
                return "order-" + order;
            });
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Blocks the calling thread for good if this is the point to crash at. */
    private static void at(String step, Point point) {
        currentStep.set(step);
        String workflow = workflowOnThisThread();
        if (point == targetPoint && step.equals(targetStep) && targetWorkflow.equals(workflow)) {
            System.out.println("AT " + point);
            System.out.flush();
            while (true) {
                LockSupport.park(); // only SIGKILL ends this JVM
            }
        }
    }

    private static volatile Durable durable;

    private static String workflowOnThisThread() {
        return durable.currentWorkflowId().orElse("");
    }

    /** Connections whose commit passes the two commit points. */
    static final class KillingDataSource implements DataSource {
        private final DataSource target;

        KillingDataSource(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return wrap(target.getConnection());
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return wrap(target.getConnection(user, password));
        }

        private static Connection wrap(Connection connection) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        boolean commit = method.getName().equals("commit");
                        String step = currentStep.get();
                        if (commit && step != null) {
                            at(step, Point.BEFORE_COMMIT);
                        }
                        Object result;
                        try {
                            result = method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (commit && step != null) {
                            at(step, Point.AFTER_COMMIT);
                            currentStep.remove();
                        }
                        return result;
                    });
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    static long pending(Connection c, String schema) throws SQLException {
        String workflows = schema + (CrashWaits.isSqlite(c) ? "_" : ".") + "workflows";
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + workflows
                + " WHERE name = 'tx.checkout' AND status <> 'SUCCEEDED'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        if (args.length != 6 && args.length != 9) {
            System.err.println("usage: TransactionCrashChild <jdbcUrl> <user> <schema> <executorId> <appUrl>"
                    + " crash <workflowId> <step> <point> | recover");
            System.exit(2);
        }
        String url = args[0];
        String user = args[1];
        String schema = args[2];
        String executorId = args[3];
        String appUrl = args[4];
        boolean crash = args[5].equals("crash");
        if (crash) {
            targetWorkflow = args[6];
            targetStep = args[7];
            targetPoint = Point.valueOf(args[8]);
        }
        String password = System.getenv(CrashChild.PASSWORD_ENV);
        DataSource app;
        if (appUrl.startsWith("jdbc:sqlite:")) {
            SQLiteDataSource file = new SQLiteDataSource();
            file.setUrl(appUrl);
            app = file;
        } else {
            PGSimpleDataSource server = new PGSimpleDataSource();
            server.setUrl(appUrl);
            server.setUser(user);
            if (password != null) {
                server.setPassword(password);
            }
            app = server;
        }
        ChildMain.run(() -> {
            try (Durable d = Durable.builder()
                    .jdbcUrl(url, user, password)
                    .schema(schema)
                    .executorId(executorId)
                    .poolSize(4)
                    .transactionDataSource(new KillingDataSource(app))
                    .shutdownTimeout(Duration.ofSeconds(5))
                    .build()) {
                durable = d;
                Checkout checkout = d.register(Checkout.class, new CheckoutImpl(d));
                d.start();
                ChildMain.ready();
                if (crash) {
                    String id = targetWorkflow;
                    d.startWorkflow(id, () -> checkout.checkout(id));
                    new CountDownLatch(1).await(); // the kill point blocks the workflow; the test kills us
                }
                try (Connection c = DriverManager.getConnection(url, user, password)) {
                    long deadline = System.nanoTime() + RECOVERY_DEADLINE.toNanos();
                    while (pending(c, schema) > 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(pending(c, schema) + " checkouts still unfinished after "
                                    + RECOVERY_DEADLINE);
                        }
                        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                    }
                }
                return "ok";
            }
        });
    }
}
