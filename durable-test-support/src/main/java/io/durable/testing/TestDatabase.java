package io.durable.testing;

import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fresh database for one test class, removed afterwards: a new PostgreSQL database, or with
 * {@code -D}{@value #STORE_PROPERTY}{@code =sqlite} a new SQLite file in a temporary directory. The
 * same tests thus run against both stores. Created through {@link FreshDatabase}; can also be
 * created directly.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabase.create("my_test")) {
 *     Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password()).build();
 *     long done = db.queryLong("SELECT count(*) FROM durable.workflows WHERE status = 'SUCCEEDED'");
 * }
 * }</pre>
 */
public final class TestDatabase implements AutoCloseable {
    /** System property choosing the store tests run on: {@code postgresql} (default) or {@code sqlite}. */
    public static final String STORE_PROPERTY = "durable.test.store";
    /** {@code schema.table} in test SQL, rewritten to SQLite's {@code schema_table}. */
    private static final Pattern QUALIFIED_TABLE =
            Pattern.compile("\\b([a-z_][a-z0-9_]*)\\.(workflows|steps|messages|events|executors|durable_schema_history)\\b");
    /** PostgreSQL's microseconds of a timestamptz column; SQLite stores them as they are. */
    /** Any other {@code schema.table} after FROM, JOIN, INTO or UPDATE: the examples' business tables. */
    private static final Pattern TABLE_AFTER_KEYWORD =
            Pattern.compile("\\b(FROM|JOIN|INTO|UPDATE)\\s+([a-z_][a-z0-9_]*)\\.([a-z_][a-z0-9_]*)\\b",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern EPOCH_MICROS =
            Pattern.compile("\\(?extract\\(epoch FROM (\\w+)\\) \\* 1000000\\)?::bigint");
    private static final Pattern SUM_EPOCH_MICROS =
            Pattern.compile("sum\\(extract\\(epoch FROM (\\w+)\\) \\* 1000000\\)::bigint");
    private static final Pattern DATE_LITERAL = Pattern.compile("timestamptz '(\\d{4}-\\d{2}-\\d{2})'");
    private static final Pattern NOW_PLUS_HOURS = Pattern.compile("now\\(\\) \\+ interval '(\\d+) hours?'");
    /** Now in microseconds since the epoch, in SQLite. */
    private static final String SQLITE_NOW_MICROS = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)";

    private final PostgresServer server;
    private final Path sqliteDirectory;
    private final String name;

    private TestDatabase(PostgresServer server, Path sqliteDirectory, String name) {
        this.server = server;
        this.sqliteDirectory = sqliteDirectory;
        this.name = name;
    }

    /** @return true when this run's tests use SQLite files ({@value #STORE_PROPERTY}=sqlite) */
    public static boolean sqliteRun() {
        return "sqlite".equalsIgnoreCase(System.getProperty(STORE_PROPERTY, "postgresql"));
    }

    /**
     * Creates a database named after the prefix plus a random suffix.
     *
     * @param prefix readable part of the name (e.g. the test class)
     * @return the new, empty database
     */
    public static TestDatabase create(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(clean.length() - 40);
        }
        String name = "dt_" + clean + "_" + UUID.randomUUID().toString().substring(0, 8);
        if (sqliteRun()) {
            try {
                return new TestDatabase(null, Files.createTempDirectory(name), name);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for test database " + name, e);
            }
        }
        PostgresServer server = PostgresServer.get();
        try (Connection c = server.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return new TestDatabase(server, null, name);
    }

    /** @return true when this database is a SQLite file */
    public boolean isSqlite() {
        return sqliteDirectory != null;
    }

    /** @return the database name */
    public String name() {
        return name;
    }

    /** @return the SQLite file (only when {@link #isSqlite()}) */
    public Path sqliteFile() {
        if (!isSqlite()) {
            throw new IllegalStateException(name + " is a PostgreSQL database, not a SQLite file");
        }
        return sqliteDirectory.resolve(name + ".db");
    }

    /**
     * @return its JDBC URL; for SQLite with a busy timeout, so that the tests' own connections (and
     *         those of child JVMs given the URL) wait for durable's writes instead of failing at once
     */
    public String url() {
        return isSqlite() ? "jdbc:sqlite:" + sqliteFile() + "?busy_timeout=30000" : server.urlFor(name);
    }

