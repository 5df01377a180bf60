package io.durable.internal.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durable.Durable;
import io.durable.WorkflowQuery;
import io.durable.WorkflowStatus;
import io.durable.internal.store.PageCursor;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * EXPLAIN of the exact statements {@link ManagementRepository} issues, on 100,000 analyzed workflow
 * rows: every listing shape is served by indexes, with no sequential scan of workflows and no sort of
 * it. The planner may still sort a few rows that an index condition selected (an ID prefix's range, or
 * the rows of one name and status when that is cheaper than walking them in order), never more than
 * {@value #MAX_SORTED_ROWS} (1% of the table).
 */
@PostgresOnly // PostgreSQL's query plans
@ExtendWith(FreshDatabase.class)
class ManagementPlanTest {
    private static final String SCHEMA = "durable";
    private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SORTED_ROWS = 1_000;

    @BeforeAll
    static void hundredThousandWorkflows(TestDatabase db) {
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password()).executorId("plan")
                .build()) {
            durable.start();
        }
        // Statuses skewed like production (mostly SUCCEEDED), 20 names, 4 executors, every tenth row a
        // child of an earlier one, three rows per second.
        // Every fifth row was enqueued on one of three queues.
        db.execute("INSERT INTO durable.workflows (id, name, status, owner, inputs, output, created_at, completed_at,"
                        + " parent_id, parent_position, queue_name, priority)"
                        + " SELECT 'wf-' || lpad(g::text, 6, '0'), 'flow-' || (g % 20),"
                        + " (ARRAY['SUCCEEDED','SUCCEEDED','SUCCEEDED','SUCCEEDED','SUCCEEDED','SUCCEEDED','FAILED',"
                        + "'PENDING','CANCELLED','TIMED_OUT','DEAD_LETTER'])[1 + g % 11], 'exec-' || (g % 4), '[]',"
                        + " '{\"type\":null,\"value\":null}', timestamptz '2024-01-01' + (g / 3) * interval '1 second',"
                        + " CASE WHEN g % 11 <> 7 THEN timestamptz '2024-01-01' END,"
                        + " CASE WHEN g % 10 = 0 THEN 'wf-' || lpad((g / 10)::text, 6, '0') END,"
                        + " CASE WHEN g % 10 = 0 THEN 1 END,"
                        + " CASE WHEN g % 5 = 0 THEN 'queue-' || (g % 3) END, CASE WHEN g % 5 = 0 THEN 0 END"
                        + " FROM generate_series(1, 100000) g",
                "ANALYZE durable.workflows");
    }

    @Test
    void everyListingShapeIsServedByAnIndexInOrder(TestDatabase db) throws Exception {
        Instant from = BASE.plusSeconds(3_600);
        Instant before = BASE.plusSeconds(7_200);
        Map<String, WorkflowQuery> shapes = new LinkedHashMap<>();
        shapes.put("no filter", WorkflowQuery.all());
        shapes.put("one status", WorkflowQuery.all().status(WorkflowStatus.FAILED));
        shapes.put("a frequent status", WorkflowQuery.all().status(WorkflowStatus.SUCCEEDED));
        shapes.put("several statuses", WorkflowQuery.all().status(WorkflowStatus.CANCELLED, WorkflowStatus.TIMED_OUT,
                WorkflowStatus.DEAD_LETTER));
        shapes.put("name", WorkflowQuery.all().name("flow-3"));
        shapes.put("name and status", WorkflowQuery.all().name("flow-3").status(WorkflowStatus.FAILED));
        shapes.put("name and statuses", WorkflowQuery.all().name("flow-3").status(WorkflowStatus.FAILED,
                WorkflowStatus.PENDING));
        shapes.put("executor", WorkflowQuery.all().executorId("exec-1"));
        shapes.put("parent", WorkflowQuery.all().parentId("wf-000100"));
        shapes.put("parent and status", WorkflowQuery.all().parentId("wf-000100").status(WorkflowStatus.SUCCEEDED));
        shapes.put("queue", WorkflowQuery.all().queue("queue-1"));
        shapes.put("queue and status", WorkflowQuery.all().queue("queue-1").status(WorkflowStatus.FAILED));
        shapes.put("queue and time range", WorkflowQuery.all().queue("queue-2").createdFrom(from)
                .createdBefore(before));
        shapes.put("selective ID prefix", WorkflowQuery.all().idPrefix("wf-0123"));
        shapes.put("broad ID prefix", WorkflowQuery.all().idPrefix("wf-"));
        shapes.put("time range", WorkflowQuery.all().createdFrom(from).createdBefore(before));
        shapes.put("created from", WorkflowQuery.all().createdFrom(from));
        shapes.put("status and time range", WorkflowQuery.all().status(WorkflowStatus.FAILED).createdFrom(from)
                .createdBefore(before));
        shapes.put("name and time range", WorkflowQuery.all().name("flow-3").createdFrom(from).createdBefore(before));
        shapes.put("executor and time range", WorkflowQuery.all().executorId("exec-1").createdFrom(from)
                .createdBefore(before));
        shapes.put("status, name, executor", WorkflowQuery.all().status(WorkflowStatus.PENDING).name("flow-7")
                .executorId("exec-3"));
        String cursor = new PageCursor(BASE.plusSeconds(20_000), "wf-060001").encode();
        List<String> problems = new ArrayList<>();
        try (Connection c = db.connect()) {
            for (Map.Entry<String, WorkflowQuery> shape : shapes.entrySet()) {
                for (WorkflowQuery query : List.of(shape.getValue(), shape.getValue().after(cursor))) {
                    String label = shape.getKey() + (query.cursor().isPresent() ? ", next page" : ", first page");
                    JsonNode plan = explain(c, ManagementRepository.listing(SCHEMA, query));
                    String problem = problem(plan);
                    if (problem != null) {
                        problems.add(label + ": " + problem + "\n" + plan.toPrettyString());
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n\n", problems));
    }

    @Test
    void severalStatusesAreMergedFromOrderedIndexScans(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            JsonNode plan = explain(c, ManagementRepository.listing(SCHEMA,
                    WorkflowQuery.all().status(WorkflowStatus.FAILED, WorkflowStatus.PENDING)));
            assertTrue(nodes(plan).stream().anyMatch(n -> n.path("Node Type").asText().equals("Merge Append")),
                    plan.toPrettyString());
        }
    }

    @Test
    void countsInATimeRangeReadOnlyThatRange(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            JsonNode plan = explain(c, ManagementRepository.counting(SCHEMA, BASE.plusSeconds(3_600),
                    BASE.plusSeconds(7_200)));
            assertFalse(scansWholeTable(plan), plan.toPrettyString());
        }
    }

    @Test
    void checkpointOwnershipProbesStillUseThePrimaryKeyOnAFreshTable(TestDatabase db) throws Exception {
        // V1 keeps indexes starting with status away from the fenced writes; V5's status index must not
        // attract their ownership probe, least of all before the table has statistics.
        try (Durable durable = Durable.builder().jdbcUrl(db.url(), db.user(), db.password()).executorId("plan")
                .schema("fresh").build()) {
            durable.start();
        }
        try (Connection c = db.connect()) {
            for (String schema : List.of("fresh", SCHEMA)) {
                JsonNode plan = explain(c, new ManagementRepository.Statement("SELECT 1 FROM " + schema + ".workflows"
                        + " WHERE id = ? AND owner = ? AND epoch = ? AND status = 'PENDING' FOR SHARE",
                        List.of("wf-000007", "exec-3", 1)));
                List<String> indexes = nodes(plan).stream().map(n -> n.path("Index Name").asText())
                        .filter(s -> !s.isEmpty()).toList();
                assertEquals(List.of("workflows_pkey"), indexes, schema + ": " + plan.toPrettyString());
            }
        }
    }

    /** @return why the plan is not an ordered index walk, or null when it is */
    private static String problem(JsonNode plan) {
        for (JsonNode node : nodes(plan)) {
            String type = node.path("Node Type").asText();
            if (type.equals("Seq Scan")) {
                return "sequential scan of " + node.path("Relation Name").asText();
            }
            if (type.contains("Sort") && (scansWholeTable(node.path("Plans").get(0))
                    || node.path("Plan Rows").asLong() > MAX_SORTED_ROWS)) {
                return type + " of " + node.path("Plan Rows").asLong() + " rows instead of an index delivering"
                        + " (created_at DESC, id DESC)";
            }
        }
        return scansWholeTable(plan) ? "an index scan without any bound" : null;
    }

    /** A scan with neither an index condition nor a limit above it reads the whole table. */
    private static boolean scansWholeTable(JsonNode plan) {
        boolean limited = plan.path("Node Type").asText().equals("Limit");
        for (JsonNode node : nodes(plan)) {
            String type = node.path("Node Type").asText();
            if (type.equals("Seq Scan")) {
                return true;
            }
            if (!limited && type.contains("Index") && !node.has("Index Cond")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode explain(Connection c, ManagementRepository.Statement statement) throws Exception {
        String sql = "EXPLAIN (FORMAT JSON) " + statement.sql();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            statement.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    fail("no plan for " + sql);
                }
                return JSON.readTree(rs.getString(1)).get(0).get("Plan");
            }
        }
    }

    private static List<JsonNode> nodes(JsonNode plan) {
        List<JsonNode> all = new ArrayList<>();
        collect(plan, all);
        return all;
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        for (JsonNode child : node.path("Plans")) {
            collect(child, into);
        }
    }
}
