package io.durable.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.durable.ConfigurationException;
import io.durable.DatabaseUnavailableException;
import io.durable.internal.store.ChildStart;
import io.durable.internal.store.Completion;
import io.durable.internal.store.DequeueRound;
import io.durable.internal.store.ExecutorRegistration;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.Store;
import io.durable.internal.store.StoreConfig;
import io.durable.internal.store.TakenOver;
import io.durable.internal.store.TransactionalSteps;
import io.durable.internal.store.Message;
import io.durable.internal.store.Receipt;
import io.durable.internal.store.Wait;
import io.durable.internal.store.WorkflowRow;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** The relational store: a pool (its own or the application's), migrations and the repositories. */
final class JdbcStore implements Store {
    private final StoreConfig config;
    private final HikariDataSource ownPool;
    private final Database db;
    private final WorkflowRepository workflows;
    private final StepRepository steps;
    private final ExecutorRepository executors;
    private final TakeoverRepository takeovers;
    private final GroupCommit groupCommit;
    private final WaitRepository waits;
    private final ChildRepository children;
    private final QueueRepository queues;
    private final Notifications notifications;
    private final ManagementRepository management;
    private final LifecycleRepository lifecycle;
    private final TransactionalStepRepository transactionalSteps;

    JdbcStore(StoreConfig config) {
        this.config = config;
        DataSource dataSource;
        String description;
        if (config.dataSource() != null) {
            this.ownPool = null;
            dataSource = config.dataSource();
            description = "the configured DataSource (" + config.dataSource().getClass().getName() + ")";
        } else {
            this.ownPool = createPool(config);
            dataSource = ownPool;
            description = JdbcUrls.redact(config.jdbcUrl()) + (config.user() == null ? "" : " as user '" + config.user() + "'");
        }
        this.db = new Database(dataSource, description, config.databaseRetryTimeout());
        this.workflows = new WorkflowRepository(db, config.schema());
        this.steps = new StepRepository(db, config.schema());
        this.executors = new ExecutorRepository(db, config.schema());
        this.takeovers = new TakeoverRepository(db, config.schema());
        CheckpointRepository checkpoints = new CheckpointRepository(config.schema());
        this.groupCommit = new GroupCommit(db, checkpoints, config.checkpointWriters(), config.checkpointBatchSize());
        this.transactionalSteps = new TransactionalStepRepository(db, checkpoints, config.schema());
        this.waits = new WaitRepository(db, config.schema());
        this.queues = new QueueRepository(db, config.schema());
        this.children = new ChildRepository(db, config.schema(), queues);
        this.notifications = new Notifications(dataSource, config.schema());
        this.management = new ManagementRepository(db, config.schema());
        this.lifecycle = new LifecycleRepository(db, config.schema(), queues);
    }

    private static HikariDataSource createPool(StoreConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setPoolName("durable");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        hikari.setInitializationFailTimeout(-1);
        hikari.setAutoCommit(true);
        return new HikariDataSource(hikari);
    }

    @Override
    public void start() {
        Dialect dialect = connectAndDetect();
        Migrations.migrate(db.dataSource(), config.schema(), dialect.migrationFolder());
    }

    @Override
    public void startWithoutMigration() {
        Dialect dialect = connectAndDetect();
        Migrations.requireCurrent(db.dataSource(), config.schema(), dialect.migrationFolder(), db.description());
    }

    private Dialect connectAndDetect() {
        try (Connection connection = db.dataSource().getConnection()) {
            return Dialect.of(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot connect to " + db.description() + ": "
                    + SqlFailures.rootMessage(e) + ". Check that the database is running and reachable, and the URL,"
                    + " user and password.", e);
        } catch (ConfigurationException e) {
            throw e;
        }
    }

    @Override
    public Optional<String> registerExecutor(ExecutorRegistration registration) {
        return executors.register(registration);
    }

    @Override
    public boolean heartbeat(ExecutorRegistration registration) {
        return executors.heartbeat(registration);
    }

    @Override
    public StartResult startWorkflow(NewWorkflow workflow) {
        if (workflow.queue() != null) {
            return queues.enqueue(workflow);
        }
        return groupCommit.submit(new Checkpoint.Start(workflow));
    }

    @Override
    public DequeueRound dequeue(io.durable.Queue queue, String executorId, Collection<String> names, int maxRows) {
        return queues.dequeue(queue, executorId, names, maxRows);
    }

    @Override
    public StepWrite recordStep(StepRow step, String owner, long epoch) {
        return groupCommit.submit(new Checkpoint.Step(step, owner, epoch));
    }

    @Override
    public boolean completeWorkflow(Completion completion) {
        return groupCommit.submit(new Checkpoint.Complete(completion));
    }

    @Override
    public List<StepRow> loadJournal(String workflowId) {
        return steps.journal(workflowId);
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
        return takeovers.takeOver(executorId, application, names, runnableLimit, parkedLimit);
    }

    @Override
    public void executorStopped(ExecutorRegistration registration) {
        executors.stopped(registration);
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
        return management.list(query);
    }

    @Override
    public List<io.durable.WorkflowCount> countWorkflows(java.time.Instant createdFrom, java.time.Instant createdBefore) {
        return management.counts(createdFrom, createdBefore);
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
        return children.start(child, parentStep, owner, epoch);
    }

    @Override
    public List<WorkflowRow> findWorkflows(Collection<String> ids) {
        return children.findMany(ids);
    }

    @Override
    public boolean recordChildWait(String workflowId, int position, boolean all, List<String> childIds, String owner,
                                   long epoch) {
        return children.recordWait(workflowId, position, all, childIds, owner, epoch);
    }

    @Override
    public void publish(String payload) {
        notifications.publish(payload);
    }

    @Override
    public AutoCloseable subscribe(Consumer<String> listener) {
        return notifications.subscribe(listener);
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
    public TransactionalSteps transactionalSteps() {
        return transactionalSteps;
    }

    @Override
    public void close() {
        notifications.close();
        if (ownPool != null) {
            ownPool.close();
        }
    }
}
