package io.durable.internal.jdbc;

import io.durable.WorkflowStatus;
import io.durable.internal.store.StartResult;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.StepWrite;
import io.durable.internal.store.WorkflowRow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for the write path: starts, step checkpoints and completions of many workflows, each kind in
 * one statement over arrays ({@code unnest}), so a batch costs one round trip per kind present.
 * Rows that do not land (an ID already taken, a position already recorded, an executor that lost
 * ownership) are told apart afterwards, on that rare path only.
 */
final class CheckpointRepository {
    private final String insertWorkflowsSql;
    private final String insertStepsSql;
    private final String insertStepSql;
    private final String completeSql;
    private final String findWorkflowSql;
    private final String findStepSql;

    CheckpointRepository(String schema) {
        String workflows = schema + ".workflows";
        this.insertWorkflowsSql = "INSERT INTO " + workflows + " (id, name, status, inputs, owner, epoch)"
                + " SELECT v.id, v.name, 'PENDING', v.inputs, v.owner, 1"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS v(id, name, inputs, owner)"
                + " ON CONFLICT (id) DO NOTHING RETURNING id";
        // FOR SHARE makes each ownership check and its insert one atomic step against a concurrent
        // claim: the claim waits for this insert, or this insert sees the claim's new epoch.
        this.insertStepsSql = "INSERT INTO " + schema + ".steps (" + Rows.STEP_COLUMNS + ")"
                + " SELECT v.workflow_id, v.position, v.name, v.status, v.output, v.error, v.attempts,"
                + " timestamptz 'epoch' + v.started_us * interval '1 microsecond',"
                + " timestamptz 'epoch' + v.completed_us * interval '1 microsecond'"
                + " FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[],"
                + " ?::bigint[], ?::text[], ?::bigint[]) AS v(workflow_id, position, name, status, output, error,"
                + " attempts, started_us, completed_us, owner, epoch)"
                + " JOIN " + workflows + " w ON w.id = v.workflow_id AND w.owner = v.owner AND w.epoch = v.epoch"
                + " AND w.status = 'PENDING' FOR SHARE OF w"
                + " ON CONFLICT (workflow_id, position) DO NOTHING RETURNING workflow_id, position";
        this.insertStepSql = "INSERT INTO " + schema + ".steps (" + Rows.STEP_COLUMNS + ")"
                + " SELECT ?, ?, ?, ?, ?, ?, ?, timestamptz 'epoch' + ? * interval '1 microsecond',"
                + " timestamptz 'epoch' + ? * interval '1 microsecond' FROM " + workflows + " w"
                + " WHERE w.id = ? AND w.owner = ? AND w.epoch = ? AND w.status = 'PENDING' FOR SHARE"
                + " ON CONFLICT (workflow_id, position) DO NOTHING";
        this.completeSql = "UPDATE " + workflows + " w SET status = v.status, output = v.output, error = v.error,"
                + " completed_at = now(), updated_at = now()"
                + " FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])"
                + " AS v(id, owner, epoch, status, output, error)"
                + " WHERE w.id = v.id AND w.owner = v.owner AND w.epoch = v.epoch AND w.status = 'PENDING'"
                + " RETURNING w.id";
        this.findWorkflowSql = "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + workflows + " WHERE id = ?";
        this.findStepSql = "SELECT " + Rows.STEP_COLUMNS + " FROM " + schema + ".steps WHERE workflow_id = ? AND position = ?";
    }

    Map<Checkpoint.Start, StartResult> start(Connection c, List<Checkpoint.Start> starts) throws SQLException {
        int n = starts.size();
        String[] ids = new String[n];
        String[] names = new String[n];
        String[] inputs = new String[n];
        String[] owners = new String[n];
        for (int i = 0; i < n; i++) {
            var w = starts.get(i).workflow;
            ids[i] = w.id();
            names[i] = w.name();
            inputs[i] = w.inputs();
            owners[i] = w.owner();
        }
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(insertWorkflowsSql)) {
            bind(c, ps, "text", ids, names, inputs, owners);
            inserted.addAll(Rows.list(ps, rs -> rs.getString(1)));
        }
        Map<Checkpoint.Start, StartResult> results = new IdentityHashMap<>();
        Instant now = Instant.now();
        for (Checkpoint.Start start : starts) {
            var w = start.workflow;
            if (inserted.remove(w.id())) {
                results.put(start, new StartResult(true, new WorkflowRow(w.id(), w.name(), WorkflowStatus.PENDING,
                        w.inputs(), null, null, w.owner(), 1, 0, now, now, null)));
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

    Map<Checkpoint.Step, StepWrite> record(Connection c, List<Checkpoint.Step> steps) throws SQLException {
        if (steps.size() == 1) {
            return recordOne(c, steps.get(0));
        }
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
            started[i] = micros(row.startedAt());
            completed[i] = micros(row.completedAt());
            owners[i] = step.owner;
            epochs[i] = step.epoch;
        }
        Set<String> recorded = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(insertStepsSql)) {
            List<Array> arrays = List.of(c.createArrayOf("text", workflowIds), c.createArrayOf("int4", positions),
                    c.createArrayOf("text", names), c.createArrayOf("text", statuses), c.createArrayOf("text", outputs),
                    c.createArrayOf("text", errors), c.createArrayOf("int4", attempts), c.createArrayOf("int8", started),
                    c.createArrayOf("int8", completed), c.createArrayOf("text", owners), c.createArrayOf("int8", epochs));
            for (int i = 0; i < arrays.size(); i++) {
                ps.setArray(i + 1, arrays.get(i));
            }
            recorded.addAll(Rows.list(ps, rs -> key(rs.getString(1), rs.getInt(2))));
        }
        Map<Checkpoint.Step, StepWrite> results = new IdentityHashMap<>();
        for (Checkpoint.Step step : steps) {
            if (recorded.contains(key(step.row.workflowId(), step.row.position()))) {
                results.put(step, StepWrite.recorded());
            } else {
                StepRow existing = findStep(c, step.row.workflowId(), step.row.position());
                results.put(step, existing != null ? StepWrite.conflict(existing) : StepWrite.fenced());
            }
        }
        return results;
    }

