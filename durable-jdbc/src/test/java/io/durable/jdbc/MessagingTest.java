package io.durable.jdbc;

import io.durable.Durable;
import io.durable.NotInWorkflowException;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowHandle;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** send/recv, events and durable sleep: exactly-once consumption, deadlines, parking and wake-ups. */
@ExtendWith(FreshDatabase.class)
class MessagingTest {
    public record Approval(String approver, boolean approved) {
    }

    public interface Flows {
        String receiveOne(String topic, long timeoutMillis);

        String receiveTwo(String topic);

        String sleepThenStep(long millis);

        String publishAndSend(String peer);

        String waitForEvent(String other, String key, long timeoutMillis);

        String swallowPark(String topic);
    }

    public static final class FlowsImpl implements Flows {
        final Durable durable;
        final AtomicInteger afterSleep = new AtomicInteger();
        final AtomicInteger caughtSignals = new AtomicInteger();

        FlowsImpl(Durable durable) {
            this.durable = durable;
        }

        @Workflow
        public String receiveOne(String topic, long timeoutMillis) {
            Optional<Approval> got = durable.recv(topic, Duration.ofMillis(timeoutMillis), Approval.class);
            return got.map(a -> a.approver() + ":" + a.approved()).orElse("timeout");
        }

        @Workflow
        public String receiveTwo(String topic) {
            String first = durable.recv(topic, Duration.ofMinutes(1), String.class).orElse("none");
            String second = durable.recv(topic, Duration.ofMinutes(1), String.class).orElse("none");
            return first + "," + second;
        }

        @Workflow
        public String sleepThenStep(long millis) {
            durable.sleep(Duration.ofMillis(millis));
            return durable.step("after", () -> "woke-" + afterSleep.incrementAndGet());
        }

        @Workflow
        public String publishAndSend(String peer) {
            durable.setEvent("status", "first");
            durable.setEvent("status", "second");
            durable.send(peer, "hello", "from " + durable.currentWorkflowId().orElseThrow());
            return "sent";
        }

        @Workflow
        public String waitForEvent(String other, String key, long timeoutMillis) {
            return durable.getEvent(other, key, Duration.ofMillis(timeoutMillis), String.class).orElse("no event");
        }

        @Workflow
        public String swallowPark(String topic) {
            try {
                return durable.recv(topic, Duration.ofMinutes(1), String.class).orElse("timeout");
            } catch (Throwable t) {
                caughtSignals.incrementAndGet();
                return "swallowed";
            }
        }
    }

