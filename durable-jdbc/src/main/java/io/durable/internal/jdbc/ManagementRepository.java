package io.durable.internal.jdbc;

import io.durable.WorkflowCount;
import io.durable.WorkflowQuery;
import io.durable.WorkflowStatus;
import io.durable.internal.store.IdPrefix;
import io.durable.internal.store.PageCursor;
import io.durable.internal.store.WorkflowRow;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for the management API: listing workflows (filtered, newest first, keyset-paged) and counting
 * them by name and status. The indexes each listing relies on are in {@code V5__management_indexes.sql}.
 */
final class ManagementRepository {
    private static final String ORDER = " ORDER BY created_at DESC, id DESC";
    /**
     * The status indexes of V5 carry the "C" collation so that only this condition matches them: the
     * checkpoint writes' {@code status = 'PENDING'} (default collation) cannot be planned on them.
     */
    private static final String STATUS_EQUALS = "status COLLATE \"C\" = ?";

    private final Database db;
    private final String schema;

    ManagementRepository(Database db, String schema) {
        this.db = db;
        this.schema = schema;
    }

    /** A statement and its bind values; tests EXPLAIN exactly what the repository runs. */
    record Statement(String sql, List<Object> binds) {
        void bind(PreparedStatement ps) throws SQLException {
            for (int i = 0; i < binds.size(); i++) {
                Object value = binds.get(i);
                if (value instanceof Timestamp t) {
                    ps.setTimestamp(i + 1, t);
                } else if (value instanceof Integer n) {
                    ps.setInt(i + 1, n);
                } else {
                    ps.setString(i + 1, (String) value);
                }
            }
        }
    }

    List<WorkflowRow> list(WorkflowQuery query) {
        Statement statement = listing(schema, query);
        return db.run("list workflows (" + query + ")", c -> {
            try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
                statement.bind(ps);
                return Rows.list(ps, Rows::workflow);
            }
        });
    }

    List<WorkflowCount> counts(Instant createdFrom, Instant createdBefore) {
        Statement statement = counting(schema, createdFrom, createdBefore);
        return db.run("count workflows by name and status", c -> {
            try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
                statement.bind(ps);
                return Rows.list(ps, rs -> new WorkflowCount(rs.getString(1), WorkflowStatus.valueOf(rs.getString(2)),
                        rs.getLong(3)));
            }
        });
    }

    /**
     * The listing statement: up to {@code limit + 1} rows, so the caller sees whether another page
     * follows. Several statuses, or a name without status, become one ordered branch per status merged
     * by {@code UNION ALL}, each served by an index that starts with the status.
     */
    static Statement listing(String schema, WorkflowQuery query) {
        List<String> conditions = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        query.name().ifPresent(name -> add(conditions, binds, "name = ?", name));
        query.idPrefix().ifPresent(prefix -> {
            add(conditions, binds, "id >= ?", prefix);
            IdPrefix.upperBound(prefix).ifPresent(upper -> add(conditions, binds, "id < ?", upper));
            add(conditions, binds, "id LIKE ? ESCAPE '\\'", IdPrefix.likePattern(prefix));
        });
        query.createdFrom().ifPresent(from -> add(conditions, binds, "created_at >= ?", Timestamp.from(from)));
        query.createdBefore().ifPresent(before -> add(conditions, binds, "created_at < ?", Timestamp.from(before)));
        query.executorId().ifPresent(owner -> add(conditions, binds, "owner = ?", owner));
        query.parentId().ifPresent(parent -> add(conditions, binds, "parent_id = ?", parent));
        query.queue().ifPresent(queue -> add(conditions, binds, "queue_name = ?", queue));
        query.cursor().map(PageCursor::decode).ifPresent(cursor -> {
            conditions.add("(created_at, id) < (?, ?)");
            binds.add(Timestamp.from(cursor.createdAt()));
            binds.add(cursor.id());
        });
        int fetch = query.limit() + 1;
        String table = schema + ".workflows";
        List<WorkflowStatus> branches = statusBranches(query);
        if (branches.size() <= 1) {
            List<Object> all = new ArrayList<>();
            List<String> where = new ArrayList<>();
            branches.forEach(status -> add(where, all, STATUS_EQUALS, status.name()));
            where.addAll(conditions);
            all.addAll(binds);
            all.add(fetch);
            return new Statement(select(table, where) + ORDER + " LIMIT ?", all);
        }
        List<Object> all = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (WorkflowStatus status : branches) {
            List<String> where = new ArrayList<>();
            add(where, all, STATUS_EQUALS, status.name());
            where.addAll(conditions);
            all.addAll(binds);
            all.add(fetch);
            parts.add("(" + select(table, where) + ORDER + " LIMIT ?)");
        }
        all.add(fetch);
        return new Statement("SELECT " + Rows.WORKFLOW_COLUMNS + " FROM (" + String.join(" UNION ALL ", parts)
                + ") w" + ORDER + " LIMIT ?", all);
    }

    /** Counts by name and status in one GROUP BY; with a time range it reads only that range's rows. */
    static Statement counting(String schema, Instant createdFrom, Instant createdBefore) {
        List<String> conditions = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        Optional.ofNullable(createdFrom).ifPresent(from -> add(conditions, binds, "created_at >= ?",
                Timestamp.from(from)));
        Optional.ofNullable(createdBefore).ifPresent(before -> add(conditions, binds, "created_at < ?",
                Timestamp.from(before)));
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        return new Statement("SELECT name, status, count(*) FROM " + schema + ".workflows" + where
                + " GROUP BY name, status ORDER BY name, status", binds);
    }

    private static List<WorkflowStatus> statusBranches(WorkflowQuery query) {
        Set<WorkflowStatus> statuses = query.statuses();
        if (statuses.isEmpty() && query.name().isPresent()) {
            statuses = EnumSet.allOf(WorkflowStatus.class); // workflows_by_name_status starts (name, status)
        }
        return List.copyOf(statuses);
    }

    private static String select(String table, List<String> where) {
        return "SELECT " + Rows.WORKFLOW_COLUMNS + " FROM " + table
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
    }

    private static void add(List<String> conditions, List<Object> binds, String condition, Object value) {
        conditions.add(condition);
        binds.add(value);
    }
}
