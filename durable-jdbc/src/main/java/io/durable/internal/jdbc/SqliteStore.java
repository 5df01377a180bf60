package io.durable.internal.jdbc;

import io.durable.UnsupportedFeatureException;
import io.durable.internal.store.ChildStart;
import io.durable.internal.store.Completion;
import io.durable.internal.store.ConnectionSettings;
import io.durable.internal.store.DequeueRound;
import io.durable.internal.store.ExecutorRegistration;
import io.durable.internal.store.Message;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.Receipt;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.StoreConfig;
import io.durable.internal.store.TakenOver;
import io.durable.internal.store.TransactionalSteps;
import io.durable.internal.store.Wait;
import io.durable.internal.store.WorkflowRow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The embedded store: durable's tables in one SQLite file, used by one executor process at a time
 * (an executor locks the file; {@code DurableClient}s may share it). Wake-ups reach the instances
 * of this JVM ({@link SqliteWakeUps}); waiters in other processes poll. Queues need PostgreSQL.
 */
final class SqliteStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

    static final String QUEUES_NEED_POSTGRESQL = "durable queues need PostgreSQL: the embedded SQLite store serves "
            + "one process and has no queues. Configure PostgreSQL with jdbcUrl(...), dataSource(...) or "
            + "DURABLE_DATABASE_URL, or start the workflow without a queue";

    private final StoreConfig config;
    private final SqliteFile file;
    private final SqliteWorkflows workflows;
    private final SqliteWaits waits;
    private final SqliteLifecycle lifecycle;
    private final SqliteTransactionalSteps transactionalSteps;
    private final SqliteWakeUps wakeUps;

    SqliteStore(StoreConfig config) {
        this.config = config;
        this.file = new SqliteFile(SqliteFile.pathOf(config.jdbcUrl()), config.databaseRetryTimeout());
        SqliteTables tables = SqliteTables.forSchema(config.schema());
        SqliteJournal journal = new SqliteJournal(tables);
        this.workflows = new SqliteWorkflows(file, tables, journal, config.checkpointBatchSize());
        this.waits = new SqliteWaits(file, tables, journal);
        this.lifecycle = new SqliteLifecycle(file, tables, journal);
        this.transactionalSteps = new SqliteTransactionalSteps(file, tables, journal);
        this.wakeUps = new SqliteWakeUps(file.path() + "#" + tables.prefix());
    }

    @Override
    public void start() {
        file.lockForExecutor(config.schema());
        try {
            file.open();
            Migrations.migrateSqlite(file.dataSource(), config.schema());
            log.info("journal in {} (one executor per file; set {} or use jdbcUrl/dataSource for PostgreSQL)",
                    file.description(), ConnectionSettings.DATABASE_URL_ENV);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public void startWithoutMigration() {
        file.open();
        Migrations.requireCurrentSqlite(file.dataSource(), config.schema(), file.description());
    }

    @Override
    public void requireQueues() {
        throw new UnsupportedFeatureException(QUEUES_NEED_POSTGRESQL);
    }

    @Override
    public Optional<String> registerExecutor(ExecutorRegistration registration) {
        return workflows.registerExecutor(registration);
    }

    @Override
    public boolean heartbeat(ExecutorRegistration registration) {
        return workflows.heartbeat(registration);
    }

    @Override
    public StartResult startWorkflow(NewWorkflow workflow) {
        if (workflow.queue() != null) {
            throw new UnsupportedFeatureException(QUEUES_NEED_POSTGRESQL);
        }
        return workflows.start(workflow);
    }

    @Override
    public DequeueRound dequeue(io.durable.Queue queue, String executorId, Collection<String> names, int maxRows) {
        throw new UnsupportedFeatureException(QUEUES_NEED_POSTGRESQL);
    }

    @Override
    public StepWrite recordStep(StepRow step, String owner, long epoch) {
        return workflows.recordStep(step, owner, epoch);
    }

    @Override
    public TransactionalSteps transactionalSteps() {
        return transactionalSteps;
    }

    @Override
    public boolean completeWorkflow(Completion completion) {
        return workflows.complete(completion);
    }

    @Override
    public List<StepRow> loadJournal(String workflowId) {
        return workflows.journal(workflowId);
    }

    @Override
    public List<WorkflowRow> claimPending(String executorId, Collection<String> names) {
        return workflows.claimPending(executorId, names);
    }

    @Override
    public Optional<WorkflowRow> claimWorkflow(String executorId, String workflowId) {
        return workflows.claimOne(executorId, workflowId);
    }

    @Override
    public List<TakenOver> takeOver(String executorId, String application, Collection<String> names,
                                    int runnableLimit, int parkedLimit) {
        return workflows.takeOver(executorId, application, names, runnableLimit, parkedLimit);
    }

    @Override
    public void executorStopped(ExecutorRegistration registration) {
        workflows.executorStopped(registration);
    }

    @Override
    public List<NameCount> pendingByName(String executorId) {
        return workflows.pendingByName(executorId);
    }

    @Override
    public Optional<WorkflowRow> findWorkflow(String workflowId) {
        return workflows.find(workflowId);
    }

    @Override
    public List<WorkflowRow> listWorkflows(io.durable.WorkflowQuery query) {
        return workflows.list(query);
    }

    @Override
    public List<io.durable.WorkflowCount> countWorkflows(Instant createdFrom, Instant createdBefore) {
        return workflows.counts(createdFrom, createdBefore);
    }

    @Override
    public boolean recordWait(Wait wait, String owner, long epoch) {
        return waits.recordWait(wait, owner, epoch);
    }

    @Override
    public StepWrite recordWaitEnd(StepRow step, String owner, long epoch) {
        return waits.recordWaitEnd(step, owner, epoch);
    }

    @Override
    public Receipt receive(StepRow step, String topic, String owner, long epoch, Wait waitIfNone) {
        return waits.receive(step, topic, owner, epoch, waitIfNone);
    }

    @Override
    public boolean send(Message message) {
        return waits.send(message);
    }

    @Override
    public HandOver handOver(Message message, StepRow receiverStep, String owner, long epoch) {
        return waits.handOver(message, receiverStep, owner, epoch);
    }

    @Override
    public StepWrite sendFromStep(StepRow step, String owner, long epoch, Message message) {
        return waits.sendFromStep(step, owner, epoch, message);
    }

    @Override
    public StepWrite setEvent(StepRow step, String owner, long epoch, String key, String value) {
        return waits.setEvent(step, owner, epoch, key, value);
    }

    @Override
    public Optional<String> latestEvent(String workflowId, String key) {
        return waits.latestEvent(workflowId, key);
    }

    @Override
    public List<String> dueWaits(String owner, Collection<String> names, int limit) {
        return waits.dueWaits(owner, names, limit);
    }

    @Override
    public List<WorkflowRow> claimDueWaits(String owner, Collection<String> names, Collection<String> ids) {
        return waits.claimDueWaits(owner, names, ids);
    }

    @Override
    public ChildStart startChild(NewWorkflow child, StepRow parentStep, String owner, long epoch) {
        if (child.queue() != null) {
            throw new UnsupportedFeatureException(QUEUES_NEED_POSTGRESQL);
        }
        return waits.startChild(child, parentStep, owner, epoch);
    }

    @Override
    public List<WorkflowRow> findWorkflows(Collection<String> ids) {
        return workflows.findMany(ids);
    }

    @Override
    public boolean recordChildWait(String workflowId, int position, boolean all, List<String> childIds, String owner,
                                   long epoch) {
        return waits.recordChildWait(workflowId, position, all, childIds, owner, epoch);
    }

    /** Reaches the instances of this JVM on the same tables; other processes poll. */
    @Override
    public void publish(String payload) {
        wakeUps.publish(payload);
    }

    @Override
    public AutoCloseable subscribe(Consumer<String> listener) {
        return wakeUps.subscribe(listener);
    }

    @Override
    public List<String> cancel(String workflowId, boolean withChildren, Function<String, String> errorFor) {
        return lifecycle.cancel(workflowId, withChildren, errorFor);
    }

    @Override
    public StepWrite recordStepAfterCancel(StepRow step, String owner, long epoch) {
        return lifecycle.recordStepAfterCancel(step, owner, epoch);
    }

    @Override
    public Optional<Resumed> resume(String workflowId, String owner, boolean replaceDeadline, Instant deadline) {
        return lifecycle.resume(workflowId, owner, replaceDeadline, deadline);
    }

    @Override
    public Optional<WorkflowRow> fork(String originalId, String newId, int fromPosition, String owner) {
        return lifecycle.fork(originalId, newId, fromPosition, owner);
    }

    @Override
    public void close() {
        file.close();
    }
}
