package io.durable.jdbc;

import io.durable.ConfigurationException;
import io.durable.DatabaseUnavailableException;
import io.durable.DeduplicationConflictException;
import io.durable.Durable;
import io.durable.DurableClient;
import io.durable.Queue;
import io.durable.ResultTimeoutException;
import io.durable.SerializationException;
import io.durable.StartOptions;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowCancelledException;
import io.durable.WorkflowCount;
import io.durable.WorkflowFailedException;
import io.durable.WorkflowHandle;
import io.durable.WorkflowIdConflictException;
import io.durable.WorkflowInfo;
import io.durable.WorkflowNotFoundException;
import io.durable.WorkflowQuery;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DurableClient} in this JVM talks to workflows that a {@link Durable} worker (its own
 * executor, registered implementations) runs on the same database.
 */
@ExtendWith(FreshDatabase.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurableClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * The worker asks the database for finished waits this rarely, so a parked workflow that resumes
     * within {@link #WAIT} was woken by the client's notification, not by polling.
     */
    private static final Duration WORKER_POLL = Duration.ofMinutes(2);

    public record Receipt(String id, int cents) {
    }

    public interface Orders {
        String awaitPayment(String order);

        String stages();

        String collect(String topic, int count);

        Receipt receipt(String id);

        String failUnchecked(String why);

        String failChecked(String why) throws IOException;
    }

    public static final class OrdersImpl implements Orders {
        final Durable durable;

        OrdersImpl(Durable durable) {
            this.durable = durable;
        }

        @Workflow
        public String awaitPayment(String order) {
            String payment = durable.recv("payment", Duration.ofHours(1), String.class).orElse("none");
            return durable.step("confirm", () -> order + ":" + payment);
        }

        @Workflow
        public String stages() {
            durable.setEvent("stage", "started");
            String go = durable.recv("go", Duration.ofHours(1), String.class).orElse("none");
            durable.setEvent("result", "done:" + go);
            return go;
        }

        @Workflow
        public String collect(String topic, int count) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                got.add(durable.recv(topic, Duration.ofHours(1), String.class).orElse("none"));
            }
            return String.join(",", got);
        }

        @Workflow
        public Receipt receipt(String id) {
            int cents = durable.step("price", () -> 4200);
            return new Receipt(id, cents);
        }

        @Workflow
        public String failUnchecked(String why) {
            return durable.step("explode", () -> {
                throw new IllegalStateException(why);
            });
        }

        @Workflow
        public String failChecked(String why) throws IOException {
            durable.step("before", () -> "ok");
            throw new IOException(why);
        }
    }

    private TestDatabase db;
    private Durable worker;
    private Orders orders;
    private DurableClient client;

    @BeforeAll
    void startWorkerAndClient(TestDatabase db) {
        this.db = db;
        Durable.Builder builder = Durables.builder(db, "worker").hotWaitWindow(Duration.ZERO).pollInterval(WORKER_POLL);
        worker = (db.isSqlite() ? builder : builder.queue(Queue.named("orders"))).build();
        orders = worker.register(Orders.class, new OrdersImpl(worker));
        worker.start();
        client = clientBuilder().build();
    }

    @AfterAll
    void closeBoth() {
        if (client != null) {
            client.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private DurableClient.Builder clientBuilder() {
        return DurableClient.builder().jdbcUrl(db.url(), db.user(), db.password());
    }

    private void awaitParked(String id) {
        Await.until(id + " to park", WAIT, () -> db.queryLong(
                "SELECT count(*) FROM durable.workflows WHERE id = '" + id + "' AND wait_kind IS NOT NULL") == 1);
    }

    // ---- messages and events ------------------------------------------------------------------

    @Test
    void sendWakesAWorkflowParkedInTheWorker() {
        WorkflowHandle<String> started = worker.startWorkflow("pay-1", () -> orders.awaitPayment("order-1"));
        awaitParked("pay-1");
        assertEquals(WorkflowStatus.PENDING, client.status("pay-1"));

        client.send("pay-1", "payment", "paid");

        WorkflowHandle<String> retrieved = client.retrieve("pay-1");
        assertEquals("order-1:paid", retrieved.result(WAIT), "woken by the notification, the worker polls every "
                + WORKER_POLL);
        assertEquals("order-1:paid", started.result(WAIT));
        assertEquals(WorkflowStatus.SUCCEEDED, retrieved.status());
    }

    @Test
    void aSecondSendWithTheSameIdempotencyKeyIsDropped() {
        client.send("dedup-1", "t", "first", "webhook-7");
        client.send("dedup-1", "t", "second", "webhook-7");
        client.send("dedup-1", "t", "third", "webhook-8");
        assertEquals(2, db.queryLong("SELECT count(*) FROM durable.messages WHERE destination = 'dedup-1'"));

        worker.startWorkflow("dedup-1", () -> orders.collect("t", 2));
        assertEquals("first,third", client.<String>retrieve("dedup-1").result(WAIT));
    }

    @Test
    void getEventWaitsUntilTheWorkflowSetsTheValue() throws Exception {
        worker.startWorkflow("stages-1", () -> orders.stages());
        assertEquals(Optional.of("started"), client.getEvent("stages-1", "stage", WAIT, String.class));
        awaitParked("stages-1");
        CompletableFuture<Optional<String>> result = CompletableFuture.supplyAsync(
                () -> client.getEvent("stages-1", "result", WAIT, String.class));
        assertFalse(result.isDone(), "no value is set while the workflow waits for 'go'");

        client.send("stages-1", "go", "now");

        assertEquals(Optional.of("done:now"), result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(Optional.empty(), client.getEvent("stages-1", "never-set", Duration.ofMillis(200), String.class));
    }

    // ---- results ------------------------------------------------------------------------------

    @Test
    void resultsAndFailuresComeBackAsRecorded() {
        worker.startWorkflow("receipt-1", () -> orders.receipt("r-1"));
        worker.startWorkflow("unchecked-1", () -> orders.failUnchecked("out of stock"));
        worker.startWorkflow("checked-1", () -> orders.failChecked("disk full"));

        assertEquals(new Receipt("r-1", 4200), client.<Receipt>retrieve("receipt-1").result(WAIT));
        IllegalStateException unchecked = assertThrows(IllegalStateException.class,
                () -> client.retrieve("unchecked-1").result(WAIT));
        assertEquals("out of stock", unchecked.getMessage());
        WorkflowFailedException checked = assertThrows(WorkflowFailedException.class,
                () -> client.retrieve("checked-1").result(WAIT));
        assertInstanceOf(IOException.class, checked.getCause());
        assertEquals("disk full", checked.getCause().getMessage());
        assertEquals(WorkflowStatus.FAILED, client.status("checked-1"));
    }

    @Test
    void cancelStopsAWorkflowOfTheWorkerAndItsResultSaysSo() {
        WorkflowHandle<String> started = worker.startWorkflow("cancel-1", () -> orders.awaitPayment("order-2"));
        awaitParked("cancel-1");

        assertTrue(client.cancel("cancel-1"));

        assertThrows(WorkflowCancelledException.class, () -> client.retrieve("cancel-1").result(WAIT));
        assertThrows(WorkflowCancelledException.class, () -> started.result(WAIT));
        assertEquals(WorkflowStatus.CANCELLED, client.status("cancel-1"));
        assertFalse(client.cancel("cancel-1"), "already finished");
        assertThrows(WorkflowNotFoundException.class, () -> client.cancel("no-such-workflow"));
    }

    @Test
    void resultWithATimeoutGivesUpWhileTheWorkflowRuns() {
        worker.startWorkflow("slow-1", () -> orders.awaitPayment("order-3"));
        awaitParked("slow-1");
        ResultTimeoutException e = assertThrows(ResultTimeoutException.class,
                () -> client.retrieve("slow-1").result(Duration.ofMillis(300)));
        assertEquals("slow-1", e.workflowId());
        assertEquals(WorkflowStatus.PENDING, client.status("slow-1"));
    }

    @Test
    void unknownWorkflowIds() {
        assertThrows(WorkflowNotFoundException.class, () -> client.retrieve("nobody"));
        assertThrows(WorkflowNotFoundException.class, () -> client.status("nobody"));
        assertEquals(Optional.empty(), client.workflow("nobody"));
        assertEquals(List.of(), client.steps("nobody"));
    }

    @Test
    void aResultWhoseClassTheClientLacksIsATypedErrorNamingItAndTheWorkflow() {
        worker.runWorkflow("receipt-2", () -> orders.receipt("r-2"));
        // As if another service, with classes this process lacks, had recorded it.
        String missing = "com.example.billing.Receipt";
        db.execute("UPDATE durable.workflows SET output = replace(output, '" + Receipt.class.getName() + "', '"
                + missing + "') WHERE id = 'receipt-2'");

        SerializationException e = assertThrows(SerializationException.class,
                () -> client.retrieve("receipt-2").result(WAIT));
        assertEquals(missing, e.valueType());
        assertEquals("receipt-2", e.workflowId());
        assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("receipt-2"), e.getMessage());
        Object shown = client.workflow("receipt-2").orElseThrow().output();
        assertTrue(shown instanceof String json && json.contains("r-2"), "recorded JSON instead: " + shown);
    }

    // ---- inspection ---------------------------------------------------------------------------

    @Test
    void inspectionShowsWhatTheWorkerRecorded() {
        Instant before = Instant.now().minusSeconds(60);
        worker.runWorkflow("inspect-1", () -> orders.receipt("r-3"));

        WorkflowInfo info = client.workflow("inspect-1").orElseThrow();
        assertEquals("Orders.receipt", info.name());
        assertEquals(WorkflowStatus.SUCCEEDED, info.status());
        assertEquals(List.of("r-3"), info.inputs());
        assertEquals(new Receipt("r-3", 4200), info.output());
        assertEquals("worker", info.executorId());

        List<StepInfo> steps = client.steps("inspect-1");
        assertEquals(1, steps.size());
        assertEquals("price", steps.get(0).name());
        assertEquals(4200, steps.get(0).output());

        List<String> listed = client.listWorkflows(WorkflowQuery.all().name("Orders.receipt").limit(100)).items()
                .stream().map(WorkflowInfo::id).toList();
        assertTrue(listed.contains("inspect-1"), listed.toString());
        assertTrue(client.countWorkflows().stream().anyMatch(c -> isSucceededReceipt(c)));
        assertTrue(client.countWorkflows(before, Instant.now().plusSeconds(60)).stream()
                .anyMatch(c -> isSucceededReceipt(c)));
    }

    private static boolean isSucceededReceipt(WorkflowCount count) {
        return count.name().equals("Orders.receipt") && count.status() == WorkflowStatus.SUCCEEDED && count.count() >= 1;
    }

    @Test
    void theClientIsNoExecutor() {
        client.countWorkflows();
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.executors"), "only the worker registered");
        assertEquals(0, db.queryLong("SELECT count(*) FROM durable.workflows WHERE owner <> 'worker'"));
    }

    @Test
    @PostgresOnly // queues
    void aWorkflowTheClientEnqueuesByNameRunsOnTheWorker() {
        WorkflowHandle<Receipt> handle = client.enqueue("Orders.receipt", "queued-1", StartOptions.queue("orders"),
                "r-5");
        assertEquals(new Receipt("r-5", 4200), handle.result(WAIT), "dequeued on the notification; the worker polls "
                + "every " + WORKER_POLL);
        WorkflowInfo info = client.workflow("queued-1").orElseThrow();
        assertEquals(Optional.of("orders"), info.queueName());
        assertEquals("worker", info.executorId());
        assertEquals(new Receipt("r-5", 4200), client.<Receipt>enqueue("Orders.receipt", "queued-1",
                StartOptions.queue("orders"), "ignored").result(WAIT), "the same ID names the same execution");
    }

    @Test
    @PostgresOnly // queues
    void anEnqueueWithoutAQueueOrUnderAnotherWorkflowsIdIsRefused() {
        IllegalArgumentException noQueue = assertThrows(IllegalArgumentException.class,
                () -> client.enqueue("Orders.receipt", "queued-2", StartOptions.defaults(), "r-6"));
        assertTrue(noQueue.getMessage().contains("queue"), noQueue.getMessage());
        assertEquals(Optional.empty(), client.workflow("queued-2"), "nothing was inserted");

        client.enqueue("Orders.receipt", "queued-3", StartOptions.queue("orders"), "r-7").result(WAIT);
        WorkflowIdConflictException conflict = assertThrows(WorkflowIdConflictException.class,
                () -> client.enqueue("Orders.stages", "queued-3", StartOptions.queue("orders")));
        assertTrue(conflict.getMessage().contains("Orders.receipt"), conflict.getMessage());
    }

    @Test
    @PostgresOnly // queues
    void aSecondEnqueueWithAHeldDeduplicationIdIsATypedError() {
        // Nobody declares this queue, so the first one stays ENQUEUED and keeps its deduplication ID.
        StartOptions options = StartOptions.queue("nobody-serves-this").withDeduplicationId("user-9");
        client.enqueue("Orders.receipt", "client-dedup-1", options, "r-8");
        DeduplicationConflictException e = assertThrows(DeduplicationConflictException.class,
                () -> client.enqueue("Orders.receipt", "client-dedup-2", options, "r-9"));
        assertEquals("client-dedup-1", e.existingWorkflowId());
        assertEquals("user-9", e.deduplicationId());
        assertEquals(WorkflowStatus.ENQUEUED, client.status("client-dedup-1"));
        assertEquals(Optional.empty(), client.workflow("client-dedup-2"));
    }

    // ---- schema and configuration -------------------------------------------------------------

    @Test
    void aMissingSchemaIsAConfigurationErrorAndIsNotCreated() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> clientBuilder().schema("nothing_here").build());
        assertTrue(e.getMessage().contains("'nothing_here'") && e.getMessage().contains("missing"), e.getMessage());
        assertEquals(0, db.queryLong(db.isSqlite()
                ? "SELECT count(*) FROM sqlite_master WHERE name LIKE 'nothing_here%'"
                : "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'nothing_here'"));
    }

    @Test
    void anOutdatedSchemaIsAConfigurationErrorAndIsNotMigrated() {
        try (Durable old = Durables.builder(db, "old-schema").schema("old_one").build()) {
            old.start();
        }
        db.execute("DELETE FROM old_one.durable_schema_history WHERE installed_rank = "
                + "(SELECT max(installed_rank) FROM old_one.durable_schema_history)");
        long rows = db.queryLong("SELECT count(*) FROM old_one.durable_schema_history");

        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> clientBuilder().schema("old_one").build());
        assertTrue(e.getMessage().contains("'old_one'") && e.getMessage().contains("needs version"), e.getMessage());
        assertEquals(rows, db.queryLong("SELECT count(*) FROM old_one.durable_schema_history"));
    }

    @Test
    void aSchemaMigratedFurtherByANewerLibraryIsAccepted() {
        try (Durable current = Durables.builder(db, "newer-schema").schema("newer_one").build()) {
            current.start();
        }
        db.execute("INSERT INTO newer_one.durable_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) VALUES (999, '999', 'from the future', 'SQL', "
                + "'V999__from_the_future.sql', 0, 'test', 0, true)");
        try (DurableClient onNewer = clientBuilder().schema("newer_one").build()) {
            assertEquals(Optional.empty(), onNewer.workflow("anything"));
        }
    }

    @Test
    void invalidSettingsFailAtBuildNamingTheSetting() {
        String url = db.url();
        assertMessage("schema", () -> DurableClient.builder().jdbcUrl(url, "u", null).schema("Bad Schema!").build());
        assertMessage("poolSize must be at least 2", () -> DurableClient.builder().jdbcUrl(url, "u", null)
                .poolSize(1).build());
        assertMessage("connectTimeout", () -> DurableClient.builder().jdbcUrl(url, "u", null)
                .connectTimeout(Duration.ZERO).build());
        assertMessage("databaseRetryTimeout", () -> DurableClient.builder().jdbcUrl(url, "u", null)
                .databaseRetryTimeout(Duration.ofSeconds(-1)).build());
        assertMessage("maxPayloadBytes", () -> DurableClient.builder().jdbcUrl(url, "u", null)
                .maxPayloadBytes(10).build());
        assertMessage("jdbc:", () -> DurableClient.builder().jdbcUrl("postgresql://localhost/x", "u", null).build());
        assertMessage("not both", () -> DurableClient.builder().jdbcUrl(url, "u", null)
                .dataSource(db.dataSource()).build());
    }

    @Test
    void anUnreachableDatabaseFailsAtBuild() {
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, () -> DurableClient.builder()
                .jdbcUrl("jdbc:postgresql://127.0.0.1:1/shop", "shop_user", "hunter2")
                .connectTimeout(Duration.ofMillis(500)).build());
        assertTrue(e.getMessage().contains("127.0.0.1:1/shop"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    @PostgresOnly // a PostgreSQL DataSource
    void aClientOnTheApplicationsDataSourceWorks() {
        try (DurableClient onDataSource = DurableClient.builder().dataSource(db.dataSource()).build()) {
            worker.runWorkflow("ds-1", () -> orders.receipt("r-4"));
            assertEquals(new Receipt("r-4", 4200), onDataSource.<Receipt>retrieve("ds-1").result(WAIT));
        }
    }

    private static void assertMessage(String fragment, Executable build) {
        ConfigurationException e = assertThrows(ConfigurationException.class, build);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
