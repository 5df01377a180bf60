package io.durable.internal.jdbc;

import io.durable.internal.store.StepRow;

import java.sql.PreparedStatement;
import java.util.List;

/** SQL for reading the steps table (the journal); checkpoints are written by {@link CheckpointRepository}. */
final class StepRepository {
    private final Database db;
    private final String journalSql;

    StepRepository(Database db, String schema) {
        this.db = db;
        this.journalSql = "SELECT " + Rows.STEP_ROW_COLUMNS + " FROM " + schema + ".steps WHERE workflow_id = ?"
                + " ORDER BY position";
    }

    List<StepRow> journal(String workflowId) {
        return db.run("load the journal of workflow '" + workflowId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(journalSql)) {
                ps.setString(1, workflowId);
                return Rows.list(ps, Rows::step);
            }
        });
    }
}
