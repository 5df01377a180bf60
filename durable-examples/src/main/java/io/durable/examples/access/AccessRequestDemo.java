package io.durable.examples.access;

import io.durable.examples.DatabaseSettings;
import io.durable.examples.DemoErrors;
import io.durable.examples.Durations;
import io.durable.examples.JournalPrinter;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The access request demo: three requests through a two-approver chain, the approvers played by
 * this {@code main} through the same {@code durable.send} a webhook handler would call.
 *
 * <pre>
 * mvn -q -B -pl durable-examples -am compile exec:java -Dexec.mainClass=io.durable.examples.access.AccessRequestDemo
 * </pre>
 *
 * <ol>
 *   <li>ada asks for {@code payments-admin}: both approve (the manager's webhook is delivered twice;
 *       durable keeps one), the role is assigned locally and in the directory: GRANTED;</li>
 *   <li>bob asks for {@code prod-db-admin}: the manager approves, the security owner denies: DENIED;</li>
 *   <li>carol asks for {@code billing-viewer}: both approve, but the directory is down; after 3
 *       attempts the local assignment is removed again: FAILED.</li>
 * </ol>
 *
 * It uses {@code jdbc:postgresql://localhost:5432/postgres} as {@code postgres}, or
 * {@code DURABLE_DATABASE_URL}, {@code DURABLE_DATABASE_USER} and {@code DURABLE_DATABASE_PASSWORD}.
 */
public final class AccessRequestDemo {
    /** The manager in every request of the demo. */
    public static final Approver MANAGER = new Approver("manager", "grace@example.com");
    /** The security owner in every request of the demo. */
    public static final Approver SECURITY_OWNER = new Approver("security-owner", "linus@example.com");

    private static final Duration ASKED_WITHIN = Duration.ofSeconds(30);
    private static final Duration DECIDED_WITHIN = Duration.ofSeconds(60);

    private final DatabaseSettings settings;
    private final PrintStream out;

    /**
     * @param settings the database for durable and the {@code access} tables
     * @param out      where to tell the user what happens
     */
    public AccessRequestDemo(DatabaseSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs the demo.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try {
            new AccessRequestDemo(DatabaseSettings.fromEnvironment(), System.out).run();
        } catch (RuntimeException e) {
            System.exit(DemoErrors.explain(e, System.err));
        }
    }

    /**
     * Runs the three requests one after the other, printing each step and journal.
     *
     * @return their outcomes, in order
     */
    public List<AccessOutcome> run() {
        out.println("Access request demo: journal in schema " + AccessApp.DURABLE_SCHEMA
                + ", tables in schema access, on " + settings);
        try (AccessApp app = new AccessApp(settings, out, AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT)) {
            out.println();
            out.println("1) Both approvers approve; the manager's webhook is delivered twice.");
            AccessOutcome granted = decide(app, request("ada@example.com", "payments-admin", "on call for payments"),
                    true, true);
            out.println();
            out.println("2) The manager approves, the security owner denies.");
            AccessOutcome denied = decide(app, request("bob@example.com", "prod-db-admin", "debug a slow query"),
                    true, false);
            out.println();
            out.println("3) Both approve, but the external directory is down: the saga compensates.");
            app.directory().breakDown();
            AccessOutcome failed = decide(app, request("carol@example.com", "billing-viewer", "monthly report"),
                    true, true);
            app.directory().repair();
            out.println();
            for (String user : List.of("ada@example.com", "bob@example.com", "carol@example.com")) {
                out.println("Roles of " + user + " in access.role_assignments: " + app.database().rolesOf(user));
            }
            out.println("An unanswered request waits " + Durations.words(AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT)
                    + " per approver, holding no thread; the tests show the EXPIRED path with a short timeout.");
            return List.of(granted, denied, failed);
        }
    }

    private static AccessRequest request(String user, String role, String why) {
        return new AccessRequest(user, role, why, List.of(MANAGER, SECURITY_OWNER));
    }

    /** Submits a request and plays both approvers: each answers once asked, as a webhook would deliver it. */
    private AccessOutcome decide(AccessApp app, AccessRequest request, boolean managerApproves,
                                 boolean securityApproves) {
        String requestId = "access-" + UUID.randomUUID().toString().substring(0, 8);
        var handle = app.submit(requestId, request);
        answer(app, requestId, MANAGER, managerApproves, true);
        if (managerApproves) {
            answer(app, requestId, SECURITY_OWNER, securityApproves, false);
        }
        AccessOutcome outcome = handle.result(DECIDED_WITHIN);
        out.println("Outcome: " + outcome.describe());
        new JournalPrinter(out).print(app.durable(), requestId);
        return outcome;
    }

    private void answer(AccessApp app, String requestId, Approver approver, boolean approve, boolean deliverTwice) {
        app.awaitAsked(requestId, approver, ASKED_WITHIN);
        Decision decision = approve ? Decision.approve(approver.person(), "looks fine")
                : Decision.deny(approver.person(), "production data needs a break-glass account");
        String eventId = "evt_" + UUID.randomUUID().toString().substring(0, 8);
        out.println("  [webhook " + eventId + "] " + approver.person() + (approve ? " approves" : " denies")
                + " -> durable.send(\"" + requestId + "\", \"" + approver.topic() + "\", decision, \"" + eventId + "\")");
        app.answer(requestId, approver, decision, eventId);
        if (deliverTwice) {
            out.println("  [webhook " + eventId + "] delivered again (the sender retried): same idempotency key,"
                    + " durable keeps only the first");
            app.answer(requestId, approver, decision, eventId);
        }
    }
}
