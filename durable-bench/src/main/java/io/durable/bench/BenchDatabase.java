package io.durable.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Where one benchmark run keeps durable's tables, fresh for the run and removed by {@link #close()}
 * (also from a shutdown hook, should the run be interrupted with Ctrl-C). On PostgreSQL, a database of
 * its own, {@code durable_bench_<random>}, created on the admin URL and dropped {@code WITH (FORCE)}.
 * On SQLite, a temp directory {@code durable-bench-<random>} with durable's file {@value #SQLITE_FILE}
 * and the baseline's file {@value #SQLITE_FLOOR_FILE}, deleted with everything in it.
 */
final class BenchDatabase implements AutoCloseable {
    /** durable's SQLite file in the run's directory. */
    static final String SQLITE_FILE = "bench.db";
    /** The SQLite file of the baseline INSERTs, beside durable's so that neither waits for the other's writes. */
    static final String SQLITE_FLOOR_FILE = "floor.db";
    /** Busy timeout of the baseline's SQLite connections: durable's own. */
    static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5_000;

    private final Server server;
    private final Path directory;
    private final String name;
    private final AtomicBoolean dropped = new AtomicBoolean();
    private final Thread dropOnExit;

    private BenchDatabase(Server server, Path directory, String name) {
        this.server = server;
        this.directory = directory;
        this.name = name;
        this.dropOnExit = new Thread(this::drop, "durable-bench-drop-database");
    }

    /** A new PostgreSQL database on {@code server}. */
    static BenchDatabase create(Server server) throws SQLException {
        byte[] random = new byte[5];
        ThreadLocalRandom.current().nextBytes(random);
        BenchDatabase db = new BenchDatabase(server, null, "durable_bench_" + HexFormat.of().formatHex(random));
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + db.name);
        }
        Runtime.getRuntime().addShutdownHook(db.dropOnExit);
        return db;
    }

    /**
     * A new temp directory (under {@code java.io.tmpdir}) for the SQLite files, which are created when
     * first opened. Says on stderr where it is, and warns when it is in memory (tmpfs), where a commit
     * reaches no disk.
     */
    static BenchDatabase createSqlite() throws IOException {
        Path directory = Files.createTempDirectory("durable-bench-");
        BenchDatabase db = new BenchDatabase(null, directory, directory.getFileName().toString());
        Runtime.getRuntime().addShutdownHook(db.dropOnExit);
        System.err.println("durable-bench: SQLite files in " + directory + " (deleted afterwards): durable's "
                + SQLITE_FILE + ", the baseline's " + SQLITE_FLOOR_FILE);
        if (Files.getFileStore(directory).type().equals("tmpfs")) {
            System.err.println("durable-bench: warning: " + directory + " is on tmpfs, so commits reach no disk;"
                    + " choose a directory on disk with -Djava.io.tmpdir=DIR");
        }
        return db;
    }

    /** @return the store this database is on */
    Options.Store store() {
        return server == null ? Options.Store.SQLITE : Options.Store.POSTGRESQL;
    }

    /** @return the database's name; on SQLite, the temp directory's */
    String name() {
        return name;
    }

    /** @return a JDBC URL of this database, for durable */
    String url() {
        return server == null ? "jdbc:sqlite:" + directory.resolve(SQLITE_FILE) : server.urlFor(name);
    }

    /** @return the user for {@link #url()}; null on SQLite */
    String user() {
        return server == null ? null : server.user();
    }

    /** @return the password for {@link #url()}, may be null; null on SQLite */
    String password() {
        return server == null ? null : server.password();
    }

    /** @return the PostgreSQL server */
    Server server() {
        if (server == null) {
            throw new IllegalStateException("no PostgreSQL server with --store sqlite");
        }
        return server;
    }

    /** @return a new connection to this database; PostgreSQL only */
    Connection connect() throws SQLException {
        return server().connect(url());
    }

    /**
     * @return a new connection for the baseline INSERTs of {@link Floor}: to this database on
     *         PostgreSQL, to {@value #SQLITE_FLOOR_FILE} on SQLite
     */
    Connection connectFloor() throws SQLException {
        return server == null ? sqlite(directory.resolve(SQLITE_FLOOR_FILE)) : connect();
    }

    /**
     * Runs {@code ANALYZE} on durable's tables (a fresh database has no planner statistics until
     * autovacuum gets to it). PostgreSQL only.
     */
    void analyzeDurableTables() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("ANALYZE durable.workflows, durable.steps");
        }
    }

    /** Opens {@code file} with durable's durability settings: WAL, {@code synchronous=FULL}, its busy timeout. */
    private static Connection sqlite(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!rs.next() || !rs.getString(1).equalsIgnoreCase("wal")) {
                    throw new SQLException("SQLite file " + file + " did not switch to WAL mode");
                }
            }
            st.execute("PRAGMA synchronous = FULL");
            st.execute("PRAGMA busy_timeout = " + SQLITE_BUSY_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
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
        if (server == null) {
            deleteDirectory();
            return;
        }
        try (Connection admin = server.connect(server.adminUrl()); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("durable-bench: could not drop database " + name + ": " + e.getMessage());
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("durable-bench: could not delete " + directory + ": " + e.getMessage());
        }
    }
}