    /**
     * Reads an instant column of durable's tables: a timestamptz on PostgreSQL, INTEGER microseconds
     * since the epoch on SQLite.
     *
     * @param rs     the result set, on a row
     * @param column the column index
     * @return the instant, or null for SQL NULL
     * @throws SQLException when the column cannot be read
     */
    public Instant instant(ResultSet rs, int column) throws SQLException {
        if (isSqlite()) {
            long micros = rs.getLong(column);
            return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        }
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** @return the user (empty for SQLite, which has none) */
    public String user() {
        return isSqlite() ? "" : server.user();
    }

    /** @return the password, may be null */
    public String password() {
        return isSqlite() ? null : server.password();
    }

    /** @return an unpooled DataSource on the database */
    public DataSource dataSource() {
        if (isSqlite()) {
            SQLiteDataSource ds = new SQLiteDataSource();
            ds.setUrl(url());
            return ds;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url());
        ds.setUser(user());
        if (password() != null) {
            ds.setPassword(password());
        }
        return ds;
    }

    /**
     * @return a new connection to the database (autocommit); on SQLite, the SQL run on it goes
     *         through {@link #dialect} first
     * @throws SQLException if it cannot connect
     */
    public Connection connect() throws SQLException {
        return isSqlite() ? SqliteDialectConnection.wrap(DriverManager.getConnection(url()), this::dialect)
                : DriverManager.getConnection(url(), user(), password());
    }

    /**
     * Runs one statement and returns the first column of the first row as a long (e.g. a count). On
     * SQLite, {@code schema.table} names of durable's tables become {@code schema_table}.
     *
     * @param sql the query
     * @return the value, or 0 when there is no row
     */
    public long queryLong(String sql) {
        String statement = dialect(sql);
        try (Connection c = connect(); Statement s = c.createStatement(); var rs = s.executeQuery(statement)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs statements (DDL, inserts) in autocommit; on SQLite with durable's table names rewritten
     * as in {@link #queryLong}.
     *
     * @param sql the statements
     */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String each : sql) {
                s.execute(dialect(each));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The tests' SQL is PostgreSQL's; on SQLite this rewrites what they use of it: {@code schema.table}
     * names of durable's tables (and of any table after FROM, JOIN, INTO or UPDATE), instants as epoch microseconds ({@code extract(epoch FROM c)}),
     * {@code now()}, {@code now() + interval 'N hours'}, {@code DEFAULT clock_timestamp()} and
     * {@code bigserial}/{@code serial PRIMARY KEY}.
     *
     * @param sql SQL naming durable's tables as {@code schema.table}
     * @return the same SQL for this database
     */
    public String dialect(String sql) {
        if (!isSqlite()) {
            return sql;
        }
        String s = QUALIFIED_TABLE.matcher(sql).replaceAll("$1_$2");
        s = TABLE_AFTER_KEYWORD.matcher(s).replaceAll("$1 $2_$3");
        s = SUM_EPOCH_MICROS.matcher(s).replaceAll("sum($1)");
        s = EPOCH_MICROS.matcher(s).replaceAll("$1");
        s = DATE_LITERAL.matcher(s).replaceAll(m -> Long.toString(
                java.time.LocalDate.parse(m.group(1)).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() * 1_000_000L));
        s = NOW_PLUS_HOURS.matcher(s).replaceAll("(" + SQLITE_NOW_MICROS + " + $1 * 3600000000)");
        return s.replace("now()", SQLITE_NOW_MICROS)
                .replace("DEFAULT clock_timestamp()", "DEFAULT (" + SQLITE_NOW_MICROS + ")")
                .replace("bigserial PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT")
                .replace("serial PRIMARY KEY", "INTEGER PRIMARY KEY");
    }

    /** Drops the database (ending any session still connected to it), or deletes the SQLite file. */
    @Override
    public void close() {
        if (isSqlite()) {
            try (Stream<Path> files = Files.walk(sqliteDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete test database " + sqliteDirectory, e);
            }
            return;
        }
        try (Connection c = server.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }
}
