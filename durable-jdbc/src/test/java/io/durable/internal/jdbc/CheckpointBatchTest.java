package io.durable.internal.jdbc;

import io.durable.Durable;
import io.durable.StepStatus;
import io.durable.WorkflowStatus;
import io.durable.internal.store.Completion;
import io.durable.internal.store.NewWorkflow;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One group-commit statement holding rows that land and rows that must not: every row gets its own
 * outcome, and a refused row never fails the others.
 */
@PostgresOnly // PostgreSQL's batched checkpoint SQL
@ExtendWith(FreshDatabase.class)
class CheckpointBatchTest {
    private static final String OWNER = "batch-owner";
    private final CheckpointRepository repository = new CheckpointRepository("durable");

    @BeforeAll
    static void migrate(TestDatabase db) {
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password())
                .executorId(OWNER).build()) {
            durable.start();
        }
        db.execute(
                "INSERT INTO durable.workflows (id, name, status, owner, epoch) VALUES"
                        + " ('mine', 'flow', 'PENDING', '" + OWNER + "', 1),"
                        + " ('mine-2', 'flow', 'PENDING', '" + OWNER + "', 1),"
                        + " ('taken', 'flow', 'PENDING', 'other-executor', 2),"
                        + " ('bumped', 'flow', 'PENDING', '" + OWNER + "', 3),"
                        + " ('finished', 'flow', 'SUCCEEDED', '" + OWNER + "', 1),"
                        + " ('existing', 'flow', 'PENDING', 'other-executor', 1)",
                "INSERT INTO durable.steps (workflow_id, position, name, status, output, attempts, started_at,"
                        + " completed_at) VALUES ('mine', 2, 'recorded-first', 'SUCCEEDED', '\"first\"', 1, now(), now())");
    }

    @Test
    void everyRowOfAMixedBatchGetsItsOwnOutcome(TestDatabase db) throws Exception {
        var freshStart = new Checkpoint.Start(new NewWorkflow("fresh", "flow", null, OWNER));
        var takenStart = new Checkpoint.Start(new NewWorkflow("existing", "flow", null, OWNER));
        var landing = step("mine", 1, "lands");
        var conflicting = step("mine", 2, "loses");
        var notOwned = step("taken", 1, "not-mine");
        var staleEpoch = step("bumped", 1, "stale");
        var afterFinish = step("finished", 1, "too-late");
        var completes = complete("mine-2", 1);
        var completesTaken = complete("taken", 1);
        var completesFinished = complete("finished", 1);

        CheckpointRepository.Outcomes outcomes;
        try (Connection c = db.connect()) {
            outcomes = repository.write(c, List.of(freshStart, takenStart),
                    List.of(landing, conflicting, notOwned, staleEpoch, afterFinish),
                    List.of(completes, completesTaken, completesFinished));
        }

        StartResult fresh = outcomes.starts().get(freshStart);
        assertTrue(fresh.inserted());
        StartResult existing = outcomes.starts().get(takenStart);
        assertFalse(existing.inserted());
        assertEquals("other-executor", existing.row().owner());

        assertEquals(StepWrite.Kind.RECORDED, outcomes.steps().get(landing).kind());
        StepWrite lost = outcomes.steps().get(conflicting);
        assertEquals(StepWrite.Kind.CONFLICT, lost.kind());
        assertEquals("recorded-first", lost.existing().name());
        assertEquals("\"first\"", lost.existing().output());
        assertEquals(StepWrite.Kind.FENCED, outcomes.steps().get(notOwned).kind());
        assertEquals(StepWrite.Kind.FENCED, outcomes.steps().get(staleEpoch).kind());
        assertEquals(StepWrite.Kind.FENCED, outcomes.steps().get(afterFinish).kind());

        assertTrue(outcomes.completions().get(completes));
        assertFalse(outcomes.completions().get(completesTaken));
        assertFalse(outcomes.completions().get(completesFinished));

        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'fresh'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'mine' AND position = 1"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id = 'mine'"
                + " AND position = 2 AND name = 'recorded-first'"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM durable.steps"
                + " WHERE workflow_id IN ('taken', 'bumped', 'finished')"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'mine-2'"
                + " AND status = 'SUCCEEDED' AND output = '\"done\"' AND completed_at IS NOT NULL"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'taken'"
                + " AND status = 'PENDING' AND completed_at IS NULL"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'finished'"
                + " AND output IS NULL"));
    }

    @Test
    void completingAWorkflowThatIsGoneInsertsNothing(TestDatabase db) throws Exception {
        var ghost = complete("never-existed", 1);
        var real = complete("ghost-neighbour", 1);
        db.execute("INSERT INTO durable.workflows (id, name, status, owner, epoch)"
                + " VALUES ('ghost-neighbour', 'flow', 'PENDING', '" + OWNER + "', 1)");
        CheckpointRepository.Outcomes outcomes;
        try (Connection c = db.connect()) {
            outcomes = repository.write(c, List.of(), List.of(), List.of(ghost, real));
        }
        assertFalse(outcomes.completions().get(ghost));
        assertTrue(outcomes.completions().get(real));
        assertEquals(0, db.queryLong("SELECT count(*) FROM durable.workflows WHERE id = 'never-existed'"));
    }

    @Test
    void aLargeBatchLandsInOneStatement(TestDatabase db) throws Exception {
        List<Checkpoint.Start> starts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            starts.add(new Checkpoint.Start(new NewWorkflow("bulk-" + i, "flow", "[" + i + "]", OWNER)));
        }
        try (Connection c = db.connect()) {
            var outcomes = repository.write(c, starts, List.of(), List.of());
            assertTrue(outcomes.starts().values().stream().allMatch(StartResult::inserted));
            List<Checkpoint.Step> steps = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                steps.add(step("bulk-" + i, 1, "only"));
            }
            var recorded = repository.write(c, List.of(), steps, List.of());
            assertTrue(recorded.steps().values().stream().allMatch(w -> w.kind() == StepWrite.Kind.RECORDED));
        }
        assertEquals(300, db.queryLong("SELECT count(*) FROM durable.steps WHERE workflow_id LIKE 'bulk-%'"));
    }

    private static Checkpoint.Step step(String workflowId, int position, String name) {
        Instant now = Instant.now();
        StepRow row = new StepRow(workflowId, position, name, StepStatus.SUCCEEDED, "\"" + name + "\"", null, 1, now, now);
        long epoch = workflowId.equals("bumped") ? 1 : workflowId.equals("taken") ? 2 : 1;
        return new Checkpoint.Step(row, OWNER, epoch);
    }

    private static Checkpoint.Complete complete(String workflowId, long epoch) {
        return new Checkpoint.Complete(new Completion(workflowId, OWNER, epoch, WorkflowStatus.SUCCEEDED, "\"done\"", null));
    }
}
