package io.durable.examples.agent;

import io.durable.DurableClient;
import io.durable.WorkflowHandle;
import io.durable.WorkflowStatus;
import io.durable.examples.DatabaseSettings;
import io.durable.examples.Waiting;
import io.durable.examples.agent.AgentStatus.Stage;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent with human approval against real PostgreSQL: approve, deny, time out, status from outside. */
@ExtendWith(FreshDatabase.class)
class AgentTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AgentTask REFUND = new AgentTask("support@example.com", "Refund order 1042: arrived broken");

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable each : opened) {
            each.close();
        }
    }

    private AgentApp open(TestDatabase db, Duration approvalTimeout) {
        AgentApp app = new AgentApp(new DatabaseSettings(db.url(), db.user(), db.password()), out, approvalTimeout);
        opened.add(app);
        return app;
    }

    /**
     * Another process of the application, say the review UI's: it runs no workflows, only reads and sends,
     * so it is a DurableClient (which may share a SQLite file with the executor).
     */
    private DurableClient reviewerProcess(TestDatabase db) {
        DurableClient client = DurableClient.builder().jdbcUrl(db.url(), db.user(), db.password())
                .schema(AgentApp.DURABLE_SCHEMA).build();
        opened.add(client);
        return client;
    }

    @Test
    void anApprovedRunExecutesItsPlannedActionOnce(TestDatabase db) {
        AgentApp app = open(db, AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        WorkflowHandle<AgentResult> handle = app.start("run-approved", REFUND);
        app.awaitStage("run-approved", Stage.WAITING_FOR_APPROVAL, WAIT);
        assertEquals(0, app.database().executedActions("run-approved"), "nothing runs before the approval");

        app.review("run-approved", ReviewDecision.approve("grace@example.com", "ok"), "click-1");
        AgentResult result = handle.result(WAIT);

        assertEquals("run-approved", result.runId());
        assertEquals(new PlannedAction("issue_refund", "order 1042", "refund order 1042 in full to the original card"),
                result.action());
        assertEquals("grace@example.com", result.approvedBy());
        assertTrue(result.outcome().startsWith("issue_refund(order 1042) done, reference act-"), result.outcome());
        assertEquals(1, app.database().executedActions("run-approved"));
        assertEquals(Stage.DONE, app.status("run-approved").orElseThrow().stage());
    }

    @Test
    void aDeniedRunFailsWithApprovalDeniedExceptionAndExecutesNothing(TestDatabase db) {
        AgentApp app = open(db, AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        WorkflowHandle<AgentResult> handle = app.start("run-denied", REFUND);
        app.awaitStage("run-denied", Stage.WAITING_FOR_APPROVAL, WAIT);
        app.review("run-denied", ReviewDecision.deny("grace@example.com", "refunds over $50 need a manager"), "click-2");

        ApprovalDeniedException e = assertThrows(ApprovalDeniedException.class, () -> handle.result(WAIT));

        String expected = "agent run 'run-denied' was denied by grace@example.com: refunds over $50 need a manager";
        assertEquals(expected, e.getMessage());
        assertEquals(WorkflowStatus.FAILED, handle.status());
        assertEquals(0, app.database().executedActions("run-denied"));
        assertEquals(new AgentStatus(Stage.DENIED, expected), app.status("run-denied").orElseThrow());
        // Another process reads the recorded failure: the same type and message, rebuilt from the database.
        ApprovalDeniedException readBack = assertThrows(ApprovalDeniedException.class,
                () -> reviewerProcess(db).retrieve("run-denied").result(WAIT));
        assertEquals(expected, readBack.getMessage());
    }

    @Test
    void aRunNobodyApprovesInTimeFailsWithApprovalTimedOutException(TestDatabase db) {
        AgentApp app = open(db, Duration.ofMillis(300));
        WorkflowHandle<AgentResult> handle = app.start("run-timeout", REFUND);

        ApprovalTimedOutException e = assertThrows(ApprovalTimedOutException.class, () -> handle.result(WAIT));

        assertEquals("agent run 'run-timeout' got no approval within 300 ms for: refund order 1042 in full to the"
                + " original card", e.getMessage());
        assertEquals(Stage.TIMED_OUT, app.status("run-timeout").orElseThrow().stage());
        assertEquals(0, app.database().executedActions("run-timeout"));

        // A late approval changes nothing: the run is over, and the message is never consumed.
        app.review("run-timeout", ReviewDecision.approve("grace@example.com", "sorry, late"), "click-late");
        assertThrows(ApprovalTimedOutException.class, () -> app.durable().retrieve("run-timeout").result(WAIT));
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_durable.messages WHERE destination = 'run-timeout'"
                + " AND consumed_at IS NULL"));
        assertEquals(0, app.database().executedActions("run-timeout"));
    }

    @Test
    void theStatusIsObservableFromAnotherProcessWithGetEvent(TestDatabase db) {
        AgentApp app = open(db, AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        DurableClient reviewer = reviewerProcess(db);
        assertEquals(Optional.empty(), reviewer.getEvent("run-watched", AgentWorkflow.STATUS_EVENT, Duration.ZERO,
                AgentStatus.class), "no status before the run starts");
        WorkflowHandle<AgentResult> handle = app.start("run-watched", REFUND);

        // The reviewer's process waits for the first status with getEvent itself, then polls it.
        assertTrue(reviewer.getEvent("run-watched", AgentWorkflow.STATUS_EVENT, WAIT, AgentStatus.class).isPresent());
        AgentStatus waiting = awaitStage(reviewer, "run-watched", Stage.WAITING_FOR_APPROVAL);
        assertEquals("refund order 1042 in full to the original card", waiting.detail());
        PlannedAction plan = reviewer.getEvent("run-watched", AgentWorkflow.PLAN_EVENT, Duration.ZERO,
                PlannedAction.class).orElseThrow();
        assertEquals("issue_refund", plan.tool());

        reviewer.send("run-watched", AgentWorkflow.APPROVAL_TOPIC, ReviewDecision.approve("grace@example.com", "ok"),
                "click-3");
        handle.result(WAIT);

        AgentStatus done = reviewer.getEvent("run-watched", AgentWorkflow.STATUS_EVENT, Duration.ZERO,
                AgentStatus.class).orElseThrow();
        assertEquals(Stage.DONE, done.stage());
        assertEquals(List.of(Stage.PLANNING, Stage.WAITING_FOR_APPROVAL, Stage.EXECUTING, Stage.DONE),
                statusHistory(db, "run-watched"));
    }

    @Test
    void aRunWaitingForApprovalSurvivesARestartWithoutAskingTheModelAgain(TestDatabase db) {
        AgentApp first = open(db, AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        first.start("run-restart", REFUND);
        first.awaitStage("run-restart", Stage.WAITING_FOR_APPROVAL, WAIT);
        first.close();

        AgentApp second = open(db, AgentWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        second.review("run-restart", ReviewDecision.approve("grace@example.com", "ok"), "click-4");
        AgentResult result = second.durable().<AgentResult>retrieve("run-restart").result(WAIT);

        assertEquals("issue_refund", result.action().tool());
        assertEquals(1, printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("[model]")).count(),
                "the replay must reuse the recorded plan, not ask the model again");
        assertEquals(1, second.database().executedActions("run-restart"));
    }

    private static AgentStatus awaitStage(DurableClient reviewer, String runId, Stage stage) {
        Waiting.until(runId + " to reach " + stage, WAIT, () -> reviewer.getEvent(runId, AgentWorkflow.STATUS_EVENT,
                Duration.ZERO, AgentStatus.class).map(s -> s.stage() == stage).orElse(false));
        return reviewer.getEvent(runId, AgentWorkflow.STATUS_EVENT, Duration.ZERO, AgentStatus.class).orElseThrow();
    }

    /** Every status the run published, oldest first, from durable's events table (it keeps the history). */
    private static List<Stage> statusHistory(TestDatabase db, String runId) {
        List<Stage> stages = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT value FROM"
                + " agent_durable.events WHERE workflow_id = ? AND key = 'status' ORDER BY position")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    stages.add(List.of(Stage.values()).stream().filter(s -> value.contains("\"" + s.name() + "\""))
                            .findFirst().orElseThrow(() -> new AssertionError("no stage in " + value)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return stages;
    }
}
