package io.durable.jdbc.crash;

import io.durable.jdbc.crash.TransactionCrashChild.Point;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.durable.jdbc.crash.CrashWaits.DEADLINE;
import static io.durable.jdbc.crash.CrashWaits.POLL_NANOS;
import static io.durable.jdbc.crash.CrashWaits.awaitCondition;
import static io.durable.jdbc.crash.CrashWaits.awaitSessionsGone;
import static io.durable.jdbc.crash.CrashWaits.withApplicationName;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Transactional steps under SIGKILL: a child JVM runs a two-step checkout
 * ({@link TransactionCrashChild}) and is killed before its statements, between them, just before
 * and just after the commit of either step; the next child JVM (same executor) recovers what it
 * left, and a last one finishes everything. Every checkout then shows each step applied exactly
 * once in the business tables: one stock item taken, one reservation, one order with one line.
 * Run with the journal in the business database ({@value #SAME_RUNS} kills) and with the business
 * tables in another database, where the checkpoints go into its own table first.
 */
@ExtendWith(FreshDatabase.class)
class TransactionCrashTest {
    private static final int REPEAT = Integer.getInteger("durable.crash.repeat", 1);
    private static final int SAME_RUNS = 24;
    private static final int STOCK = 1_000;
    private static final String[] STEPS = {TransactionCrashChild.RESERVE, TransactionCrashChild.ORDER};

    @Test
    void withTheJournalInTheBusinessDatabaseEveryStepIsAppliedOnce(TestDatabase db) throws Exception {
        createBusinessTables(db);
        crashAndRecover(db, db, "durable", "tx-same", 3 * REPEAT);
        // The child's own DataSource reached the journal: the checkpoints were journal rows, no table of their own.
        assertEquals(0, db.queryLong(db.isSqlite()
                ? "SELECT count(*) FROM sqlite_master WHERE name = 'durable_transaction_checkpoints'"
                : "SELECT count(*) FROM pg_tables WHERE tablename = 'durable_transaction_checkpoints'"));
    }

    @Test
    void withTheBusinessTablesInAnotherDatabaseEveryStepIsAppliedOnce(TestDatabase db) throws Exception {
        try (TestDatabase app = TestDatabase.create("txcrashapp")) {
            createBusinessTables(app);
            crashAndRecover(db, app, "durable_sep", "tx-sep", REPEAT);
            assertEquals(0, app.queryLong("SELECT count(*) FROM durable_transaction_checkpoints c WHERE NOT EXISTS"
                    + " (SELECT 1 FROM tx_orders o WHERE o.workflow_id = c.workflow_id)"),
                    "a checkpoint without its work");
        }
    }

    private static void createBusinessTables(TestDatabase on) {
        // No unique keys on purpose: a step applied twice shows as a second row.
        on.execute("CREATE TABLE tx_inventory (sku text PRIMARY KEY, available int NOT NULL)",
                "INSERT INTO tx_inventory VALUES ('" + TransactionCrashChild.SKU + "', " + STOCK + ")",
                "CREATE TABLE tx_reservations (workflow_id text NOT NULL, sku text NOT NULL)",
                "CREATE TABLE tx_orders (id serial PRIMARY KEY, workflow_id text NOT NULL, stock_left int NOT NULL)",
                "CREATE TABLE tx_order_lines (order_id int NOT NULL, workflow_id text NOT NULL, sku text NOT NULL)");
    }

    private static void crashAndRecover(TestDatabase db, TestDatabase app, String schema, String executorId,
                                        int rounds) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connect()) {
            for (int round = 0; round < rounds; round++) {
                for (String step : STEPS) {
                    for (Point point : Point.values()) {
                        String id = executorId + "-" + step + "-" + point.name().toLowerCase() + "-" + round;
                        ids.add(id);
                        crashOnce(c, db, app, schema, executorId, id, step, point);
                    }
                }
            }
            String recoverApp = "txcrash-recover-" + executorId;
            ChildJvm recover = ChildJvm.startMain("tx-recover-" + executorId, db.password(),
                    TransactionCrashChild.class, withApplicationName(db.url(), recoverApp), db.user(), schema,
                    executorId, withApplicationName(app.url(), recoverApp), "recover");
            try {
                assertEquals(0, recover.awaitExit(DEADLINE, "recover every checkout"), recover.logs());
                assertEquals("ok", recover.marker("RESULT").orElse(null), recover.logs());
            } finally {
                recover.destroy();
            }
        }
        for (String id : ids) {
            assertEquals(1, count(app, "tx_reservations", id), "reservations of " + id);
            assertEquals(1, count(app, "tx_orders", id), "orders of " + id);
            assertEquals(1, count(app, "tx_order_lines", id), "order lines of " + id);
            assertEquals(2, db.queryLong("SELECT count(*) FROM " + schema + ".steps WHERE workflow_id = '" + id
                    + "' AND status = 'SUCCEEDED'"), "journal of " + id);
        }
        assertEquals(STOCK - ids.size(), app.queryLong("SELECT available FROM tx_inventory"),
                "one item taken per checkout");
        // each order saw the stock its own reservation left: the two steps ran in order, once each
        assertEquals(ids.size(), app.queryLong("SELECT count(DISTINCT stock_left) FROM tx_orders"));
    }

    private static void crashOnce(Connection c, TestDatabase db, TestDatabase app, String schema, String executorId,
                                  String id, String step, Point point) throws Exception {
        String tag = tag(id);
        ChildJvm child = ChildJvm.startMain("tx-crash-" + id, db.password(), TransactionCrashChild.class,
                withApplicationName(db.url(), tag), db.user(), schema, executorId,
                withApplicationName(app.url(), tag), "crash", id, step, point.name());
        try {
            awaitCondition(child, "the kill point " + point + " of " + step + " in " + id, POLL_NANOS,
                    () -> child.marker("AT").isPresent());
            assertEquals(ChildJvm.SIGKILL_EXIT, child.kill(DEADLINE), child.logs());
            awaitSessionsGone(c, tag, child);
        } finally {
            child.destroy();
        }
    }

    private static long count(TestDatabase on, String table, String workflowId) throws SQLException {
        try (Connection c = on.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE workflow_id = ?")) {
            ps.setString(1, workflowId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String tag(String id) {
        String name = "txcrash-" + id;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }
}
