package io.durable.internal.store;

import io.durable.ConfigurationException;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * The database settings that {@code Durable.Builder} and {@code DurableClient.Builder} share: where
 * to connect (a DataSource, a JDBC URL, or the {@code DURABLE_DATABASE_*} environment variables),
 * the schema, the pool, timeouts, the payload limit and the class loader. Each builder keeps its
 * own public setters and defaults and delegates here, so both validate and connect the same way.
 */
public final class ConnectionSettings {
    /** Environment variable with a JDBC URL, used when neither a DataSource nor a URL is set. */
    public static final String DATABASE_URL_ENV = "DURABLE_DATABASE_URL";
    /** Environment variable with the user for {@link #DATABASE_URL_ENV}. */
    public static final String DATABASE_USER_ENV = "DURABLE_DATABASE_USER";
    /** Environment variable with the password for {@link #DATABASE_URL_ENV}. */
    public static final String DATABASE_PASSWORD_ENV = "DURABLE_DATABASE_PASSWORD";

    /** The SQLite file used, in the working directory, when no database is configured at all. */
    public static final String DEFAULT_SQLITE_FILE = "durable.db";
    /** How a JDBC URL for the embedded SQLite store starts. */
    public static final String SQLITE_URL_PREFIX = "jdbc:sqlite:";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final long MIN_PAYLOAD_BYTES = 1024;

    private DataSource dataSource;
    private String jdbcUrl;
    private String user;
    private String password;
    private String schema;
    private int poolSize;
    private Duration connectTimeout;
    private Duration databaseRetryTimeout;
    private long maxPayloadBytes;
    private ClassLoader classLoader;

    /**
     * @param schema               default schema
     * @param poolSize             default pool size
     * @param connectTimeout       default connect timeout
     * @param databaseRetryTimeout default retry window
     * @param maxPayloadBytes      default payload limit
     */
    public ConnectionSettings(String schema, int poolSize, Duration connectTimeout, Duration databaseRetryTimeout,
                              long maxPayloadBytes) {
        this.schema = schema;
        this.poolSize = poolSize;
        this.connectTimeout = connectTimeout;
        this.databaseRetryTimeout = databaseRetryTimeout;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** @param dataSource the application's DataSource, not closed by durable */
    public void dataSource(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * @param url      a JDBC URL for a pool durable creates
     * @param user     its user
     * @param password its password, may be null
     */
    public void jdbcUrl(String url, String user, String password) {
        this.jdbcUrl = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
    }

    /** @param file the SQLite file holding durable's tables */
    public void sqlite(java.nio.file.Path file) {
        Objects.requireNonNull(file, "file");
        jdbcUrl(SQLITE_URL_PREFIX + file.toAbsolutePath().normalize(), null, null);
    }

    /** @param schema the schema holding durable's tables */
    public void schema(String schema) {
        this.schema = schema;
    }

    /** @param poolSize connections in the pool durable creates */
    public void poolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    /** @return the configured pool size */
    public int poolSize() {
        return poolSize;
    }

    /** @return whether the application's DataSource is used (then the pool size does not apply) */
    public boolean usesDataSource() {
        return dataSource != null;
    }

    /** @param connectTimeout how long to wait for a connection from durable's own pool */
    public void connectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** @param databaseRetryTimeout how long writes are retried through connection failures */
    public void databaseRetryTimeout(Duration databaseRetryTimeout) {
        this.databaseRetryTimeout = databaseRetryTimeout;
    }

    /** @param maxPayloadBytes largest serialized value accepted */
    public void maxPayloadBytes(long maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** @return largest serialized value accepted */
    public long maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** @param classLoader where recorded classes are loaded */
    public void classLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /**
     * @param fallback the class to take the loader of when neither a loader was set nor the calling
     *                 thread has a context class loader
     * @return the class loader recorded classes are loaded with
     */
    public ClassLoader resolveClassLoader(Class<?> fallback) {
        return classLoader != null ? classLoader
                : Optional.ofNullable(Thread.currentThread().getContextClassLoader()).orElse(fallback.getClassLoader());
    }

    /**
     * Validates the settings and resolves the fallbacks: with no DataSource or URL, the environment's
     * {@value #DATABASE_URL_ENV}; without that either, the SQLite file {@value #DEFAULT_SQLITE_FILE} in the
     * working directory.
     *
     * @param minPoolSize         the fewest connections the builder's instance needs
     * @param whyMinPoolSize      why, for the error message
     * @param checkpointWriters   batches of checkpoints written at once
     * @param checkpointBatchSize most checkpoints in one batch
     * @return the store's configuration
     * @throws ConfigurationException naming the setting to change
     */
    public StoreConfig validate(int minPoolSize, String whyMinPoolSize, int checkpointWriters, int checkpointBatchSize) {
        if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
            throw new ConfigurationException("schema must be a lower-case SQL identifier (letters, digits, "
                    + "underscores, at most 63 characters, not starting with a digit), got '" + schema + "'");
        }
        if (dataSource != null && jdbcUrl != null) {
            throw new ConfigurationException("set either dataSource(...) or jdbcUrl(...), not both");
        }
        String url = jdbcUrl;
        String dbUser = user;
        String dbPassword = password;
        if (dataSource == null && url == null) {
            url = System.getenv(DATABASE_URL_ENV);
            dbUser = System.getenv(DATABASE_USER_ENV);
            dbPassword = System.getenv(DATABASE_PASSWORD_ENV);
            if (url == null || url.isBlank()) {
                url = SQLITE_URL_PREFIX + java.nio.file.Path.of(DEFAULT_SQLITE_FILE).toAbsolutePath().normalize();
                dbUser = null;
                dbPassword = null;
            }
        }
        if (url != null && !url.startsWith("jdbc:")) {
            throw new ConfigurationException("jdbcUrl must start with 'jdbc:', e.g. "
                    + "jdbc:postgresql://localhost:5432/app; got '" + url.split("\\?")[0] + "'");
        }
        if (poolSize < minPoolSize) {
            throw new ConfigurationException("poolSize must be at least " + minPoolSize + " (" + whyMinPoolSize
                    + "), got " + poolSize);
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("databaseRetryTimeout", databaseRetryTimeout);
        if (maxPayloadBytes < MIN_PAYLOAD_BYTES) {
            throw new ConfigurationException("maxPayloadBytes must be at least " + MIN_PAYLOAD_BYTES + ", got "
                    + maxPayloadBytes);
        }
        return new StoreConfig(dataSource, url, dbUser, dbPassword, schema, poolSize, connectTimeout,
                databaseRetryTimeout, checkpointWriters, checkpointBatchSize);
    }

    /**
     * Finds the store for the configuration with {@link ServiceLoader}.
     *
     * @param config a validated configuration
     * @return a store, not yet started
     * @throws ConfigurationException when no store on the class path supports it
     */
    public static Store createStore(StoreConfig config) {
        for (StoreFactory factory : ServiceLoader.load(StoreFactory.class, StoreFactory.class.getClassLoader())) {
            if (factory.supports(config)) {
                return factory.create(config);
            }
        }
        throw new ConfigurationException("no durable store supports " + config
                + "; add the dependency io.durable:durable-jdbc (and the JDBC driver for your database)");
    }

    /**
     * @param name  the setting, for the message
     * @param value its value
     * @throws ConfigurationException when the value is below 1
     */
    public static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new ConfigurationException(name + " must be at least 1, got " + value);
        }
    }

    /**
     * @param name  the setting, for the message
     * @param value its value
     * @throws ConfigurationException when the value is null, zero or negative
     */
    public static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigurationException(name + " must be a positive duration, got " + value);
        }
    }
}
