package io.durable.examples.access;

import io.durable.Durable;
import io.durable.WorkflowHandle;
import io.durable.examples.DatabaseSettings;
import io.durable.examples.Waiting;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The access request example wired up: durable (journal in schema {@value #DURABLE_SCHEMA}), the
 * {@code access} tables, the simulated directory and the workflow, registered and started. What
 * an application would build once at startup; the demo and the tests both use it.
 *
 * <pre>{@code
 * try (AccessApp app = new AccessApp(DatabaseSettings.fromEnvironment(), System.out,
 *         AccessRequestWorkflow.DEFAULT_APPROVAL_TIMEOUT)) {
 *     WorkflowHandle<AccessOutcome> handle = app.submit("access-42", request);
 *     app.answer("access-42", manager, Decision.approve("grace@example.com", "ok"), "evt_1");
 * }
 * }</pre>
 */
public final class AccessApp implements AutoCloseable {
    /** The schema holding this example's durable tables (its business tables are in {@code access}). */
    public static final String DURABLE_SCHEMA = "access_durable";
    /** The executor ID of every process of this example, so each one recovers what the previous one left. */
    public static final String EXECUTOR_ID = "access-demo";

    private final AccessDatabase db;
    private final Durable durable;
    private final SimulatedDirectory directory;
    private final AccessRequests requests;

    /**
     * Creates the tables, builds and starts durable; starting resumes unfinished requests.
     *
     * @param settings        the database
     * @param out             where steps report what they do
     * @param approvalTimeout how long each approver has
     */
    public AccessApp(DatabaseSettings settings, PrintStream out, Duration approvalTimeout) {
        this.db = new AccessDatabase(settings);
        // Recovery runs steps as soon as durable starts, so their tables must exist first.
        db.createSchema();
        this.durable = Durable.builder()
                .jdbcUrl(settings.url(), settings.user(), settings.password())
                .schema(DURABLE_SCHEMA)
                .executorId(EXECUTOR_ID)
                .build();
        try {
            this.directory = new SimulatedDirectory(durable, out);
            AccessSteps steps = durable.register(AccessSteps.class, new JdbcAccessSteps(db, out));
            Provisioning provisioning = durable.register(Provisioning.class, directory);
            this.requests = durable.register(AccessRequests.class,
                    new AccessRequestWorkflow(durable, steps, provisioning, approvalTimeout));
            durable.start();
        } catch (RuntimeException e) {
            durable.close();
            throw e;
        }
    }

    /**
     * Starts deciding a request and returns at once; the same ID again returns the same request.
     *
     * @param requestId names the request (its workflow ID)
     * @param request   what is asked for
     * @return a handle to wait for the outcome
     */
    public WorkflowHandle<AccessOutcome> submit(String requestId, AccessRequest request) {
        return durable.startWorkflow(requestId, () -> requests.request(request));
    }

    /**
     * Waits for a request's outcome; works for a request started by an earlier process too.
     *
     * @param requestId the request
     * @param timeout   how long to wait at most
     * @return how it ended
     */
    public AccessOutcome outcome(String requestId, Duration timeout) {
        return durable.<AccessOutcome>retrieve(requestId).result(timeout);
    }

    /**
     * What the approval webhook does: hands an approver's decision to the waiting request. A webhook
     * delivered twice carries the same event ID, and durable keeps only the first.
     *
     * @param requestId      the request
     * @param approver       who answers (names the topic)
     * @param decision       the answer
     * @param webhookEventId the webhook's event ID, used as idempotency key
     */
    public void answer(String requestId, Approver approver, Decision decision, String webhookEventId) {
        durable.send(requestId, approver.topic(), decision, webhookEventId);
    }

    /**
     * Waits until the request has put itself in the approver's inbox.
     *
     * @param requestId the request
     * @param approver  the approver
     * @param timeout   how long to wait at most
     */
    public void awaitAsked(String requestId, Approver approver, Duration timeout) {
        Waiting.until(approver.describe() + " to be asked about " + requestId, timeout,
                () -> db.wasAsked(requestId, approver.title()));
    }

    /** @return the started durable instance */
    public Durable durable() {
        return durable;
    }

    /** @return the {@code access} tables */
    public AccessDatabase database() {
        return db;
    }

    /** @return the simulated external directory (break it to see the compensation) */
    public SimulatedDirectory directory() {
        return directory;
    }

    /** Stops durable; unfinished requests stay waiting in the database and resume at the next start. */
    @Override
    public void close() {
        durable.close();
    }
}
