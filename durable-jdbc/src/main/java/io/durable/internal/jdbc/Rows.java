package io.durable.internal.jdbc;

import io.durable.StepStatus;
import io.durable.WorkflowStatus;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.WorkflowRow;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Maps result rows to store records; the column lists here match the queries that use them. */
final class Rows {
    static final String WORKFLOW_COLUMNS =
            "id, name, status, inputs, output, error, owner, epoch, recovery_attempts, created_at, updated_at, completed_at,"
            + " wait_position, wake_at, parent_id, parent_position, deadline_at, forked_from, fork_position,"
            + " queue_name, priority, partition_key, deduplication_id, dequeued_at";
    /** How many columns {@link #WORKFLOW_COLUMNS} lists; a query may select more after them. */
    static final int WORKFLOW_COLUMN_COUNT = 24;
    static final String STEP_COLUMNS =
            "workflow_id, position, name, status, output, error, attempts, started_at, completed_at";
    /** {@link #STEP_COLUMNS} and the child workflow an entry names: what {@link #step} reads. */
    static final String STEP_ROW_COLUMNS = STEP_COLUMNS + ", child_workflow_id";

    private Rows() {
    }

    /** {@link #WORKFLOW_COLUMNS}, each qualified by {@code alias}, for a query that joins another relation. */
    static String workflowColumns(String alias) {
        return alias + "." + WORKFLOW_COLUMNS.replace(", ", ", " + alias + ".");
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Executes the prepared query and maps every row. */
    static <T> List<T> list(PreparedStatement ps, Mapper<T> mapper) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
        }
        return rows;
    }

    /** Executes the prepared query and maps its first row, if any. */
    static <T> Optional<T> first(PreparedStatement ps, Mapper<T> mapper) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
        }
    }

    static WorkflowRow workflow(ResultSet rs) throws SQLException {
        return new WorkflowRow(rs.getString(1), rs.getString(2), WorkflowStatus.valueOf(rs.getString(3)),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getInt(9),
                instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                (Integer) rs.getObject(13), instant(rs.getTimestamp(14)), rs.getString(15), (Integer) rs.getObject(16),
                instant(rs.getTimestamp(17)), rs.getString(18), (Integer) rs.getObject(19), rs.getString(20),
                (Integer) rs.getObject(21), rs.getString(22), rs.getString(23), instant(rs.getTimestamp(24)));
    }

    static StepRow step(ResultSet rs) throws SQLException {
        return new StepRow(rs.getString(1), rs.getInt(2), rs.getString(3), StepStatus.valueOf(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getInt(7), instant(rs.getTimestamp(8)),
                instant(rs.getTimestamp(9)), rs.getString(10));
    }

    /** The query {@link #findStep} runs: one journal entry by workflow and position. */
    static String findStepSql(String schema) {
        return "SELECT " + STEP_ROW_COLUMNS + " FROM " + schema + ".steps WHERE workflow_id = ? AND position = ?";
    }

    /**
     * The journal entry at a position, read on the rare path where a write met a recorded one.
     *
     * @param sql {@link #findStepSql} for the schema
     */
    static Optional<StepRow> findStep(java.sql.Connection c, String sql, String workflowId, int position)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, workflowId);
            ps.setInt(2, position);
            return first(ps, Rows::step);
        }
    }

    /**
     * Binds a journal entry's columns up to {@code started_at} (as microseconds) from {@code i} on:
     * workflow, position, name, status, output, error, attempts, start.
     *
     * @return the next parameter index
     */
    static int bindStep(PreparedStatement ps, int i, StepRow step) throws SQLException {
        ps.setString(i++, step.workflowId());
        ps.setInt(i++, step.position());
        ps.setString(i++, step.name());
        ps.setString(i++, step.status().name());
        ps.setString(i++, step.output());
        ps.setString(i++, step.error());
        ps.setInt(i++, step.attempts());
        ps.setLong(i++, micros(step.startedAt()));
        return i;
    }

    /** Microseconds since the epoch, how timestamps travel in the batch arrays (no time zone to get wrong). */
    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /** The inverse of {@link #micros}. */
    static Instant instantOfMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
