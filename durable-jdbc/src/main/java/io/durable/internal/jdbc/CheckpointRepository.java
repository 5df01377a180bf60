package io.durable.internal.jdbc;

import io.durable.WorkflowStatus;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.WorkflowRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SQL for the write path. A batch of starts, step checkpoints and completions of any number of
 * workflows is written by ONE autocommit statement (one round trip, one commit): each kind present
 * is a data-modifying CTE over arrays ({@code unnest}). Batch members never depend on each other (a
 * workflow's first step waits for its start, its completion for its last step), so the shared
 * snapshot of the CTEs is safe. Rows that do not land (an ID already taken, a position already
 * recorded, an executor that lost ownership) are told apart afterwards, on that rare path only.
 */
final class CheckpointRepository {
    private static final int START = 1;
    private static final int STEP = 2;
    private static final int COMPLETE = 3;

    private final String startsCte;
    private final String stepsCte;
    private final String stepsCteTolerant;
    private final String completionsCte;
    private final String[] batchSql = new String[16];
    private final String insertStepSql;
    private final String insertWorkflowSql;
    private final String completeOneSql;
    private final String findWorkflowSql;
    private final String findStepSql;
    private final String ownedSql;

    CheckpointRepository(String schema) {
        String workflows = schema + ".workflows";
        this.startsCte = "s AS (INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch, deadline_at)"
                + " SELECT v.id, v.name, 'PENDING', v.inputs, v.owner, 1,"
                + " timestamptz 'epoch' + v.deadline_us * interval '1 microsecond'"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])"
                + " AS v(id, name, inputs, owner, deadline_us)"
                + " ON CONFLICT (id) DO NOTHING RETURNING id)";
        // FOR SHARE makes each ownership check and its insert one atomic step against a concurrent
        // claim: the claim waits for this insert, or this insert sees the claim's new epoch. The check
        // is a LATERAL subquery so that it is always a primary-key lookup per row: as a plain join, a
        // table without statistics yet (a fresh one, before autovacuum's first ANALYZE) got a hash
        // join over a sequential scan of every workflow ever run.
        this.stepsCte = "p AS (INSERT INTO " + schema + ".steps (" + Rows.STEP_ROW_COLUMNS + ")"
                + " SELECT v.workflow_id, v.position, v.name, v.status, v.output, v.error, v.attempts,"
                + " timestamptz 'epoch' + v.started_us * interval '1 microsecond',"
                + " timestamptz 'epoch' + v.completed_us * interval '1 microsecond', v.child_workflow_id"
                + " FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[],"
                + " ?::bigint[], ?::text[], ?::bigint[], ?::text[]) AS v(workflow_id, position, name, status, output,"
                + " error, attempts, started_us, completed_us, owner, epoch, child_workflow_id)"
                + " CROSS JOIN LATERAL (SELECT 1 FROM " + workflows + " w WHERE w.id = v.workflow_id"
                + " AND w.owner = v.owner AND w.epoch = v.epoch AND w.status = 'PENDING' FOR SHARE) owned"
                + " RETURNING workflow_id, position)";
        this.stepsCteTolerant = stepsCte.replace(" RETURNING workflow_id, position)",
                " ON CONFLICT (workflow_id, position) DO NOTHING RETURNING workflow_id, position)");
        // An UPDATE joined to the arrays has the same hazard, and its target cannot be joined laterally.
        // So a completion is an upsert whose rows come from the same locking lookup: every row it
        // proposes exists (and is locked), so ON CONFLICT always takes the update path, found through
        // the primary key by the executor itself rather than by a plan.
        this.completionsCte = "c AS (INSERT INTO " + workflows + " AS w (id, name, status, output, error, owner,"
                + " epoch, completed_at, updated_at)"
                + " SELECT v.id, owned.name, v.status, v.output, v.error, v.owner, v.epoch, now(), now()"
                + " FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])"
                + " AS v(id, owner, epoch, status, output, error)"
                + " CROSS JOIN LATERAL (SELECT x.name FROM " + workflows + " x WHERE x.id = v.id"
                + " AND x.owner = v.owner AND x.epoch = v.epoch AND x.status = 'PENDING' FOR UPDATE) owned"
                + " ON CONFLICT (id) DO UPDATE SET status = excluded.status, output = excluded.output,"
                + " error = excluded.error, completed_at = excluded.completed_at, updated_at = excluded.updated_at,"
                + " wait_kind = NULL"
                + " WHERE w.owner = excluded.owner AND w.epoch = excluded.epoch AND w.status = 'PENDING'"
                + " RETURNING w.id)";
        this.insertStepSql = "INSERT INTO " + schema + ".steps (" + Rows.STEP_ROW_COLUMNS + ")"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, timestamptz 'epoch' + ? * interval '1 microsecond',"
                + " timestamptz 'epoch' + ? * interval '1 microsecond', ? FROM " + workflows + " w"
                + " WHERE w.id = ? AND w.owner = ? AND w.epoch = ? AND w.status = 'PENDING' FOR SHARE"
                + " ON CONFLICT (workflow_id, position) DO NOTHING";
        this.insertWorkflowSql = "INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch, deadline_at)"
                + " VALUES (?, ?, 'PENDING', ?, ?, 1, ?) ON CONFLICT (id) DO NOTHING";
        this.completeOneSql = "UPDATE " + workflows + " w SET status = ?, output = ?, error = ?, completed_at = now(),"
                + " updated_at = now(), wait_kind = NULL WHERE w.id = ? AND w.owner = ? AND w.epoch = ? AND w.status = 'PENDING'";
        this.findWorkflowSql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + workflows + " WHERE id = ?";
        this.findStepSql = Rows.findStepSql(schema);
        this.ownedSql = "SELECT 1 FROM " + workflows + " WHERE id = ? AND owner = ? AND epoch = ?";
    }

    /** What one batch produced, delivered to the waiters only after the statement has committed. */
    record Outcomes(Map<Checkpoint.Start, StartResult> starts, Map<Checkpoint.Step, StepWrite> steps,
                    Map<Checkpoint.Complete, Boolean> completions) {
    }

    /** Writes the batch in one statement; the connection must be in autocommit mode. */
    Outcomes write(Connection c, List<Checkpoint.Start> starts, List<Checkpoint.Step> steps,
                   List<Checkpoint.Complete> completions) throws SQLException {
        // Alone, a write skips the array encoding: the common case when few workflows run.
        int total = starts.size() + steps.size() + completions.size();
        if (total == 1 && steps.size() == 1) {
            return new Outcomes(Map.of(), recordOne(c, steps.get(0)), Map.of());
        }
        if (total == 1 && starts.size() == 1) {
            return new Outcomes(startOne(c, starts.get(0)), Map.of(), Map.of());
        }
        if (total == 1 && completions.size() == 1) {
            return new Outcomes(Map.of(), Map.of(), completeOne(c, completions.get(0)));
        }
        try {
            return writeBatch(c, starts, steps, completions, false);
        } catch (SQLException e) {
            if (steps.isEmpty() || !SqlFailures.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            // A position already recorded: rare (a replay racing a write), so only then pay for the
            // conflict check on every row. The failed statement changed nothing.
            return writeBatch(c, starts, steps, completions, true);
        }
    }

    private Outcomes writeBatch(Connection c, List<Checkpoint.Start> starts, List<Checkpoint.Step> steps,
                                List<Checkpoint.Complete> completions, boolean tolerant) throws SQLException {
        Set<String> startedIds = new HashSet<>();
        Set<String> recordedSteps = new HashSet<>();
        Set<String> completedIds = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(batchSql(!starts.isEmpty(), !steps.isEmpty(),
                !completions.isEmpty(), tolerant))) {
            int index = 1;
            if (!starts.isEmpty()) {
                index = bindStarts(c, ps, index, starts);
            }
            if (!steps.isEmpty()) {
                index = bindSteps(c, ps, index, steps);
            }
            if (!completions.isEmpty()) {
                bindCompletions(c, ps, index, completions);
            }
            for (Object[] row : Rows.list(ps, rs -> new Object[] {rs.getInt(1), rs.getString(2), rs.getInt(3)})) {
                int kind = (Integer) row[0];
                String id = (String) row[1];
                if (kind == START) {
                    startedIds.add(id);
                } else if (kind == STEP) {
                    recordedSteps.add(key(id, (Integer) row[2]));
                } else {
                    completedIds.add(id);
                }
            }
        }
        return new Outcomes(startOutcomes(c, starts, startedIds), stepOutcomes(c, steps, recordedSteps),
                completionOutcomes(completions, completedIds));
    }

    private String batchSql(boolean withStarts, boolean withSteps, boolean withCompletions, boolean tolerant) {
        int shape = (tolerant ? 8 : 0) | (withStarts ? 4 : 0) | (withSteps ? 2 : 0) | (withCompletions ? 1 : 0);
        String sql = batchSql[shape];
        if (sql == null) {
            List<String> ctes = new ArrayList<>();
            List<String> selects = new ArrayList<>();
            if (withStarts) {
                ctes.add(startsCte);
                selects.add("SELECT " + START + ", id, 0 FROM s");
            }
            if (withSteps) {
                ctes.add(tolerant ? stepsCteTolerant : stepsCte);
                selects.add("SELECT " + STEP + ", workflow_id, position FROM p");
            }
            if (withCompletions) {
                ctes.add(completionsCte);
                selects.add("SELECT " + COMPLETE + ", id, 0 FROM c");
            }
            sql = "WITH " + String.join(", ", ctes) + " " + String.join(" UNION ALL ", selects);
            batchSql[shape] = sql;
        }
        return sql;
    }

    private static int bindStarts(Connection c, PreparedStatement ps, int index, List<Checkpoint.Start> starts)
            throws SQLException {
        int n = starts.size();
        String[] ids = new String[n];
        String[] names = new String[n];
        String[] inputs = new String[n];
        String[] owners = new String[n];
        Long[] deadlines = new Long[n];
        for (int i = 0; i < n; i++) {
            var w = starts.get(i).workflow;
            ids[i] = w.id();
            names[i] = w.name();
            inputs[i] = w.inputs();
            owners[i] = w.owner();
            deadlines[i] = w.deadlineAt() == null ? null : Rows.micros(w.deadlineAt());
        }
        ps.setArray(index++, c.createArrayOf("text", ids));
        ps.setArray(index++, c.createArrayOf("text", names));
        ps.setArray(index++, c.createArrayOf("text", inputs));
        ps.setArray(index++, c.createArrayOf("text", owners));
        ps.setArray(index++, c.createArrayOf("int8", deadlines));
        return index;
    }

    private static int bindSteps(Connection c, PreparedStatement ps, int index, List<Checkpoint.Step> steps)
            throws SQLException {
        int n = steps.size();
        String[] workflowIds = new String[n];
        Integer[] positions = new Integer[n];
        String[] names = new String[n];
        String[] statuses = new String[n];
        String[] outputs = new String[n];
        String[] errors = new String[n];
        Integer[] attempts = new Integer[n];
        Long[] started = new Long[n];
        Long[] completed = new Long[n];
        String[] owners = new String[n];
        Long[] epochs = new Long[n];
        String[] children = new String[n];
        for (int i = 0; i < n; i++) {
            Checkpoint.Step step = steps.get(i);
            StepRow row = step.row;
            workflowIds[i] = row.workflowId();
            positions[i] = row.position();
            names[i] = row.name();
            statuses[i] = row.status().name();
            outputs[i] = row.output();
            errors[i] = row.error();
            attempts[i] = row.attempts();
            started[i] = Rows.micros(row.startedAt());
            completed[i] = Rows.micros(row.completedAt());
            owners[i] = step.owner;
            epochs[i] = step.epoch;
            children[i] = row.childWorkflowId();
        }
        ps.setArray(index++, c.createArrayOf("text", workflowIds));
        ps.setArray(index++, c.createArrayOf("int4", positions));
        ps.setArray(index++, c.createArrayOf("text", names));
        ps.setArray(index++, c.createArrayOf("text", statuses));
        ps.setArray(index++, c.createArrayOf("text", outputs));
        ps.setArray(index++, c.createArrayOf("text", errors));
        ps.setArray(index++, c.createArrayOf("int4", attempts));
        ps.setArray(index++, c.createArrayOf("int8", started));
        ps.setArray(index++, c.createArrayOf("int8", completed));
        ps.setArray(index++, c.createArrayOf("text", owners));
        ps.setArray(index++, c.createArrayOf("int8", epochs));
        ps.setArray(index++, c.createArrayOf("text", children));
        return index;
    }

    private static void bindCompletions(Connection c, PreparedStatement ps, int index,
                                        List<Checkpoint.Complete> completions) throws SQLException {
        int n = completions.size();
        String[] ids = new String[n];
        String[] owners = new String[n];
        Long[] epochs = new Long[n];
        String[] statuses = new String[n];
        String[] outputs = new String[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            var done = completions.get(i).completion;
            ids[i] = done.workflowId();
            owners[i] = done.owner();
            epochs[i] = done.epoch();
            statuses[i] = done.status().name();
            outputs[i] = done.output();
            errors[i] = done.error();
        }
        ps.setArray(index++, c.createArrayOf("text", ids));
        ps.setArray(index++, c.createArrayOf("text", owners));
        ps.setArray(index++, c.createArrayOf("int8", epochs));
        ps.setArray(index++, c.createArrayOf("text", statuses));
        ps.setArray(index++, c.createArrayOf("text", outputs));
        ps.setArray(index, c.createArrayOf("text", errors));
    }

    private Map<Checkpoint.Start, StartResult> startOne(Connection c, Checkpoint.Start start) throws SQLException {
        var w = start.workflow;
        boolean inserted;
        try (PreparedStatement ps = c.prepareStatement(insertWorkflowSql)) {
            ps.setString(1, w.id());
            ps.setString(2, w.name());
            ps.setString(3, w.inputs());
            ps.setString(4, w.owner());
            ps.setTimestamp(5, Rows.timestamp(w.deadlineAt()));
            inserted = ps.executeUpdate() == 1;
        }
        return startOutcomes(c, List.of(start), inserted ? new HashSet<>(Set.of(w.id())) : new HashSet<>());
    }

    private Map<Checkpoint.Complete, Boolean> completeOne(Connection c, Checkpoint.Complete complete)
            throws SQLException {
        var done = complete.completion;
        boolean written;
        try (PreparedStatement ps = c.prepareStatement(completeOneSql)) {
            ps.setString(1, done.status().name());
            ps.setString(2, done.output());
            ps.setString(3, done.error());
            ps.setString(4, done.workflowId());
            ps.setString(5, done.owner());
            ps.setLong(6, done.epoch());
            written = ps.executeUpdate() == 1;
        }
        return completionOutcomes(List.of(complete), written ? Set.of(done.workflowId()) : Set.of());
    }

    /** A lone step skips the array encoding. */
    private Map<Checkpoint.Step, StepWrite> recordOne(Connection c, Checkpoint.Step step) throws SQLException {
        StepRow row = step.row;
        boolean recorded = insertStep(c, row, step.owner, step.epoch);
        return stepOutcomes(c, List.of(step), recorded ? Set.of(key(row.workflowId(), row.position())) : Set.of());
    }

    /**
     * One step, inserted only while {@code owner} holds the PENDING workflow at {@code epoch} and the
     * position is free; the connection's transaction (autocommit or the application's) decides when
     * it commits.
     *
     * @return true when the row was inserted
     */
    boolean insertStep(Connection c, StepRow row, String owner, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertStepSql)) {
            ps.setString(1, row.workflowId());
            ps.setInt(2, row.position());
            ps.setString(3, row.name());
            ps.setString(4, row.status().name());
            ps.setString(5, row.output());
            ps.setString(6, row.error());
            ps.setInt(7, row.attempts());
            ps.setLong(8, Rows.micros(row.startedAt()));
            ps.setLong(9, Rows.micros(row.completedAt()));
            ps.setString(10, row.childWorkflowId());
            ps.setString(11, row.workflowId());
            ps.setString(12, owner);
            ps.setLong(13, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    private Map<Checkpoint.Start, StartResult> startOutcomes(Connection c, List<Checkpoint.Start> starts,
                                                            Set<String> inserted) throws SQLException {
        Map<Checkpoint.Start, StartResult> results = new IdentityHashMap<>();
        Instant now = Instant.now();
        for (Checkpoint.Start start : starts) {
            var w = start.workflow;
            if (inserted.remove(w.id())) {
                results.put(start, new StartResult(true, new WorkflowRow(w.id(), w.name(), WorkflowStatus.PENDING,
                        w.inputs(), null, null, w.owner(), 1, 0, now, now, null, null, null, null, null, w.deadlineAt(), null,
                        null, null, null, null, null, null)));
            } else {
                WorkflowRow existing = findWorkflow(c, w.id());
                if (existing == null) {
                    throw new SQLException("workflow '" + w.id() + "' conflicted but cannot be read", "40001");
                }
                results.put(start, new StartResult(false, existing));
            }
        }
        return results;
    }

    private Map<Checkpoint.Step, StepWrite> stepOutcomes(Connection c, List<Checkpoint.Step> steps,
                                                        Set<String> recorded) throws SQLException {
        Map<Checkpoint.Step, StepWrite> results = new IdentityHashMap<>();
        for (Checkpoint.Step step : steps) {
            if (recorded.contains(key(step.row.workflowId(), step.row.position()))) {
                results.put(step, StepWrite.recorded());
            } else {
                StepRow existing = Rows.findStep(c, findStepSql, step.row.workflowId(), step.row.position()).orElse(null);
                // A stale executor must not replay what the new owner recorded and run on: fenced first.
                results.put(step, existing != null && stillOwned(c, step) ? StepWrite.conflict(existing)
                        : StepWrite.fenced());
            }
        }
        return results;
    }

    private static Map<Checkpoint.Complete, Boolean> completionOutcomes(List<Checkpoint.Complete> completions,
                                                                        Set<String> written) {
        Map<Checkpoint.Complete, Boolean> results = new IdentityHashMap<>();
        for (Checkpoint.Complete done : completions) {
            results.put(done, written.contains(done.completion.workflowId()));
        }
        return results;
    }

    private boolean stillOwned(Connection c, Checkpoint.Step step) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ownedSql)) {
            ps.setString(1, step.row.workflowId());
            ps.setString(2, step.owner);
            ps.setLong(3, step.epoch);
            return Rows.first(ps, rs -> true).isPresent();
        }
    }

    private WorkflowRow findWorkflow(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findWorkflowSql)) {
            ps.setString(1, id);
            return Rows.first(ps, Rows::workflow).orElse(null);
        }
    }


    private static String key(String workflowId, int position) {
        return position + ":" + workflowId;
    }

}
