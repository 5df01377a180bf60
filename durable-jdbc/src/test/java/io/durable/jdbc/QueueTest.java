package io.durable.jdbc;

import io.durable.ConfigurationException;
import io.durable.DeduplicationConflictException;
import io.durable.Durable;
import io.durable.Queue;
import io.durable.StartOptions;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowCancelledException;
import io.durable.WorkflowCount;
import io.durable.WorkflowHandle;
import io.durable.WorkflowInfo;
import io.durable.WorkflowPage;
import io.durable.WorkflowQuery;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durable queues in one JVM, several Durable instances (executors) on one database: enqueue from
 * outside and from workflow code, limits (global, per partition, per instance, rate), priority,
 * deduplication, delayed start, cancel and resume of queued workflows, listing and counts.
 */
@PostgresOnly // queues need PostgreSQL
@ExtendWith(FreshDatabase.class)
class QueueTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    public interface Jobs {
        String echo(String value);

        String hold(String label);

        int gauged(int value);

        String parent(int children);
    }

    /** What the workflows did, shared by every instance of one test. */
    static final class Tracker {
        final TestDatabase db;
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> maxRunning = new ConcurrentHashMap<>();
        final CountDownLatch gate = new CountDownLatch(1);

        Tracker(TestDatabase db) {
            this.db = db;
        }

        int runs(String workflowId) {
            return runs.getOrDefault(workflowId, new AtomicInteger()).get();
        }

        int running(String key) {
            return running.getOrDefault(key, new AtomicInteger()).get();
        }

        int maxRunning(String key) {
            return maxRunning.getOrDefault(key, new AtomicInteger()).get();
        }

        void enter(String... keys) {
            for (String key : keys) {
                int now = running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                maxRunning.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            }
        }

        void leave(String... keys) {
            for (String key : keys) {
                running.get(key).decrementAndGet();
            }
        }

        /** Adds {@code delta} to the running count in the gauge table and raises its maximum. */
        int gauge(int delta) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE queue_gauge"
                    + " SET running = running + ?, max_running = GREATEST(max_running, running + ?) WHERE id = 1"
                    + " RETURNING running")) {
                ps.setInt(1, delta);
                ps.setInt(2, delta);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static final class JobsImpl implements Jobs {
        final Durable durable;
        final Tracker tracker;
        Jobs self;

        JobsImpl(Durable durable, Tracker tracker) {
            this.durable = durable;
            this.tracker = tracker;
        }

        @Override
        @Workflow(name = "queue.echo")
        public String echo(String value) {
            tracker.runs.computeIfAbsent(durable.currentWorkflowId().orElseThrow(), k -> new AtomicInteger())
                    .incrementAndGet();
            return durable.step("echo", () -> value);
        }

        @Override
        @Workflow(name = "queue.hold")
        public String hold(String label) {
            String[] keys = {"all", "label:" + label, "executor:" + durable.executorId()};
            tracker.enter(keys);
            try {
                if (!tracker.gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                tracker.leave(keys);
            }
            return label;
        }

        @Override
        @Workflow(name = "queue.gauged")
        public int gauged(int value) {
            durable.step("enter", () -> tracker.gauge(1));
            durable.sleep(Duration.ofMillis(20));
            durable.step("effect", () -> {
                tracker.db.execute("INSERT INTO queue_effects (workflow_id) VALUES ('"
                        + durable.currentWorkflowId().orElseThrow() + "')");
                return value;
            });
            durable.step("leave", () -> tracker.gauge(-1));
            return value;
        }

        @Override
        @Workflow(name = "queue.parent")
        public String parent(int children) {
            String me = durable.currentWorkflowId().orElseThrow();
            List<WorkflowHandle<String>> handles = new ArrayList<>();
            for (int i = 0; i < children; i++) {
                String value = "k" + i;
                handles.add(durable.startWorkflow(me + "-child-" + i, StartOptions.queue("kids").withPriority(i),
                        () -> self.echo(value)));
            }
            List<String> all = durable.awaitAll(handles);
            return handles.get(0).result() + "|" + String.join(",", all);
        }
    }

    /** A started Durable and its proxy. */
    private record Node(Durable durable, Jobs jobs) {
    }

    private final List<Durable> opened = new ArrayList<>();
    private Tracker tracker;

    @AfterEach
    void closeAll() {
        if (tracker != null) {
            tracker.gate.countDown();
        }
        opened.forEach(Durable::close);
        opened.clear();
    }

    private Node open(TestDatabase db, String executorId, int threads, Queue... queues) {
        if (tracker == null) {
            tracker = new Tracker(db);
        }
        Durable.Builder builder = Durables.builder(db, executorId).maxConcurrentWorkflows(threads)
                .pollInterval(Duration.ofMillis(200)).hotWaitWindow(Duration.ofMillis(100));
        for (Queue queue : queues) {
            builder.queue(queue);
        }
        Durable durable = builder.build();
        JobsImpl impl = new JobsImpl(durable, tracker);
        Jobs proxy = durable.register(Jobs.class, impl);
        impl.self = proxy;
        durable.start();
        opened.add(durable);
        return new Node(durable, proxy);
    }

    private Node open(TestDatabase db, String executorId, Queue... queues) {
        return open(db, executorId, 8, queues);
    }

    @Test
    void aWorkflowEnqueuedFromOutsideRunsAndRecordsItsQueue(TestDatabase db) {
        Node node = open(db, "basic-exec", Queue.named("basic"));
        WorkflowHandle<String> handle = node.durable().startWorkflow("basic-1", StartOptions.queue("basic"),
                () -> node.jobs().echo("one"));
        assertEquals("one", handle.result(WAIT));
        String two = node.durable().runWorkflow("basic-2", StartOptions.queue("basic").withPriority(3)
                .withPartitionKey("tenant-7"), () -> node.jobs().echo("two"));
        assertEquals("two", two);

        WorkflowInfo info = node.durable().workflow("basic-2").orElseThrow();
        assertEquals(WorkflowStatus.SUCCEEDED, info.status());
        assertEquals("basic", info.queueName().orElseThrow());
        assertEquals(3, info.priority().getAsInt());
        assertEquals("tenant-7", info.partitionKey().orElseThrow());
        assertEquals("basic-exec", info.executorId());
        assertFalse(info.dequeuedAt().orElseThrow().isBefore(info.createdAt()));

        // The same ID again joins the execution: no second run.
        WorkflowHandle<String> again = node.durable().startWorkflow("basic-1", StartOptions.queue("basic"),
                () -> node.jobs().echo("other"));
        assertEquals("one", again.result(WAIT));
        assertEquals(1, tracker.runs("basic-1"));
    }

    @Test
    void anEnqueueNoProcessServesStaysEnqueuedAndIsListedAndCounted(TestDatabase db) {
        Node client = open(db, "idle-client");
        List<String> ids = List.of("idle-1", "idle-2", "idle-3");
        for (String id : ids) {
            client.durable().startWorkflow(id, StartOptions.queue("idle"), () -> client.jobs().echo(id));
        }
        WorkflowInfo info = client.durable().workflow("idle-2").orElseThrow();
        assertEquals(WorkflowStatus.ENQUEUED, info.status());
        assertNull(info.executorId());
        assertTrue(info.dequeuedAt().isEmpty());
        assertEquals(0, info.priority().getAsInt());
        assertEquals(WorkflowStatus.ENQUEUED, client.durable().retrieve("idle-1").status());

        WorkflowPage page = client.durable().listWorkflows(WorkflowQuery.all().queue("idle"));
        assertEquals(List.of("idle-3", "idle-2", "idle-1"), page.items().stream().map(WorkflowInfo::id).toList());
        WorkflowPage enqueued = client.durable().listWorkflows(WorkflowQuery.all().queue("idle")
                .status(WorkflowStatus.ENQUEUED).limit(2));
        assertEquals(List.of("idle-3", "idle-2"), enqueued.items().stream().map(WorkflowInfo::id).toList());
        assertEquals(List.of("idle-1"), client.durable().listWorkflows(WorkflowQuery.all().queue("idle")
                .status(WorkflowStatus.ENQUEUED).limit(2).after(enqueued.nextCursor().orElseThrow())).items().stream()
                .map(WorkflowInfo::id).toList());
        assertTrue(client.durable().listWorkflows(WorkflowQuery.all().queue("basic-none")).items().isEmpty());

        long inDatabase = db.queryLong("SELECT count(*) FROM durable.workflows WHERE name = 'queue.echo'"
                + " AND status = 'ENQUEUED'");
        WorkflowCount counted = client.durable().countWorkflows().stream()
                .filter(c -> c.name().equals("queue.echo") && c.status() == WorkflowStatus.ENQUEUED)
                .findFirst().orElseThrow();
        assertEquals(inDatabase, counted.count());
        assertTrue(counted.count() >= 3);
    }

    @Test
    void aCancelledQueuedWorkflowNeverRunsAndResumeEnqueuesItAgain(TestDatabase db) {
        Node client = open(db, "cancel-client");
        WorkflowHandle<String> first = client.durable().startWorkflow("cq-1", StartOptions.queue("cq"),
                () -> client.jobs().echo("first"));
        client.durable().startWorkflow("cq-2", StartOptions.queue("cq"), () -> client.jobs().echo("second"));
        assertTrue(client.durable().cancel("cq-1"));
        assertFalse(client.durable().cancel("cq-1"), "already cancelled");
        assertEquals(WorkflowStatus.CANCELLED, first.status());
        assertThrows(WorkflowCancelledException.class, () -> first.result(WAIT));

        Node server = open(db, "cancel-server", Queue.named("cq").concurrency(1));
        // cq-2 was enqueued after cq-1: once it ran, cq-1 would have been dequeued first had it been there.
        assertEquals("second", server.durable().<String>retrieve("cq-2").result(WAIT));
        assertEquals(0, tracker.runs("cq-1"));
        WorkflowInfo cancelled = server.durable().workflow("cq-1").orElseThrow();
        assertEquals(WorkflowStatus.CANCELLED, cancelled.status());
        assertTrue(cancelled.dequeuedAt().isEmpty());

        // Resume puts it back on its queue, where the server dequeues it.
        assertEquals("first", server.durable().<String>resume("cq-1").result(WAIT));
        assertEquals(1, tracker.runs("cq-1"));
        assertEquals("cancel-server", server.durable().workflow("cq-1").orElseThrow().executorId());
    }

    @Test
    void childrenEnqueuedByAWorkflowAreCheckpointedNotRepeatedOnReplayAndAwaited(TestDatabase db) {
        Node first = open(db, "kids-exec");
        first.durable().startWorkflow("fan-1", () -> first.jobs().parent(3));
        Await.until("the parent waiting on three enqueued children", WAIT, () ->
                db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'fan-1' AND wait_kind = 'child'") == 1
                        && db.queryLong("SELECT count(*) FROM durable.workflows WHERE parent_id = 'fan-1'"
                        + " AND status = 'ENQUEUED' AND owner IS NULL AND queue_name = 'kids'") == 3);
        first.durable().close();
        opened.remove(first.durable());
        assertEquals(3, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'fan-1'"
                + " AND name = 'durable.startChild:queue.echo'"));

        // The same executor comes back declaring the queue: it runs the children, then the parent replays
        // (its recorded starts return the same children) and collects their results.
        Node second = open(db, "kids-exec", Queue.named("kids"));
        assertEquals("k0|k0,k1,k2", second.durable().<String>retrieve("fan-1").result(WAIT));
        assertEquals(3, db.queryLong("SELECT count(*) FROM durable.workflows WHERE parent_id = 'fan-1'"));
        for (int i = 0; i < 3; i++) {
            assertEquals(1, tracker.runs("fan-1-child-" + i), "child " + i);
        }
        List<StepInfo> journal = second.durable().steps("fan-1");
        assertEquals(3, journal.stream().filter(s -> s.name().startsWith("durable.startChild:")).count());
        assertEquals(List.of("fan-1-child-0", "fan-1-child-1", "fan-1-child-2"), journal.stream()
                .filter(s -> s.name().startsWith("durable.startChild:"))
                .map(s -> s.childWorkflowId().orElseThrow()).toList());
    }

    @Test
    void aDeduplicationIdIsRefusedWhileActiveAndFreeAfterwards(TestDatabase db) {
        Node client = open(db, "dedup-client");
        client.durable().startWorkflow("d-1", StartOptions.queue("dq").withDeduplicationId("customer-7"),
                () -> client.jobs().echo("d1"));
        DeduplicationConflictException refused = assertThrows(DeduplicationConflictException.class,
                () -> client.durable().startWorkflow("d-2", StartOptions.queue("dq").withDeduplicationId("customer-7"),
                        () -> client.jobs().echo("d2")));
        assertEquals("dq", refused.queueName());
        assertEquals("customer-7", refused.deduplicationId());
        assertEquals("d-1", refused.existingWorkflowId());
        assertEquals("d-2", refused.workflowId());
        assertTrue(client.durable().workflow("d-2").isEmpty(), "nothing stored for the refused enqueue");
        // Another queue, or the same ID again (a join), are not conflicts.
        client.durable().startWorkflow("d-other", StartOptions.queue("dq-other").withDeduplicationId("customer-7"),
                () -> client.jobs().echo("other"));
        client.durable().startWorkflow("d-1", StartOptions.queue("dq").withDeduplicationId("customer-7"),
                () -> client.jobs().echo("d1"));

        Node server = open(db, "dedup-server", Queue.named("dq"));
        assertEquals("d1", server.durable().<String>retrieve("d-1").result(WAIT));
        WorkflowHandle<String> reused = server.durable().startWorkflow("d-3",
                StartOptions.queue("dq").withDeduplicationId("customer-7"), () -> server.jobs().echo("d3"));
        assertEquals("d3", reused.result(WAIT));
    }

    @Test
    void aDelayedWorkflowIsNotDequeuedBeforeItsDelayOnTheDatabaseClock(TestDatabase db) {
        Node node = open(db, "delay-exec", Queue.named("later"));
        Duration delay = Duration.ofMillis(1500);
        WorkflowHandle<String> handle = node.durable().startWorkflow("late-1",
                StartOptions.queue("later").withDelay(delay), () -> node.jobs().echo("late"));
        assertEquals("late", handle.result(WAIT));
        long waitedMicros = db.queryLong("SELECT (extract(epoch FROM dequeued_at - created_at) * 1000000)::bigint"
                + " FROM durable.workflows WHERE id = 'late-1'");
        assertTrue(waitedMicros >= delay.toNanos() / 1000, "dequeued after " + waitedMicros + " us");
    }

    @Test
    void withConcurrencyOneWorkflowsRunOneAtATimeInPriorityThenEnqueueOrder(TestDatabase db) {
        Node client = open(db, "prio-client");
        int[] priorities = {5, 1, 5, 0, 1};
        for (int i = 0; i < priorities.length; i++) {
            String id = "p-" + (char) ('a' + i);
            client.durable().startWorkflow(id, StartOptions.queue("prio").withPriority(priorities[i]),
                    () -> client.jobs().echo(id));
        }
        Node server = open(db, "prio-server", Queue.named("prio").concurrency(1));
        for (int i = 0; i < priorities.length; i++) {
            server.durable().retrieve("p-" + (char) ('a' + i)).result(WAIT);
        }
        List<String> order = new ArrayList<>();
        List<Instant[]> spans = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id, dequeued_at,"
                + " completed_at FROM durable.workflows WHERE queue_name = 'prio' ORDER BY dequeued_at")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    order.add(rs.getString(1));
                    spans.add(new Instant[] {rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(List.of("p-d", "p-b", "p-e", "p-a", "p-c"), order);
        for (int i = 1; i < spans.size(); i++) {
            assertFalse(spans.get(i)[0].isBefore(spans.get(i - 1)[1]), order.get(i) + " was dequeued before "
                    + order.get(i - 1) + " completed");
        }
    }

    @Test
    void theConcurrencyLimitAppliesPerPartitionKey(TestDatabase db) {
        Node node = open(db, "part-exec", Queue.named("part").concurrency(1));
        List<WorkflowHandle<String>> handles = new ArrayList<>();
        for (String partition : new String[] {"A", "B", null}) {
            for (int i = 0; i < 2; i++) {
                StartOptions options = StartOptions.queue("part");
                if (partition != null) {
                    options = options.withPartitionKey(partition);
                }
                String label = partition == null ? "none" : partition;
                handles.add(node.durable().startWorkflow("part-" + label + "-" + i, options,
                        () -> node.jobs().hold(label)));
            }
        }
        Await.until("one workflow of each partition running", WAIT, () -> tracker.running("all") == 3);
        assertEquals(3, db.queryLong("SELECT count(*) FROM durable.workflows WHERE queue_name = 'part'"
                + " AND status = 'ENQUEUED'"));
        tracker.gate.countDown();
        handles.forEach(h -> h.result(WAIT));
        for (String label : List.of("A", "B", "none")) {
            assertEquals(1, tracker.maxRunning("label:" + label), "partition " + label);
        }
    }

    @Test
    void theRateLimitAllowsAtMostNStartsPerPeriod(TestDatabase db) {
        Node node = open(db, "rate-exec", Queue.named("rate").rateLimit(2, Duration.ofSeconds(1)));
        List<WorkflowHandle<String>> handles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "rate-" + i;
            handles.add(node.durable().startWorkflow(id, StartOptions.queue("rate"), () -> node.jobs().echo(id)));
        }
        handles.forEach(h -> h.result(WAIT));
        List<Long> dequeued = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT (extract(epoch FROM"
                + " dequeued_at) * 1000000)::bigint FROM durable.workflows WHERE queue_name = 'rate'"
                + " ORDER BY dequeued_at"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                dequeued.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(6, dequeued.size());
        for (int i = 2; i < dequeued.size(); i++) {
            long gap = dequeued.get(i) - dequeued.get(i - 2);
            assertTrue(gap >= 1_000_000, "starts " + (i - 2) + " and " + i + " are only " + gap + " us apart: "
                    + dequeued);
        }
    }

    @Test
    void thePerInstanceLimitAppliesToEachProcess(TestDatabase db) {
        Queue queue = Queue.named("inst").perInstanceConcurrency(2);
        Node one = open(db, "inst-1", queue);
        Node two = open(db, "inst-2", queue);
        List<WorkflowHandle<String>> handles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            handles.add(one.durable().startWorkflow("inst-" + i, StartOptions.queue("inst"),
                    () -> one.jobs().hold("inst")));
        }
        Await.until("two workflows running in each instance", WAIT, () -> tracker.running("all") == 4);
        assertEquals(2, db.queryLong("SELECT count(*) FROM durable.workflows WHERE queue_name = 'inst'"
                + " AND status = 'ENQUEUED'"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM (SELECT owner FROM durable.workflows WHERE queue_name = "
                + "'inst' AND status = 'PENDING' GROUP BY owner HAVING count(*) > 2) over_limit"));
        tracker.gate.countDown();
        handles.forEach(h -> h.result(WAIT));
        assertEquals(2, tracker.maxRunning("executor:inst-1"));
        assertEquals(2, tracker.maxRunning("executor:inst-2"));
    }

    @Test
    void theGlobalConcurrencyLimitHoldsAcrossThreeInstances(TestDatabase db) {
        db.execute("CREATE TABLE queue_gauge (id int PRIMARY KEY, running int NOT NULL, max_running int NOT NULL)",
                "INSERT INTO queue_gauge VALUES (1, 0, 0)",
                "CREATE TABLE queue_effects (workflow_id text NOT NULL)");
        Queue queue = Queue.named("glob").concurrency(3);
        List<Node> nodes = List.of(open(db, "glob-1", 4, queue), open(db, "glob-2", 4, queue),
                open(db, "glob-3", 4, queue));
        Node client = open(db, "glob-client");
        List<WorkflowHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int value = i;
            handles.add(client.durable().startWorkflow("glob-" + i, StartOptions.queue("glob"),
                    () -> client.jobs().gauged(value)));
        }
        int sum = 0;
        for (WorkflowHandle<Integer> handle : handles) {
            sum += handle.result(WAIT);
        }
        assertEquals(435, sum);
        long max = db.queryLong("SELECT max_running FROM queue_gauge");
        assertTrue(max >= 1 && max <= 3, "at most 3 may run at once, measured " + max);
        assertEquals(0, db.queryLong("SELECT running FROM queue_gauge"));
        assertEquals(30, db.queryLong("SELECT count(*) FROM queue_effects"));
        assertEquals(30, db.queryLong("SELECT count(DISTINCT workflow_id) FROM queue_effects"));
        assertEquals(30, db.queryLong("SELECT count(*) FROM durable.workflows WHERE queue_name = 'glob'"
                + " AND status = 'SUCCEEDED' AND owner LIKE 'glob-_'"));
        assertEquals(3, nodes.size());
    }

    @Test
    void queueSettingsAreCheckedWhenBuilt(TestDatabase db) {
        assertThrows(ConfigurationException.class, () -> Durables.builder(db, "bad")
                .queue(Queue.named("q").concurrency(0)).build());
        assertThrows(ConfigurationException.class, () -> Durables.builder(db, "bad")
                .queue(Queue.named("q").perInstanceConcurrency(0)).build());
        assertThrows(ConfigurationException.class, () -> Durables.builder(db, "bad")
                .queue(Queue.named("q").rateLimit(0, Duration.ofSeconds(1))).build());
        assertThrows(ConfigurationException.class, () -> Durables.builder(db, "bad")
                .queue(Queue.named("q").rateLimit(5, Duration.ZERO)).build());
        assertThrows(ConfigurationException.class, () -> Durables.builder(db, "bad").queue(Queue.named(" ")).build());
        ConfigurationException twice = assertThrows(ConfigurationException.class, () -> Durables.builder(db, "bad")
                .queue(Queue.named("q")).queue(Queue.named("q").concurrency(2)).build());
        assertTrue(twice.getMessage().contains("declared twice"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StartOptions.defaults().withPriority(1));
        assertThrows(IllegalArgumentException.class, () -> StartOptions.queue("q").withDelay(Duration.ofSeconds(-1)));
    }
}
