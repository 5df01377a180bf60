package io.durable.jdbc;

import io.durable.Durable;
import io.durable.StepInfo;
import io.durable.StepOptions;
import io.durable.StepStatus;
import io.durable.Workflow;
import io.durable.WorkflowCancelledException;
import io.durable.WorkflowInterruptedException;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Transactional steps on PostgreSQL, with the journal in the same database and with the
 * application's data in another one: commit with the checkpoint, replay, rollback of a failing
 * body (isolation), retries of serialization failures and deadlocks, fencing and cancellation
 * rolling the work back, and plain transactions outside workflows.
 */
@ExtendWith(FreshDatabase.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionalStepTest {
    /** The test workflow: runs the scenario registered under its ID. */
    public interface Scenario {
        String run(String id) throws Exception;
    }

    /** A scenario's workflow body. */
    @FunctionalInterface
    interface Body {
        String run(Durable durable) throws Exception;
    }

    static final Map<String, Body> SCENARIOS = new ConcurrentHashMap<>();

    public static final class ScenarioImpl implements Scenario {
        private final Durable durable;

        ScenarioImpl(Durable durable) {
            this.durable = durable;
        }

        @Override
        @Workflow(name = "tx.scenario")
        public String run(String id) throws Exception {
            return SCENARIOS.get(id).run(durable);
        }
    }

    private TestDatabase db;
    private TestDatabase appDb;
    private Durable durable;
    private Scenario scenario;
    private Durable separate;
    private Scenario separateScenario;

    @BeforeAll
    void start(TestDatabase db) {
        this.db = db;
        db.execute("CREATE TABLE ledger (id bigserial PRIMARY KEY, workflow_id text NOT NULL, note text NOT NULL)",
                "CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL)",
                "INSERT INTO counter VALUES (1, 0), (3, 0), (4, 0)");
        durable = Durables.builder(db, "tx").build();
        scenario = durable.register(Scenario.class, new ScenarioImpl(durable));
        durable.start();

        appDb = TestDatabase.create("txapp");
        appDb.execute("CREATE TABLE ledger (id bigserial PRIMARY KEY, workflow_id text NOT NULL, note text NOT NULL)");
        separate = Durables.builder(db, "tx-separate").schema("durable_sep")
                .transactionDataSource(appDb.dataSource()).build();
        separateScenario = separate.register(Scenario.class, new ScenarioImpl(separate));
        separate.start();
    }

    @AfterAll
    void close() {
        durable.close();
        separate.close();
        appDb.close();
    }

    private String run(Durable on, Scenario flow, String id, Body body) throws Exception {
        SCENARIOS.put(id, body);
        return on.runWorkflow(id, () -> flow.run(id));
    }

    private static int insert(Connection c, String workflowId, String note) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (workflow_id, note) VALUES (?, ?)")) {
            ps.setString(1, workflowId);
            ps.setString(2, note);
            return ps.executeUpdate();
        }
    }

    private static long ledger(TestDatabase on, String workflowId) {
        return on.queryLong("SELECT count(*) FROM ledger WHERE workflow_id = '" + workflowId + "'");
    }

    @Test
    void theWorkAndItsCheckpointCommitTogetherAndReplayDoesNotRunItAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Body body = d -> d.transaction("book", c -> {
            runs.incrementAndGet();
            insert(c, "commit-1", "booked");
            insert(c, "commit-1", "again");
            return "booked " + runs.get();
        });
        assertEquals("booked 1", run(durable, scenario, "commit-1", body));
        assertEquals(2, ledger(db, "commit-1"));
        List<StepInfo> steps = durable.steps("commit-1");
        assertEquals(1, steps.size());
        assertEquals("book", steps.get(0).name());
        assertEquals(StepStatus.SUCCEEDED, steps.get(0).status());

        // A fork from step 1 replays nothing and runs the transaction again; a fork from step 2 replays it.
        SCENARIOS.put("commit-1-replayed", body);
        assertEquals("booked 1", durable.<String>fork("commit-1", 2, "commit-1-replayed").result(Duration.ofSeconds(30)));
        assertEquals(1, runs.get());
        assertEquals(2, ledger(db, "commit-1"));
    }

    @Test
    void aFailingBodyLeavesNoBusinessWritesAndNoCheckpoint() throws Exception {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> run(durable, scenario, "fail-1", d -> d.transaction("book", c -> {
                    insert(c, "fail-1", "partial");
                    throw new IllegalStateException("no more stock");
                })));
        assertEquals("no more stock", failure.getMessage());
        assertEquals(0, ledger(db, "fail-1"));
        assertEquals(WorkflowStatus.FAILED, durable.retrieve("fail-1").status());
        // the failure itself is recorded (by a separate write), so a replay sees the same exception
        List<StepInfo> steps = durable.steps("fail-1");
        assertEquals(1, steps.size());
        assertEquals(StepStatus.FAILED, steps.get(0).status());
    }

    @Test
    void aRetriedBodyIsAppliedOnceByItsSucceedingAttempt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        StepOptions retries = StepOptions.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).build();
        String result = run(durable, scenario, "retry-1", d -> d.transaction("book", retries, c -> {
            insert(c, "retry-1", "attempt " + attempts.incrementAndGet());
            if (attempts.get() < 3) {
                throw new IllegalStateException("attempt " + attempts.get() + " fails after writing");
            }
            return "ok";
        }));
        assertEquals("ok", result);
        assertEquals(1, ledger(db, "retry-1"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM ledger WHERE workflow_id = 'retry-1' AND note = 'attempt 3'"));
        assertEquals(3, durable.steps("retry-1").get(0).attempts());
    }

    @Test
    @PostgresOnly // PostgreSQL's SERIALIZABLE isolation
    void serializationFailuresRunTheWholeTransactionAgain() throws Exception {
        CyclicBarrier bothRead = new CyclicBarrier(2);
        AtomicInteger runs = new AtomicInteger();
        Body body = d -> d.transaction("increment", c -> {
            boolean firstPass = runs.incrementAndGet() <= 2;
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                st.executeQuery("SELECT value FROM counter WHERE id = 1").close();
                meet(bothRead, firstPass);
                st.executeUpdate("UPDATE counter SET value = value + 1 WHERE id = 1");
            }
            return "done";
        });
        var first = startAsync("serial-a", body);
        var second = startAsync("serial-b", body);
        assertEquals("done", first.result(Duration.ofSeconds(30)));
        assertEquals("done", second.result(Duration.ofSeconds(30)));
        assertEquals(2, db.queryLong("SELECT value FROM counter WHERE id = 1"));
        assertTrue(runs.get() >= 3, "one of the two ran again, ran " + runs.get());
        // a rerun after a serialization failure is not a failed attempt
        assertEquals(1, durable.steps("serial-a").get(0).attempts());
        assertEquals(1, durable.steps("serial-b").get(0).attempts());
    }

    @Test
    @PostgresOnly // PostgreSQL's row locks
    void deadlocksRunTheWholeTransactionAgain() throws Exception {
        CyclicBarrier bothLocked = new CyclicBarrier(2);
        AtomicInteger runs = new AtomicInteger();
        var first = startAsync("deadlock-a", d -> d.transaction("lock", c -> {
            boolean firstPass = runs.incrementAndGet() <= 2;
            lock(c, 3);
            meet(bothLocked, firstPass);
            lock(c, 4);
            return "a";
        }));
        var second = startAsync("deadlock-b", d -> d.transaction("lock", c -> {
            boolean firstPass = runs.incrementAndGet() <= 2;
            lock(c, 4);
            meet(bothLocked, firstPass);
            lock(c, 3);
            return "b";
        }));
        assertEquals("a", first.result(Duration.ofSeconds(30)));
        assertEquals("b", second.result(Duration.ofSeconds(30)));
        assertTrue(runs.get() >= 3, "the deadlock victim ran again, runs: " + runs.get());
        assertEquals(2, db.queryLong("SELECT value FROM counter WHERE id = 3"));
        assertEquals(2, db.queryLong("SELECT value FROM counter WHERE id = 4"));
        assertEquals(1, durable.steps("deadlock-a").get(0).attempts());
        assertEquals(1, durable.steps("deadlock-b").get(0).attempts());
    }

    private static void lock(Connection c, int id) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE counter SET value = value + 1 WHERE id = " + id);
        }
    }

    /** The two first passes meet, so that they conflict; a rerun has no partner to wait for. */
    private static void meet(CyclicBarrier barrier, boolean firstPass) {
        if (!firstPass) {
            return;
        }
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other transaction never came", e);
        }
    }

    private io.durable.WorkflowHandle<String> startAsync(String id, Body body) {
        SCENARIOS.put(id, body);
        return durable.startWorkflow(id, () -> scenario.run(id));
    }

    @Test
    @PostgresOnly // takeover: SQLite has one executor per file, and its open transaction blocks the steal
    void anExecutorThatLostTheWorkflowCommitsNothing() throws Exception {
        CountDownLatch wrote = new CountDownLatch(1);
        CountDownLatch stolen = new CountDownLatch(1);
        var handle = startAsync("fenced-1", d -> d.transaction("book", c -> {
            insert(c, "fenced-1", "written by the executor that loses the workflow");
            wrote.countDown();
            await(stolen);
            return "should not commit";
        }));
        assertTrue(wrote.await(30, TimeUnit.SECONDS));
        // Another executor took the workflow over: its epoch moved on.
        db.execute("UPDATE durable.workflows SET owner = 'someone-else', epoch = epoch + 1 WHERE id = 'fenced-1'");
        stolen.countDown();
        assertThrows(WorkflowInterruptedException.class, () -> handle.result(Duration.ofSeconds(30)));
        assertEquals(0, ledger(db, "fenced-1"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'fenced-1'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'fenced-1'"
                + " AND owner = 'someone-else' AND status = 'PENDING'"));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    // On SQLite the cancel waits for the transaction's write lock, so the step commits first (docs/stores.md).
    @PostgresOnly
    void aWorkflowCancelledWhileItsTransactionRunsRollsItBack() throws Exception {
        CountDownLatch wrote = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        var handle = startAsync("cancel-1", d -> d.transaction("book", c -> {
            insert(c, "cancel-1", "rolled back by the cancel");
            wrote.countDown();
            await(cancelled);
            return "late";
        }));
        assertTrue(wrote.await(30, TimeUnit.SECONDS));
        assertTrue(durable.cancel("cancel-1"));
        cancelled.countDown();
        assertThrows(WorkflowCancelledException.class, () -> handle.result(Duration.ofSeconds(30)));
        assertEquals(WorkflowStatus.CANCELLED, durable.retrieve("cancel-1").status());
        assertEquals(0, ledger(db, "cancel-1"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'cancel-1'"));
    }

    @Test
    void onSqliteACancelDuringTheTransactionWaitsForItsCommitAndKeepsItsWork() throws Exception {
        assumeTrue(db.isSqlite(), "on PostgreSQL the cancel rolls the transaction back (test above)");
        CountDownLatch wrote = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch cancelReturned = new CountDownLatch(1);
        var handle = startAsync("cancel-2", d -> {
            String booked = d.transaction("book", c -> {
                insert(c, "cancel-2", "committed before the cancel takes effect");
                wrote.countDown();
                await(release);
                return "booked";
            });
            return d.step("after", () -> {
                await(cancelReturned); // whenever the cancel comes, it finds the workflow still running
                return booked + " and more";
            });
        });
        assertTrue(wrote.await(30, TimeUnit.SECONDS));
        // The cancel needs the file's write lock, which the transaction holds until it commits.
        CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> durable.cancel("cancel-2"));
        release.countDown();
        assertTrue(cancel.get(30, TimeUnit.SECONDS));
        cancelReturned.countDown();
        assertThrows(WorkflowCancelledException.class, () -> handle.result(Duration.ofSeconds(30)));
        assertEquals(1, ledger(db, "cancel-2"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'cancel-2'"
                + " AND name = 'book'"), "the transaction's checkpoint committed with its work");

    }

    @Test
    void outsideAWorkflowItIsAPlainTransaction() throws Exception {
        assertEquals(1, (int) durable.transaction("plain", c -> insert(c, "plain-1", "committed")));
        assertEquals(1, ledger(db, "plain-1"));
        assertThrows(SQLException.class, () -> durable.transaction("plain", c -> {
            insert(c, "plain-2", "rolled back");
            throw new SQLException("refused", "23514");
        }));
        assertEquals(0, ledger(db, "plain-2"));
    }

    @Test
    void inAnotherDatabaseTheCheckpointGoesIntoATableThereAndIntoTheJournal() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Body body = d -> d.transaction("book", c -> {
            runs.incrementAndGet();
            insert(c, "sep-1", "in the application's database");
            return "booked";
        });
        assertEquals("booked", run(separate, separateScenario, "sep-1", body));
        assertEquals(1, ledger(appDb, "sep-1"));
        assertEquals(0, ledger(db, "sep-1"));
        assertEquals(1, appDb.queryLong("SELECT count(*) FROM durable_transaction_checkpoints"
                + " WHERE workflow_id = 'sep-1' AND position = 1 AND name = 'book'"));
        assertEquals(StepStatus.SUCCEEDED, separate.steps("sep-1").get(0).status());
        assertEquals(1, runs.get());
    }

    @Test
    void inAnotherDatabaseACheckpointCommittedBeforeACrashIsNotRunAgain() throws Exception {
        assertEquals("booked", run(separate, separateScenario, "sep-2-source", d -> d.transaction("book",
                c -> "booked")));
        // What a crash between the application's commit and the journal write leaves behind.
        appDb.execute("INSERT INTO durable_transaction_checkpoints (workflow_id, position, name, output, attempts,"
                + " started_at_us, completed_at_us) SELECT 'sep-2', 1, 'book', output, 1, 0, 0"
                + " FROM durable_transaction_checkpoints WHERE workflow_id = 'sep-2-source' AND position = 1");
        AtomicInteger runs = new AtomicInteger();
        assertEquals("booked", run(separate, separateScenario, "sep-2", d -> d.transaction("book", c -> {
            runs.incrementAndGet();
            insert(c, "sep-2", "must not run");
            return "ran again";
        })));
        assertEquals(0, runs.get());
        assertEquals(0, ledger(appDb, "sep-2"));
        assertEquals(StepStatus.SUCCEEDED, separate.steps("sep-2").get(0).status());
    }

    @Test
    void inAnotherDatabaseAFailingBodyLeavesNothingThere() throws Exception {
        assertThrows(IllegalStateException.class, () -> run(separate, separateScenario, "sep-3",
                d -> d.transaction("book", c -> {
                    insert(c, "sep-3", "partial");
                    throw new IllegalStateException("refused");
                })));
        assertEquals(0, ledger(appDb, "sep-3"));
        assertEquals(0, appDb.queryLong("SELECT count(*) FROM durable_transaction_checkpoints"
                + " WHERE workflow_id = 'sep-3'"));
    }

    @Test
    @PostgresOnly // PostgreSQL roles
    void aUserWhoMayNotCreateTablesUsesACheckpointTableCreatedForIt() throws Exception {
        String role = "tx_limited_" + Long.toHexString(System.nanoTime());
        try (TestDatabase limited = TestDatabase.create("txlimited")) {
            limited.execute("CREATE TABLE ledger (id bigserial PRIMARY KEY, workflow_id text NOT NULL, note text NOT NULL)",
                    "CREATE TABLE durable_transaction_checkpoints (workflow_id VARCHAR(512) NOT NULL,"
                            + " position INTEGER NOT NULL, name VARCHAR(512) NOT NULL, output TEXT,"
                            + " attempts INTEGER NOT NULL, started_at_us BIGINT NOT NULL,"
                            + " completed_at_us BIGINT NOT NULL, PRIMARY KEY (workflow_id, position))",
                    "CREATE ROLE " + role + " LOGIN",
                    "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                    "GRANT SELECT, INSERT ON ledger, durable_transaction_checkpoints TO " + role,
                    "GRANT USAGE ON SEQUENCE ledger_id_seq TO " + role);
            org.postgresql.ds.PGSimpleDataSource asRole = new org.postgresql.ds.PGSimpleDataSource();
            asRole.setUrl(limited.url());
            asRole.setUser(role);
            try (Durable restricted = Durables.builder(db, "tx-limited").schema("durable_lim")
                    .transactionDataSource(asRole).build()) {
                Scenario flow = restricted.register(Scenario.class, new ScenarioImpl(restricted));
                restricted.start();
                assertEquals("booked", run(restricted, flow, "limited-1", d -> d.transaction("book", c -> {
                    insert(c, "limited-1", "by a user without CREATE");
                    return "booked";
                })));
            }
            assertEquals(1, ledger(limited, "limited-1"));
            assertEquals(1, limited.queryLong("SELECT count(*) FROM durable_transaction_checkpoints"
                    + " WHERE workflow_id = 'limited-1'"));
        } finally {
            db.execute("DROP ROLE IF EXISTS " + role);
        }
    }
}