    /** A lone checkpoint (the common case when few workflows run) skips the array encoding. */
    private Map<Checkpoint.Step, StepWrite> recordOne(Connection c, Checkpoint.Step step) throws SQLException {
        StepRow row = step.row;
        boolean recorded;
        try (PreparedStatement ps = c.prepareStatement(insertStepSql)) {
            ps.setString(1, row.workflowId());
            ps.setInt(2, row.position());
            ps.setString(3, row.name());
            ps.setString(4, row.status().name());
            ps.setString(5, row.output());
            ps.setString(6, row.error());
            ps.setInt(7, row.attempts());
            ps.setLong(8, micros(row.startedAt()));
            ps.setLong(9, micros(row.completedAt()));
            ps.setString(10, row.workflowId());
            ps.setString(11, step.owner);
            ps.setLong(12, step.epoch);
            recorded = ps.executeUpdate() == 1;
        }
        StepWrite write = recorded ? StepWrite.recorded() : Optional.ofNullable(findStep(c, row.workflowId(), row.position()))
                .map(StepWrite::conflict).orElse(StepWrite.fenced());
        Map<Checkpoint.Step, StepWrite> result = new IdentityHashMap<>();
        result.put(step, write);
        return result;
    }

    Map<Checkpoint.Complete, Boolean> complete(Connection c, List<Checkpoint.Complete> completions) throws SQLException {
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
        Set<String> written = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(completeSql)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("text", owners));
            ps.setArray(3, c.createArrayOf("int8", epochs));
            ps.setArray(4, c.createArrayOf("text", statuses));
            ps.setArray(5, c.createArrayOf("text", outputs));
            ps.setArray(6, c.createArrayOf("text", errors));
            written.addAll(Rows.list(ps, rs -> rs.getString(1)));
        }
        Map<Checkpoint.Complete, Boolean> results = new IdentityHashMap<>();
        for (Checkpoint.Complete done : completions) {
            results.put(done, written.contains(done.completion.workflowId()));
        }
        return results;
    }

    private static void bind(Connection c, PreparedStatement ps, String type, String[]... columns) throws SQLException {
        for (int i = 0; i < columns.length; i++) {
            ps.setArray(i + 1, c.createArrayOf(type, columns[i]));
        }
    }

    private WorkflowRow findWorkflow(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findWorkflowSql)) {
            ps.setString(1, id);
            return Rows.first(ps, Rows::workflow).orElse(null);
        }
    }

    private StepRow findStep(Connection c, String workflowId, int position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findStepSql)) {
            ps.setString(1, workflowId);
            ps.setInt(2, position);
            return Rows.first(ps, Rows::step).orElse(null);
        }
    }

    private static String key(String workflowId, int position) {
        return position + ":" + workflowId;
    }

    private static Long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    static List<Checkpoint.Start> starts(List<Checkpoint<?>> batch) {
        return ofKind(batch, Checkpoint.Start.class);
    }

    static List<Checkpoint.Step> steps(List<Checkpoint<?>> batch) {
        return ofKind(batch, Checkpoint.Step.class);
    }

    static List<Checkpoint.Complete> completions(List<Checkpoint<?>> batch) {
        return ofKind(batch, Checkpoint.Complete.class);
    }

    private static <T> List<T> ofKind(List<Checkpoint<?>> batch, Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Checkpoint<?> item : batch) {
            if (kind.isInstance(item)) {
                out.add(kind.cast(item));
            }
        }
        return out;
    }
}
