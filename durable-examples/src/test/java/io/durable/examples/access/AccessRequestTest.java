package io.durable.examples.access;

import io.durable.StepInfo;
import io.durable.StepStatus;
import io.durable.WorkflowHandle;
import io.durable.examples.DatabaseSettings;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.durable.examples.access.AccessRequestDemo.MANAGER;
import static io.durable.examples.access.AccessRequestDemo.SECURITY_OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access request workflow against real PostgreSQL: approval chain, timeouts, saga, idempotent webhooks. */
@ExtendWith(FreshDatabase.class)
class AccessRequestTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final List<AccessApp> opened = new ArrayList<>();

    @AfterEach
    void closeApps() {
        opened.forEach(AccessApp::close);
    }

    private AccessApp open(TestDatabase db, Duration approvalTimeout) {
        AccessApp app = new AccessApp(new DatabaseSettings(db.url(), db.user(), db.password()), out, approvalTimeout);
        opened.add(app);
        return app;
    }

    private static AccessRequest request(String user, String role) {
        return new AccessRequest(user, role, "needed for the test", List.of(MANAGER, SECURITY_OWNER));
    }

    @Test
    void whenEveryApproverApprovesTheRoleIsAssignedHereAndInTheDirectory(TestDatabase db) {
        AccessApp app = open(db, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        WorkflowHandle<AccessOutcome> handle = app.submit("req-granted", request("ada@example.com", "payments-admin"));
        approve(app, "req-granted", MANAGER, "evt-g1");
        approve(app, "req-granted", SECURITY_OWNER, "evt-g2");

        AccessOutcome outcome = handle.result(WAIT);

        assertEquals(AccessStatus.GRANTED, outcome.status(), outcome.describe());
        assertEquals("approved by manager grace@example.com, security-owner linus@example.com; payments-admin granted"
                + " to ada@example.com as " + outcome.grantId(), outcome.reason());
        assertEquals(List.of("payments-admin"), app.database().rolesOf("ada@example.com"));
        assertEquals(List.of(outcome.grantId()), List.copyOf(app.directory().grants().values()));
        assertEquals(1, app.directory().calls());
        assertEquals("GRANTED", app.database().statusOf("req-granted"));
        assertEquals(List.of("open-request", "ask-approver", "durable.recv:approval:manager", "ask-approver",
                "durable.recv:approval:security-owner", "assign-role", "grant-in-directory", "close-request"),
                names(app, "req-granted"));
    }

    @Test
    void aDenialStopsTheChainAndLaterApproversAreNeverAsked(TestDatabase db) {
        AccessApp app = open(db, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        WorkflowHandle<AccessOutcome> handle = app.submit("req-denied", request("bob@example.com", "prod-db-admin"));
        app.awaitAsked("req-denied", MANAGER, WAIT);
        app.answer("req-denied", MANAGER, Decision.deny("grace@example.com", "use the read replica"), "evt-d1");

        AccessOutcome outcome = handle.result(WAIT);

        assertEquals(AccessStatus.DENIED, outcome.status(), outcome.describe());
        assertEquals("denied by manager grace@example.com: use the read replica", outcome.reason());
        assertNull(outcome.grantId());
        assertEquals(List.of("manager"), app.database().askedTitles("req-denied"));
        assertEquals(List.of("open-request", "ask-approver", "durable.recv:approval:manager", "close-request"),
                names(app, "req-denied"));
        assertEquals(List.of(), app.database().rolesOf("bob@example.com"));
        assertEquals(0, app.directory().calls());
        assertEquals("DENIED", app.database().statusOf("req-denied"));
    }

    @Test
    void anApproverWhoDoesNotAnswerInTimeExpiresTheRequest(TestDatabase db) {
        AccessApp app = open(db, SHORT_TIMEOUT);
        WorkflowHandle<AccessOutcome> handle = app.submit("req-expired", request("carol@example.com", "billing-viewer"));

        AccessOutcome outcome = handle.result(WAIT);

        assertEquals(AccessStatus.EXPIRED, outcome.status(), outcome.describe());
        assertEquals("manager grace@example.com did not answer within 300 ms", outcome.reason());
        assertEquals(List.of("manager"), app.database().askedTitles("req-expired"));
        List<StepInfo> journal = app.durable().steps("req-expired");
        assertEquals("durable.recv:approval:manager", journal.get(2).name());
        assertNull(journal.get(2).output(), "a timed-out recv records no message");
        assertEquals(List.of(), app.database().rolesOf("carol@example.com"));
        assertEquals("EXPIRED", app.database().statusOf("req-expired"));

        // A late answer finds the request decided: it is stored, never consumed, and changes nothing.
        app.answer("req-expired", MANAGER, Decision.approve("grace@example.com", "sorry, was away"), "evt-late");
        assertEquals(1, db.queryLong("SELECT count(*) FROM access_durable.messages WHERE destination = 'req-expired'"
                + " AND consumed_at IS NULL"));
        assertEquals(AccessStatus.EXPIRED, app.outcome("req-expired", WAIT).status());
    }

    @Test
    void whenTheDirectoryFailsTheLocalAssignmentIsCompensatedAndNoRoleRemains(TestDatabase db) {
        AccessApp app = open(db, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        app.directory().breakDown();
        WorkflowHandle<AccessOutcome> handle = app.submit("req-failed", request("dave@example.com", "billing-admin"));
        approve(app, "req-failed", MANAGER, "evt-f1");
        approve(app, "req-failed", SECURITY_OWNER, "evt-f2");

        AccessOutcome outcome = handle.result(WAIT);

        assertEquals(AccessStatus.FAILED, outcome.status(), outcome.describe());
        assertEquals("approved, but the external directory failed after 3 attempts (directory answered 503 Service"
                + " Unavailable to 'grant billing-admin to dave@example.com'); the local assignment of billing-admin"
                + " was removed", outcome.reason());
        assertEquals(List.of(), app.database().rolesOf("dave@example.com"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM access.role_assignments WHERE request_id = 'req-failed'"));
        assertTrue(app.directory().grants().isEmpty());
        assertEquals(Provisioning.MAX_ATTEMPTS, app.directory().calls());
        assertEquals("FAILED", app.database().statusOf("req-failed"));

        List<StepInfo> journal = app.durable().steps("req-failed");
        assertEquals(List.of("assign-role", "grant-in-directory", "remove-role", "close-request"),
                journal.subList(5, 9).stream().map(StepInfo::name).toList());
        StepInfo grant = journal.get(6);
        assertEquals(StepStatus.FAILED, grant.status());
        assertEquals(Provisioning.MAX_ATTEMPTS, grant.attempts());
        assertEquals(ProvisioningException.class.getName(), grant.error().orElseThrow().className());
        assertTrue(text().contains("compensation: local assignment of billing-admin to dave@example.com removed"), text());
    }

    @Test
    void anApprovalWebhookDeliveredTwiceIsConsumedOnce(TestDatabase db) {
        AccessApp app = open(db, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        WorkflowHandle<AccessOutcome> handle = app.submit("req-dup", request("erin@example.com", "support-agent"));
        app.awaitAsked("req-dup", MANAGER, WAIT);
        Decision yes = Decision.approve("grace@example.com", "ok");
        app.answer("req-dup", MANAGER, yes, "evt-dup");
        app.answer("req-dup", MANAGER, yes, "evt-dup");
        approve(app, "req-dup", SECURITY_OWNER, "evt-dup-2");

        assertEquals(AccessStatus.GRANTED, handle.result(WAIT).status());
        // Delivered once more after the request finished: still the same key, still dropped.
        app.answer("req-dup", MANAGER, yes, "evt-dup");

        assertEquals(1, db.queryLong("SELECT count(*) FROM access_durable.messages WHERE destination = 'req-dup'"
                + " AND idempotency_key = 'evt-dup'"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM access_durable.messages WHERE destination = 'req-dup'"
                + " AND consumed_at IS NULL"), "every stored message was consumed: no second copy waits");
        assertEquals(1, names(app, "req-dup").stream().filter("durable.recv:approval:manager"::equals).count());
        assertEquals(List.of("support-agent"), app.database().rolesOf("erin@example.com"));
    }

    @Test
    void aRequestWaitingForApprovalSurvivesARestart(TestDatabase db) {
        AccessApp first = open(db, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        first.submit("req-restart", request("frank@example.com", "oncall"));
        first.awaitAsked("req-restart", MANAGER, WAIT);
        first.close();

        AccessApp second = open(db, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT);
        approve(second, "req-restart", MANAGER, "evt-r1");
        approve(second, "req-restart", SECURITY_OWNER, "evt-r2");

        assertEquals(AccessStatus.GRANTED, second.outcome("req-restart", WAIT).status());
        assertEquals(1, count(text(), "[access] req-restart opened"), "the replay must not open the request again");
        assertEquals(1, count(text(), "[inbox] to grace@example.com"), "the replay must not ask the manager again");
        assertEquals(List.of("oncall"), second.database().rolesOf("frank@example.com"));
    }

    private static void approve(AccessApp app, String requestId, Approver approver, String eventId) {
        app.awaitAsked(requestId, approver, WAIT);
        app.answer(requestId, approver, Decision.approve(approver.person(), "fine"), eventId);
    }

    private static List<String> names(AccessApp app, String requestId) {
        return app.durable().steps(requestId).stream().map(StepInfo::name).toList();
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }
}