    private final List<Durable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Durable::close);
    }

    private Durable open(TestDatabase db, String executorId, Duration hotWindow, Duration poll) {
        Durables.oneExecutorOnSqlite(db, opened);
        Durable durable = Durables.builder(db, executorId).hotWaitWindow(hotWindow).pollInterval(poll).build();
        opened.add(durable);
        return durable;
    }

    private record Instance(Durable durable, FlowsImpl impl, Flows flows) {
    }

    private Instance start(TestDatabase db, String executorId, Duration hotWindow, Duration poll) {
        Durable durable = open(db, executorId, hotWindow, poll);
        FlowsImpl impl = new FlowsImpl(durable);
        Flows flows = durable.register(Flows.class, impl);
        durable.start();
        return new Instance(durable, impl, flows);
    }

    private static long count(TestDatabase db, String sql) {
        return db.queryLong(sql);
    }

    @Test
    void aMessageSentBeforeRecvIsConsumedOnceAndReplayedFromTheJournal(TestDatabase db) {
        Instance a = start(db, "msg-early", Duration.ofSeconds(1), Duration.ofSeconds(1));
        a.durable().send("early-1", "approval", new Approval("ann", true));
        assertEquals("ann:true", a.durable().runWorkflow("early-1", () -> a.flows().receiveOne("approval", 60_000)));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'early-1'"
                + " AND consumed_at IS NOT NULL AND consumed_position = 1"));
        List<StepInfo> journal = a.durable().steps("early-1");
        assertEquals("durable.recv:approval", journal.get(0).name());
        assertEquals(new Approval("ann", true), journal.get(0).output());
    }

    @Test
    void aHotWaitIsWokenInProcessAndMessagesArriveInOrder(TestDatabase db) {
        Instance a = start(db, "msg-hot", Duration.ofSeconds(30), Duration.ofSeconds(30));
        WorkflowHandle<String> handle = a.durable().startWorkflow("hot-1", () -> a.flows().receiveTwo("t"));
        Await.until("the workflow to wait", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'hot-1' AND wait_kind = 'recv'") == 1);
        a.durable().send("hot-1", "t", "one");
        a.durable().send("hot-1", "t", "two");
        a.durable().send("hot-1", "t", "three");
        assertEquals("one,two", handle.result(Duration.ofSeconds(10)));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'hot-1' AND consumed_at IS NULL"
                + " AND payload LIKE '%three%'"));
    }

    @Test
    void startsThatFindAFreeThreadDoNotEvictAHotWait(TestDatabase db) {
        // Four workflow threads: one holds the hot wait, the others are idle and run the quick workflows.
        Durables.oneExecutorOnSqlite(db, opened);
        Durable durable = Durables.builder(db, "msg-evict").hotWaitWindow(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(30)).maxConcurrentWorkflows(4).build();
        opened.add(durable);
        Flows flows = durable.register(Flows.class, new FlowsImpl(durable));
        durable.start();
        WorkflowHandle<String> hot = durable.startWorkflow("evict-hot", () -> flows.receiveOne("approval", 600_000));
        Await.until("the workflow to wait", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'evict-hot' AND wait_kind = 'recv'") == 1);
        for (int i = 0; i < 50; i++) {
            String id = "evict-quick-" + i;
            assertEquals("timeout", durable.startWorkflow(id, () -> flows.receiveOne("nothing", 0))
                    .result(Duration.ofSeconds(10)));
        }
        durable.send("evict-hot", "approval", new Approval("fay", true));
        assertEquals("fay:true", hot.result(Duration.ofSeconds(10)));
        // A parked workflow is claimed back by the waker, which bumps its epoch; a hot one keeps epoch 1.
        assertEquals(1, count(db, "SELECT epoch FROM durable.workflows WHERE id = 'evict-hot'"),
                "the hot wait was evicted although a thread was free for every start");
    }

    @Test
    void aSendToARecvWaitingInTheSameProcessHandsTheMessageOverInOneStatement(TestDatabase db) {
        Instance a = start(db, "msg-handoff", Duration.ofSeconds(30), Duration.ofSeconds(30));
        WorkflowHandle<String> handle = a.durable().startWorkflow("handoff-1", () -> a.flows().receiveTwo("t"));
        Await.until("the workflow to wait", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'handoff-1' AND wait_kind = 'recv'") == 1);
        a.durable().send("handoff-1", "t", "first", "key-1");
        Await.until("the second recv to wait", Duration.ofSeconds(10), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id = 'handoff-1' AND wait_kind = 'recv' AND wait_position = 2") == 1);
        a.durable().send("handoff-1", "t", "first again", "key-1");
        a.durable().send("handoff-1", "t", "second", "key-2");
        assertEquals("first,second", handle.result(Duration.ofSeconds(10)));
        // Stored and consumed by the same statement (same transaction, same now()): no second commit on the path.
        assertEquals(2, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'handoff-1'"
                + " AND consumed_at = sent_at"));
        assertEquals(2, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'handoff-1'"));
        assertEquals(2, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'handoff-1'"));
    }

    @Test
    void aHandOverNeverOvertakesAnOlderMessage(TestDatabase db) {
        Instance a = start(db, "msg-order", Duration.ofSeconds(30), Duration.ofSeconds(30));
        WorkflowHandle<String> handle = a.durable().startWorkflow("order-1", () -> a.flows().receiveTwo("t"));
        Await.until("the workflow to wait", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'order-1' AND wait_kind = 'recv'") == 1);
        // An older message the waiting workflow has not been told about (another process, its notification lost).
        db.execute("INSERT INTO durable.messages (destination, topic, payload, idempotency_key)"
                + " VALUES ('order-1', 't', '{\"type\":\"java.lang.String\",\"value\":\"older\"}', 'older')");
        a.durable().send("order-1", "t", "newer");
        assertEquals("older,newer", handle.result(Duration.ofSeconds(10)));
    }

    @Test
    void recvTimesOutWithEmptyAndTheTimeoutIsRecorded(TestDatabase db) {
        Instance a = start(db, "msg-timeout", Duration.ofSeconds(5), Duration.ofMillis(50));
        assertEquals("timeout", a.durable().runWorkflow("to-1", () -> a.flows().receiveOne("nothing", 100)));
        a.durable().send("to-1", "nothing", new Approval("late", true));
        assertEquals("timeout", a.durable().runWorkflow("to-1", () -> a.flows().receiveOne("nothing", 100)));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'to-1' AND consumed_at IS NULL"));
    }

    @Test
    void aParkedWorkflowHoldsNoThreadAndResumesWhenTheMessageArrives(TestDatabase db) {
        Instance a = start(db, "msg-park", Duration.ZERO, Duration.ofSeconds(30));
        WorkflowHandle<String> handle = a.durable().startWorkflow("park-1", () -> a.flows().receiveOne("approval", 600_000));
        Await.until("the workflow to park", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'park-1' AND wait_kind = 'recv'") == 1);
        a.durable().send("park-1", "approval", new Approval("bob", false));
        assertEquals("bob:false", handle.result(Duration.ofSeconds(10)));
        assertEquals(WorkflowStatus.SUCCEEDED, handle.status());
    }

    @Test
    void aMessageSentWhileTheReceiverIsDownIsConsumedOnceAfterRestart(TestDatabase db) {
        Instance first = start(db, "msg-down", Duration.ZERO, Duration.ofMillis(100));
        first.durable().startWorkflow("down-1", () -> first.flows().receiveOne("approval", 600_000));
        Await.until("the workflow to park", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'down-1' AND wait_kind = 'recv'") == 1);
        first.durable().close();

        Instance sender = start(db, "msg-sender", Duration.ZERO, Duration.ofMillis(100));
        sender.durable().send("down-1", "approval", new Approval("carol", true), "webhook-77");
        sender.durable().send("down-1", "approval", new Approval("carol-again", true), "webhook-77");
        assertEquals(1, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'down-1'"));

        Instance restarted = start(db, "msg-down", Duration.ZERO, Duration.ofMillis(100));
        WorkflowHandle<String> handle = restarted.durable().retrieve("down-1");
        assertEquals("carol:true", handle.result(Duration.ofSeconds(10)));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'down-1'"
                + " AND consumed_at IS NOT NULL"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'down-1'"));
    }

    @Test
    void aRecvTimeoutFiresAtTheOriginalDeadlineAfterARestart(TestDatabase db) {
        Instance first = start(db, "msg-deadline", Duration.ZERO, Duration.ofMillis(50));
        Instant before = Instant.now();
        first.durable().startWorkflow("deadline-1", () -> first.flows().receiveOne("approval", 1500));
        Await.until("the wait to be recorded", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'deadline-1' AND wait_kind = 'recv'") == 1);
        Instant recordedDeadline = wakeAt(db, "deadline-1");
        assertFalse(recordedDeadline.isBefore(before.plusMillis(1500)));
        first.durable().close();

        Instance restarted = start(db, "msg-deadline", Duration.ZERO, Duration.ofMillis(50));
        assertEquals("timeout", restarted.durable().<String>retrieve("deadline-1").result(Duration.ofSeconds(10)));
        assertEquals(recordedDeadline, wakeAt(db, "deadline-1"), "a restart must not move the deadline");
        Instant timedOutAt = restarted.durable().steps("deadline-1").get(0).completedAt();
        assertFalse(timedOutAt.isBefore(recordedDeadline), "fired before the deadline: " + timedOutAt);
    }

    private static Instant wakeAt(TestDatabase db, String workflowId) {
        try (var c = db.connect(); var ps = c.prepareStatement("SELECT wake_at FROM durable.workflows WHERE id = ?")) {
            ps.setString(1, workflowId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return db.instant(rs, 1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aParkedSleepKeepsItsDeadlineAcrossARestartAndRunsTheNextStepOnce(TestDatabase db) {
        Instance first = start(db, "sleep-1", Duration.ZERO, Duration.ofMillis(50));
        first.durable().startWorkflow("sleeper", () -> first.flows().sleepThenStep(1200));
        Await.until("the sleep to be recorded", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'sleeper' AND wait_kind = 'sleep'") == 1);
        Instant deadline = wakeAt(db, "sleeper");
        first.durable().close();

        Instance restarted = start(db, "sleep-1", Duration.ZERO, Duration.ofMillis(50));
        assertEquals("woke-1", restarted.durable().<String>retrieve("sleeper").result(Duration.ofSeconds(10)));
        List<StepInfo> journal = restarted.durable().steps("sleeper");
        assertEquals("durable.sleep", journal.get(0).name());
        assertFalse(journal.get(0).completedAt().isBefore(deadline));
        assertEquals(deadline, wakeAt(db, "sleeper"));
        assertEquals(0, first.impl().afterSleep.get());
    }

    @Test
    void aShortSleepStaysInMemory(TestDatabase db) {
        Instance a = start(db, "sleep-2", Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertEquals("woke-1", a.durable().runWorkflow("nap", () -> a.flows().sleepThenStep(50)));
    }

    @Test
    void eventsKeepHistoryAndTheLatestValueWinsAndSendsAreNotRepeated(TestDatabase db) {
        Instance a = start(db, "events", Duration.ofSeconds(1), Duration.ofMillis(100));
        assertEquals("sent", a.durable().runWorkflow("publisher", () -> a.flows().publishAndSend("inbox")));
        assertEquals(Optional.of("second"), a.durable().getEvent("publisher", "status", Duration.ZERO, String.class));
        assertEquals(2, count(db, "SELECT count(*) FROM durable.events WHERE workflow_id = 'publisher' AND key = 'status'"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'inbox'"));

        // Replaying the finished journal (a second run of the same ID) sends and publishes nothing new.
        db.execute("UPDATE durable.workflows SET status = 'PENDING', completed_at = NULL, output = NULL"
                + " WHERE id = 'publisher'");
        a.durable().close();
        Instance again = start(db, "events", Duration.ofSeconds(1), Duration.ofMillis(100));
        assertEquals("sent", again.durable().<String>retrieve("publisher").result(Duration.ofSeconds(10)));
        assertEquals(2, count(db, "SELECT count(*) FROM durable.events WHERE workflow_id = 'publisher'"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.messages WHERE destination = 'inbox'"));
    }

    @Test
    void getEventWaitsForTheValueOutsideAndInsideWorkflows(TestDatabase db) {
        Instance a = start(db, "events-wait", Duration.ZERO, Duration.ofSeconds(30));
        assertEquals(Optional.empty(), a.durable().getEvent("nobody", "status", Duration.ofMillis(50), String.class));
        WorkflowHandle<String> waiter = a.durable().startWorkflow("event-waiter",
                () -> a.flows().waitForEvent("event-source", "status", 600_000));
        Await.until("the event wait to park", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'event-waiter' AND wait_kind = 'event'") == 1);
        var outside = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> a.durable().getEvent("event-source", "status", Duration.ofSeconds(20), String.class));
        a.durable().runWorkflow("event-source", () -> a.flows().publishAndSend("elsewhere"));
        String read = outside.join().orElseThrow();
        assertTrue(read.equals("first") || read.equals("second"), read);
        String seen = waiter.result(Duration.ofSeconds(10));
        assertTrue(seen.equals("first") || seen.equals("second"), seen);
        assertEquals(seen, a.durable().steps("event-waiter").get(0).output());
    }

    @Test
    @PostgresOnly // LISTEN/NOTIFY between processes
    void aWakeUpFromAnotherProcessArrivesByNotification(TestDatabase db) {
        // Polling every minute: only LISTEN/NOTIFY can wake the receiver within the test's deadline.
        Instance receiver = start(db, "notify-receiver", Duration.ofSeconds(30), Duration.ofMinutes(1));
        Instance sender = start(db, "notify-sender", Duration.ofSeconds(30), Duration.ofMinutes(1));
        WorkflowHandle<String> hot = receiver.durable().startWorkflow("notified-hot",
                () -> receiver.flows().receiveOne("approval", 600_000));
        Await.until("the workflow to wait", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'notified-hot' AND wait_kind = 'recv'") == 1);
        sender.durable().send("notified-hot", "approval", new Approval("dave", true));
        assertEquals("dave:true", hot.result(Duration.ofSeconds(20)));
    }

    @Test
    @PostgresOnly // LISTEN/NOTIFY between processes
    void aParkedWorkflowIsWokenByANotificationFromAnotherProcess(TestDatabase db) {
        Instance receiver = start(db, "notify-parked", Duration.ZERO, Duration.ofMinutes(1));
        Instance sender = start(db, "notify-parked-sender", Duration.ZERO, Duration.ofMinutes(1));
        WorkflowHandle<String> parked = receiver.durable().startWorkflow("notified-parked",
                () -> receiver.flows().receiveOne("approval", 600_000));
        Await.until("the workflow to park", Duration.ofSeconds(10),
                () -> count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'notified-parked' AND wait_kind = 'recv'") == 1);
        sender.durable().send("notified-parked", "approval", new Approval("erin", true));
        assertEquals("erin:true", parked.result(Duration.ofSeconds(20)));
    }

    @Test
    void waitsParkWhenOtherWorkflowsQueueForAThread(TestDatabase db) {
        // Two threads and a 60 s hot window: without parking under pressure only two could ever wait.
        Durables.oneExecutorOnSqlite(db, opened);
        Durable durable = Durables.builder(db, "queue-pressure").maxConcurrentWorkflows(2)
                .hotWaitWindow(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(60)).build();
        opened.add(durable);
        FlowsImpl impl = new FlowsImpl(durable);
        Flows flows = durable.register(Flows.class, impl);
        durable.start();
        List<WorkflowHandle<String>> handles = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "pressure-" + i;
            handles.add(durable.startWorkflow(id, () -> flows.receiveOne("approval", 600_000)));
        }
        Await.until("all ten to wait", Duration.ofSeconds(20), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id LIKE 'pressure-%' AND wait_kind = 'recv'") == 10);
        for (int i = 0; i < 10; i++) {
            durable.send("pressure-" + i, "approval", new Approval("p" + i, true));
        }
        for (int i = 0; i < 10; i++) {
            assertEquals("p" + i + ":true", handles.get(i).result(Duration.ofSeconds(20)));
        }
    }

    @Test
    void aRestartDoesNotReplayParkedWorkflows(TestDatabase db) {
        Instance first = start(db, "no-replay", Duration.ZERO, Duration.ofMillis(50));
        first.durable().startWorkflow("parked-quietly", () -> first.flows().receiveOne("approval", 600_000));
        Await.until("the workflow to park", Duration.ofSeconds(10), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id = 'parked-quietly' AND wait_kind = 'recv'") == 1);
        first.durable().close();
        Instance restarted = start(db, "no-replay", Duration.ZERO, Duration.ofMillis(50));
        assertEquals(1, count(db, "SELECT epoch FROM durable.workflows WHERE id = 'parked-quietly'"));
        assertEquals(0, count(db, "SELECT recovery_attempts FROM durable.workflows WHERE id = 'parked-quietly'"));
        restarted.durable().send("parked-quietly", "approval", new Approval("fay", true));
        assertEquals("fay:true", restarted.durable().<String>retrieve("parked-quietly").result(Duration.ofSeconds(10)));
    }

    @Test
    void waitingCallsOutsideAWorkflowAreTypedErrors(TestDatabase db) {
        Instance a = start(db, "outside", Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThrows(NotInWorkflowException.class, () -> a.durable().recv("t", Duration.ZERO, String.class));
        assertThrows(NotInWorkflowException.class, () -> a.durable().setEvent("k", "v"));
        assertThrows(NotInWorkflowException.class, () -> a.durable().sleep(Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class, () -> a.durable().send("x", "t", null));
        assertThrows(IllegalArgumentException.class, () -> a.durable().send(" ", "t", "m"));
        assertThrows(IllegalArgumentException.class, () -> a.durable().getEvent("x", "k", Duration.ofSeconds(-1), String.class));
    }

    @Test
    void aSwallowedParkingSignalIsNotRecordedAsTheOutcome(TestDatabase db) {
        Instance a = start(db, "swallow", Duration.ZERO, Duration.ofMillis(100));
        WorkflowHandle<String> handle = a.durable().startWorkflow("swallower", () -> a.flows().swallowPark("t"));
        Await.until("the workflow to park", Duration.ofSeconds(10), () -> a.impl().caughtSignals.get() == 1);
        assertEquals(WorkflowStatus.PENDING, handle.status());
        a.durable().send("swallower", "t", "finally");
        assertEquals("finally", handle.result(Duration.ofSeconds(10)));
    }
}
