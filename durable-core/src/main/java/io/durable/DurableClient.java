package io.durable;

import io.durable.internal.engine.Engine;
import io.durable.internal.engine.EngineConfig;
import io.durable.internal.store.ConnectionSettings;
import io.durable.internal.store.StoreConfig;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Talks to durable workflows from a process that runs none: a web front end, an admin tool, a
 * webhook receiver. It sends messages, reads events, status, journals and results, and cancels,
 * through the same database as the application's {@link Durable} instances, without registering
 * any implementation. It registers no executor, recovers nothing, polls no waits and never
 * creates or migrates durable's schema (the application's {@link Durable#start()} does).
 *
 * <pre>{@code
 * try (DurableClient client = DurableClient.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/shop", "shop", secret)
 *         .build()) {                                          // connects; checks the schema
 *     client.send("order-42", "payment", new PaymentResult("paid", "ch_1"), webhook.eventId());
 *     Optional<String> stage = client.getEvent("order-42", "stage", Duration.ofSeconds(5), String.class);
 *     WorkflowHandle<Receipt> order = client.retrieve("order-42");
 *     Receipt receipt = order.result(Duration.ofMinutes(1));   // polls the database
 * }
 * }</pre>
 *
 * <p>Results, values and exceptions are rebuilt from what was recorded, with the classes the
 * workflow used: those classes must be on this process's class path (or in the builder's
 * {@link Builder#classLoader(ClassLoader) classLoader}). A result whose class is missing fails
 * with {@link SerializationException} naming the class and the workflow; an exception whose class
 * is missing comes back as {@link RecordedFailureException} with its class name, message and stack.
 * {@link #workflow(String)} shows such values as their recorded JSON.
 *
 * <p>Resume and fork are not offered: they run the workflow in the calling process, which needs
 * its implementation. Call them on a {@link Durable} that registered it. One client per process
 * is enough; it is thread-safe.
 */
public final class DurableClient implements AutoCloseable {
    private final Engine engine;

    private DurableClient(Engine engine) {
        this.engine = engine;
    }

    /**
     * Starts configuring a client.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Releases the client's connections (and its pool, if it created one). Workflows are not affected. */
    @Override
    public void close() {
        engine.close();
    }

    // ---- messages and events ----------------------------------------------------------------

    /**
     * Sends a message to a workflow, to be consumed by its {@link Durable#recv} on {@code topic}; a
     * workflow parked in another process waiting for it is woken at once (a notification, with the
     * executor's polling as the fallback). The destination need not exist yet. Use
     * {@link #send(String, String, Object, String)} when the caller itself may retry.
     *
     * <pre>{@code
     * client.send("order-42", "payment", new PaymentResult("paid", "ch_1"));
     * }</pre>
     *
     * @param workflowId the receiving workflow's ID
     * @param topic      the topic it receives on
     * @param message    any value durable can record (not null)
     */
    public void send(String workflowId, String topic, Object message) {
        engine.send(workflowId, topic, message, null);
    }

    /**
     * Sends a message at most once per {@code idempotencyKey} and destination: a second send with
     * the same key is dropped silently (the first one stands).
     *
     * <pre>{@code
     * client.send("order-42", "payment", result, webhook.eventId());   // a redelivered webhook sends nothing
     * }</pre>
     *
     * @param workflowId     the receiving workflow's ID
     * @param topic          the topic it receives on
     * @param message        any value durable can record (not null)
     * @param idempotencyKey unique per message for this destination, e.g. the webhook's event ID
     */
    public void send(String workflowId, String topic, Object message, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        engine.send(workflowId, topic, message, idempotencyKey);
    }

    /**
     * The latest value a workflow published under {@code key} with {@link Durable#setEvent}, waiting
     * up to {@code timeout} until it is set. The wait is woken by a notification when the value is
     * set, and re-reads the database every second in case one is lost.
     *
     * <pre>{@code
     * Optional<String> stage = client.getEvent("order-42", "stage", Duration.ofSeconds(5), String.class);
     * }</pre>
     *
     * @param workflowId the publishing workflow
     * @param key        the event key
     * @param timeout    how long to wait for a first value; zero reads what is there
     * @param type       the value's class (a recorded value of another type is converted if it can be)
     * @param <T>        the value's type
     * @return the latest value, or empty if none was set in time
     */
    public <T> Optional<T> getEvent(String workflowId, String key, Duration timeout, Class<T> type) {
        return engine.getEvent(workflowId, key, timeout, type);
    }

    // ---- results, status and inspection -----------------------------------------------------

    /**
     * A handle to an execution started by any process. Its {@link WorkflowHandle#result()} polls the
     * database (every few milliseconds at first, backing off to 200 ms) until the workflow has
     * finished, then returns its recorded result or rethrows its recorded failure exactly as
     * {@link Durable#retrieve(String)} does: unchecked exceptions as they were recorded, checked
     * ones wrapped in {@link WorkflowFailedException}, {@link WorkflowCancelledException},
     * {@link WorkflowTimedOutException}, {@link WorkflowDeadLetterException}.
     *
     * <pre>{@code
     * WorkflowHandle<Receipt> order = client.retrieve("order-42");
     * try {
     *     Receipt receipt = order.result(Duration.ofSeconds(30));
     * } catch (ResultTimeoutException e) {
     *     // still running; ask again later
     * }
     * }</pre>
     *
     * @param workflowId the execution's ID
     * @param <T>        the result type the caller expects
     * @return a handle
     * @throws WorkflowNotFoundException if no execution has that ID
     */
    public <T> WorkflowHandle<T> retrieve(String workflowId) {
        return engine.retrieve(workflowId);
    }

    /**
     * The status of an execution now.
     *
     * <pre>{@code
     * if (client.status("order-42") == WorkflowStatus.PENDING) { ... }
     * }</pre>
     *
     * @param workflowId the execution's ID
     * @return its status
     * @throws WorkflowNotFoundException if no execution has that ID
     */
    public WorkflowStatus status(String workflowId) {
        return engine.status(workflowId);
    }

    /**
     * What the database holds about an execution; see {@link Durable#workflow(String)}.
     *
     * <pre>{@code
     * client.workflow("order-42").ifPresent(w -> System.out.println(w.name() + " " + w.status()));
     * }</pre>
     *
     * @param workflowId the execution's ID
     * @return the record, or empty if there is none
     */
    public Optional<WorkflowInfo> workflow(String workflowId) {
        return engine.workflow(workflowId);
    }

    /**
     * The journal of an execution; see {@link Durable#steps(String)}.
     *
     * <pre>{@code
     * client.steps("order-42").forEach(s -> System.out.println(s.position() + " " + s.name() + " " + s.status()));
     * }</pre>
     *
     * @param workflowId the execution's ID
     * @return the recorded steps in position order (empty if none or unknown)
     */
    public List<StepInfo> steps(String workflowId) {
        return engine.steps(workflowId);
    }

    /**
     * Lists executions newest first, filtered and paged; see {@link Durable#listWorkflows(WorkflowQuery)}.
     *
     * <pre>{@code
     * WorkflowPage failed = client.listWorkflows(WorkflowQuery.all().status(WorkflowStatus.FAILED).limit(20));
     * }</pre>
     *
     * @param query filters, page size and the cursor of the previous page
     * @return at most {@code query.limit()} executions, and a cursor when more follow
     */
    public WorkflowPage listWorkflows(WorkflowQuery query) {
        return engine.listWorkflows(query);
    }

    /**
     * Counts every execution by workflow name and status; see {@link Durable#countWorkflows()}.
     *
     * <pre>{@code
     * client.countWorkflows().forEach(c -> System.out.println(c.name() + " " + c.status() + " " + c.count()));
     * }</pre>
     *
     * @return one entry per (name, status) present, ordered by name then status
     */
    public List<WorkflowCount> countWorkflows() {
        return engine.countWorkflows(null, null);
    }

    /**
     * Counts the executions created in {@code [from, before)} by workflow name and status.
     *
     * <pre>{@code
     * Instant now = Instant.now();
     * List<WorkflowCount> lastHour = client.countWorkflows(now.minus(Duration.ofHours(1)), now);
     * }</pre>
     *
     * @param from   inclusive lower bound of the creation time (database clock)
     * @param before exclusive upper bound
     * @return one entry per (name, status) present, ordered by name then status
     * @throws IllegalArgumentException if {@code from} is not before {@code before}
     */
    public List<WorkflowCount> countWorkflows(Instant from, Instant before) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(before, "before");
        return engine.countWorkflows(from, before);
    }

    // ---- cancel -------------------------------------------------------------------------------

    /**
     * Cancels a workflow wherever it runs; see {@link Durable#cancel(String)}. The run in another
     * process is told by a notification and stops at its next step boundary, or at once if it waits.
     *
     * <pre>{@code
     * client.cancel("order-42");
     * }</pre>
     *
     * @param workflowId the workflow
     * @return true if this call cancelled it; false if it had already finished
     * @throws WorkflowNotFoundException if no workflow has that ID
     */
    public boolean cancel(String workflowId) {
        return engine.cancel(workflowId, false);
    }

    /**
     * Cancels a workflow and, with {@code withChildren}, every unfinished workflow below it; see
     * {@link Durable#cancel(String, boolean)}.
     *
     * <pre>{@code
     * client.cancel("order-42", true);
     * }</pre>
     *
     * @param workflowId   the workflow
     * @param withChildren also cancel the workflows it started, transitively
     * @return true if this call cancelled {@code workflowId} itself
     * @throws WorkflowNotFoundException if no workflow has that ID
     */
    public boolean cancel(String workflowId, boolean withChildren) {
        return engine.cancel(workflowId, withChildren);
    }

    // ---- queues -------------------------------------------------------------------------------

    /**
     * Puts a workflow on a queue, by name, for an executor to run: a {@link Durable} that declares the
     * queue and registered an implementation of {@code workflowName} dequeues it when the queue's
     * limits allow. Its arguments are recorded now (encoded like any workflow's inputs); the same ID
     * names one execution, so enqueuing it twice returns a handle to the first.
     *
     * <p>The name is the one the executor records: {@code @Workflow(name = "...")}, or by default
     * {@code InterfaceSimpleName.methodName} of the registered interface (e.g. {@code "Checkout.checkout"}).
     * The options must name a queue: a workflow a client started without one would never be run.
     *
     * <pre>{@code
     * WorkflowHandle<String> h = client.enqueue("Checkout.checkout", "order-42",
     *         StartOptions.queue("orders").withPriority(1), order);
     * String receipt = h.result(Duration.ofMinutes(5));
     * }</pre>
     *
     * @param workflowName the registered workflow name
     * @param workflowId   names the execution
     * @param options      the queue and its options (priority, deduplication ID, partition key, delay),
     *                     and a timeout or deadline
     * @param arguments    the workflow method's arguments, in order
     * @param <T>          the result type
     * @return a handle to the execution
     * @throws IllegalArgumentException        if the options name no queue, or a name or ID is blank
     * @throws WorkflowIdConflictException     if the ID already names an execution of another workflow
     * @throws DeduplicationConflictException  if the deduplication ID is held by an unfinished workflow
     * @throws SerializationException          if an argument cannot be recorded
     */
    public <T> WorkflowHandle<T> enqueue(String workflowName, String workflowId, StartOptions options,
                                         Object... arguments) {
        return engine.enqueueByName(workflowName, workflowId, options, arguments);
    }

    /**
     * Configures a {@link DurableClient}: the same database settings as {@link Durable.Builder},
     * and nothing about running workflows. {@link #build()} validates them, connects and checks
     * that durable's schema is there.
     *
     * <pre>{@code
     * DurableClient client = DurableClient.builder()
     *         .dataSource(appDataSource)   // or .jdbcUrl(url, user, password), or $DURABLE_DATABASE_URL
     *         .schema("durable")           // the schema the application's Durable uses
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        /** Schema holding durable's tables. */
        public static final String DEFAULT_SCHEMA = Durable.Builder.DEFAULT_SCHEMA;
        /** Connections in the pool the client creates for {@link #jdbcUrl}: one listens, the rest serve calls. */
        public static final int DEFAULT_POOL_SIZE = 4;
        /** How long to wait for a connection from the client's own pool. */
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Durable.Builder.DEFAULT_CONNECT_TIMEOUT;
        /** How long a call is retried through connection failures. */
        public static final Duration DEFAULT_DATABASE_RETRY_TIMEOUT = Durable.Builder.DEFAULT_DATABASE_RETRY_TIMEOUT;
        /** Largest serialized message the client sends. */
        public static final long DEFAULT_MAX_PAYLOAD_BYTES = Durable.Builder.DEFAULT_MAX_PAYLOAD_BYTES;
        /** Environment variable with a JDBC URL, used when neither a DataSource nor a URL is set. */
        public static final String DATABASE_URL_ENV = ConnectionSettings.DATABASE_URL_ENV;
        /** Environment variable with the user for {@link #DATABASE_URL_ENV}. */
        public static final String DATABASE_USER_ENV = ConnectionSettings.DATABASE_USER_ENV;
        /** Environment variable with the password for {@link #DATABASE_URL_ENV}. */
        public static final String DATABASE_PASSWORD_ENV = ConnectionSettings.DATABASE_PASSWORD_ENV;

        /** Writes from a client are rare single rows; one batch writer is plenty. */
        private static final int CHECKPOINT_WRITERS = 1;
        private static final String CLIENT_ID = "durable-client";

        private final ConnectionSettings connection = new ConnectionSettings(DEFAULT_SCHEMA, DEFAULT_POOL_SIZE,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_DATABASE_RETRY_TIMEOUT, DEFAULT_MAX_PAYLOAD_BYTES);

        private Builder() {
        }

        /**
         * Use the application's DataSource (the client does not close it).
         *
         * @param dataSource the DataSource
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            connection.dataSource(dataSource);
            return this;
        }

        /**
         * Connect to this JDBC URL through a pool the client creates (and closes).
         *
         * @param url      e.g. {@code jdbc:postgresql://localhost:5432/app}
         * @param user     database user
         * @param password password, may be null; never logged
         * @return this builder
         */
        public Builder jdbcUrl(String url, String user, String password) {
            connection.jdbcUrl(url, user, password);
            return this;
        }

        /**
         * Keep durable's tables in an embedded SQLite file (created if missing): the default, at
         * {@value io.durable.internal.store.ConnectionSettings#DEFAULT_SQLITE_FILE} in the working
         * directory, when no DataSource, JDBC URL or {@value ConnectionSettings#DATABASE_URL_ENV} is set.
         * One process runs workflows from a file at a time; use PostgreSQL for several instances and
         * for queues. See {@code docs/stores.md}.
         *
         * @param file the database file, e.g. {@code Path.of("orders.db")}
         * @return this builder
         */
        public Builder sqlite(java.nio.file.Path file) {
            connection.sqlite(file);
            return this;
        }

        /**
         * @param schema the schema of durable's tables, as the application's {@link Durable} uses it
         * @return this builder
         */
        public Builder schema(String schema) {
            connection.schema(schema);
            return this;
        }

        /**
         * @param poolSize connections in the pool the client creates for {@link #jdbcUrl}, at least 2 (one
         *                 listens for wake-ups); ignored with a DataSource
         * @return this builder
         */
        public Builder poolSize(int poolSize) {
            connection.poolSize(poolSize);
            return this;
        }

        /**
         * @param connectTimeout how long to wait for a connection from the client's own pool
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            connection.connectTimeout(connectTimeout);
            return this;
        }

        /**
         * @param databaseRetryTimeout how long calls are retried through connection failures
         * @return this builder
         */
        public Builder databaseRetryTimeout(Duration databaseRetryTimeout) {
            connection.databaseRetryTimeout(databaseRetryTimeout);
            return this;
        }

        /**
         * @param maxPayloadBytes largest serialized message accepted, at least 1024
         * @return this builder
         */
        public Builder maxPayloadBytes(long maxPayloadBytes) {
            connection.maxPayloadBytes(maxPayloadBytes);
            return this;
        }

        /**
         * @param classLoader where recorded classes (results, event values, exceptions) are loaded
         *                    (default: the context class loader of the thread calling build())
         * @return this builder
         */
        public Builder classLoader(ClassLoader classLoader) {
            connection.classLoader(classLoader);
            return this;
        }

        /**
         * Validates the settings, connects, and checks that durable's schema exists and is up to date
         * (without creating or migrating it).
         *
         * @return the connected client
         * @throws ConfigurationException       naming the setting to change, or when durable's tables are
         *                                      missing or older than this library
         * @throws DatabaseUnavailableException if the database cannot be reached
         */
        public DurableClient build() {
            StoreConfig storeConfig = connection.validate(2, "one connection listens for wake-ups",
                    CHECKPOINT_WRITERS, Durable.Builder.DEFAULT_CHECKPOINT_BATCH_SIZE);
            EngineConfig engineConfig = new EngineConfig(CLIENT_ID, Durable.Builder.DEFAULT_APPLICATION, 1,
                    Durable.Builder.DEFAULT_HEARTBEAT_INTERVAL, Durable.Builder.DEFAULT_LEASE_DURATION,
                    Durable.Builder.DEFAULT_SHUTDOWN_TIMEOUT, connection.maxPayloadBytes(),
                    connection.resolveClassLoader(DurableClient.class), Duration.ZERO,
                    Durable.Builder.DEFAULT_POLL_INTERVAL, Durable.Builder.DEFAULT_MAX_RECOVERY_ATTEMPTS, List.of(), null);
            Engine engine = new Engine(engineConfig, ConnectionSettings.createStore(storeConfig));
            engine.startClient();
            return new DurableClient(engine);
        }
    }
}
