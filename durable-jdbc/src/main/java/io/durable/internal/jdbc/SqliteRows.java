package io.durable.internal.jdbc;

import io.durable.StepStatus;
import io.durable.WorkflowStatus;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.WorkflowRow;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Maps SQLite rows to store records. The column lists are those of {@link Rows}; instants are
 * INTEGER microseconds ({@link SqliteFile#instant}).
 */
final class SqliteRows {
    private SqliteRows() {
    }

    /** Reads {@link Rows#WORKFLOW_COLUMNS} from column 1 on. */
    static WorkflowRow workflow(ResultSet rs) throws SQLException {
        return new WorkflowRow(rs.getString(1), rs.getString(2), WorkflowStatus.valueOf(rs.getString(3)),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getInt(9),
                SqliteFile.instant(rs, 10), SqliteFile.instant(rs, 11), SqliteFile.instant(rs, 12),
                integer(rs, 13), SqliteFile.instant(rs, 14), rs.getString(15), integer(rs, 16),
                SqliteFile.instant(rs, 17), rs.getString(18), integer(rs, 19), rs.getString(20),
                integer(rs, 21), rs.getString(22), rs.getString(23), SqliteFile.instant(rs, 24));
    }

    /** Reads {@link Rows#STEP_ROW_COLUMNS} from column 1 on. */
    static StepRow step(ResultSet rs) throws SQLException {
        return new StepRow(rs.getString(1), rs.getInt(2), rs.getString(3), StepStatus.valueOf(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getInt(7), SqliteFile.instant(rs, 8),
                SqliteFile.instant(rs, 9), rs.getString(10));
    }

    /**
     * Binds the ten {@link Rows#STEP_ROW_COLUMNS} of a journal entry from {@code i} on.
     *
     * @return the next parameter index
     */
    static int bindStep(PreparedStatement ps, int i, StepRow step) throws SQLException {
        i = Rows.bindStep(ps, i, step);
        ps.setLong(i++, Rows.micros(step.completedAt()));
        ps.setString(i++, step.childWorkflowId());
        return i;
    }

    /** Binds an instant as microseconds, or SQL NULL. */
    static void setInstant(PreparedStatement ps, int i, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, Rows.micros(instant));
        }
    }

    /** Binds an Integer, or SQL NULL. */
    static void setInteger(PreparedStatement ps, int i, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, value);
        }
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
