package io.durable.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A database of its own for one benchmark run, {@code durable_bench_<random>}, created on the admin
 * URL and dropped {@code WITH (FORCE)} by {@link #close()} (also from a shutdown hook, should the run
 * be interrupted with Ctrl-C).
 */
final class BenchDatabase implements AutoCloseable {
    private final Server server;
    private final String name;
    private final AtomicBoolean dropped = new AtomicBoolean();
    private final Thread dropOnExit;

    private BenchDatabase(Server server, String name) {
        this.server = server;
        this.name = name;
        this.dropOnExit = new Thread(this::drop, "durable-bench-drop-database");
    }

    static BenchDatabase create(Server server) throws SQLException {
        byte[] random = new byte[5];
        ThreadLocalRandom.current().nextBytes(random);
        BenchDatabase db = new BenchDatabase(server, "durable_bench_" + HexFormat.of().formatHex(random));
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + db.name);
        }
        Runtime.getRuntime().addShutdownHook(db.dropOnExit);
        return db;
    }

    String name() {
        return name;
    }

    /** @return a JDBC URL of this database */
    String url() {
        return server.urlFor(name);
    }

    Server server() {
        return server;
    }

    /** @return a new connection to this database */
    Connection connect() throws SQLException {
        return server.connect(url());
    }

    /**
     * Runs {@code ANALYZE} on durable's tables (a fresh database has no planner statistics until
     * autovacuum gets to it).
     */
    void analyzeDurableTables() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("ANALYZE durable.workflows, durable.steps");
        }
    }

    @Override
    public void close() {
        drop();
        try {
            Runtime.getRuntime().removeShutdownHook(dropOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void drop() {
        if (!dropped.compareAndSet(false, true)) {
            return;
        }
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("durable-bench: could not drop database " + name + ": " + e.getMessage());
        }
    }
}
