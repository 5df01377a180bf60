package io.durable.jdbc;

import io.durable.Durable;
import io.durable.StepInfo;
import io.durable.StepStatus;
import io.durable.Workflow;
import io.durable.WorkflowCount;
import io.durable.WorkflowInfo;
import io.durable.WorkflowPage;
import io.durable.WorkflowQuery;
import io.durable.WorkflowStatus;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The management API on a fixture of workflow rows: every filter and their combinations against the
 * same selection done in Java, paging through every page, cursor and limit validation, counts, the
 * journal's fields and the V4 columns in {@link WorkflowInfo}.
 */
@ExtendWith(FreshDatabase.class)
class ManagementTest {
    private static final Instant BASE = Instant.parse("2024-03-01T00:00:00Z");
    private static final String[] STATUSES = {"SUCCEEDED", "SUCCEEDED", "FAILED", "PENDING", "CANCELLED",
            "TIMED_OUT", "DEAD_LETTER"};

    /** What the fixture row holds, read back with a plain query, to select expected rows in Java. */
    record Row(String id, String name, WorkflowStatus status, String owner, String parentId, Instant createdAt) {
    }

    public interface Journaled {
        String run(String input);
    }

    public static final class JournaledImpl implements Journaled {
        private final Durable durable;

        JournaledImpl(Durable durable) {
            this.durable = durable;
        }

        @Workflow(name = "journaled")
        public String run(String input) {
            String upper = durable.step("upper", () -> input.toUpperCase());
            try {
                durable.step("fail", () -> {
                    throw new IllegalStateException("no " + upper);
                });
            } catch (IllegalStateException expected) {
                // recorded as a FAILED step
            }
            return upper;
        }
    }

    private static Durable durable;
    private static Journaled journaled;
    private static List<Row> rows;

    @BeforeAll
    static void fixture(TestDatabase db) throws Exception {
        durable = Durables.builder(db, "mgmt-test").build();
        journaled = durable.register(Journaled.class, new JournaledImpl(durable));
        durable.start();
        if (db.isSqlite()) {
            insertFixtureIntoSqlite(db);
        } else {
            StringBuilder statuses = new StringBuilder("ARRAY[");
            for (int i = 0; i < STATUSES.length; i++) {
                statuses.append(i == 0 ? "" : ",").append('\'').append(STATUSES[i]).append('\'');
            }
            statuses.append(']');
            // 150 rows, two per second (ties on created_at are ordered by id), three names, three owners,
            // every fifth a child of 'm-000'; plus IDs holding LIKE's wildcards.
            db.execute("INSERT INTO durable.workflows (id, name, status, owner, inputs, output, created_at, parent_id)"
                            + " SELECT 'm-' || lpad(g::text, 3, '0'), 'flow-' || (g % 3), (" + statuses + ")[1 + g % "
                            + STATUSES.length + "], 'exec-' || (g % 3), '[]', NULL,"
                            + " timestamptz '2024-03-01' + (g / 2) * interval '1 second',"
                            + " CASE WHEN g % 5 = 0 THEN 'm-000' END FROM generate_series(0, 149) g",
                    "INSERT INTO durable.workflows (id, name, status, owner, inputs, created_at) VALUES"
                            + " ('p_x%1', 'flow-0', 'PENDING', 'exec-0', '[]', timestamptz '2024-02-01'),"
                            + " ('p_xa', 'flow-0', 'PENDING', 'exec-0', '[]', timestamptz '2024-02-01'),"
                            + " ('pax', 'flow-0', 'PENDING', 'exec-0', '[]', timestamptz '2024-02-01')");
        }
        rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(db.dialect("SELECT id, name, status, owner, parent_id, created_at FROM durable.workflows"))) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2), WorkflowStatus.valueOf(rs.getString(3)),
                        rs.getString(4), rs.getString(5), db.instant(rs, 6)));
            }
        }
    }

    /** The same rows as the PostgreSQL fixture, in SQLite's SQL: instants as epoch microseconds. */
    private static void insertFixtureIntoSqlite(TestDatabase db) {
        StringBuilder status = new StringBuilder("CASE g % " + STATUSES.length);
        for (int i = 0; i < STATUSES.length; i++) {
            status.append(" WHEN ").append(i).append(" THEN '").append(STATUSES[i]).append('\'');
        }
        status.append(" END");
        long march = java.time.Instant.parse("2024-03-01T00:00:00Z").getEpochSecond() * 1_000_000L;
        long february = java.time.Instant.parse("2024-02-01T00:00:00Z").getEpochSecond() * 1_000_000L;
        db.execute("WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < 149)"
                        + " INSERT INTO durable.workflows (id, name, status, owner, inputs, output, created_at, updated_at,"
                        + " parent_id) SELECT 'm-' || printf('%03d', g), 'flow-' || (g % 3), " + status + ","
                        + " 'exec-' || (g % 3), '[]', NULL, " + march + " + (g / 2) * 1000000, " + march
                        + " + (g / 2) * 1000000, CASE WHEN g % 5 = 0 THEN 'm-000' END FROM s",
                "INSERT INTO durable.workflows (id, name, status, owner, inputs, created_at, updated_at) VALUES"
                        + " ('p_x%1', 'flow-0', 'PENDING', 'exec-0', '[]', " + february + ", " + february + "),"
                        + " ('p_xa', 'flow-0', 'PENDING', 'exec-0', '[]', " + february + ", " + february + "),"
                        + " ('pax', 'flow-0', 'PENDING', 'exec-0', '[]', " + february + ", " + february + ")");
    }

    @AfterAll
    static void close() {
        durable.close();
    }

    @Test
    void everyFilterSelectsWhatItSays() {
        check(WorkflowQuery.all(), r -> true);
        check(WorkflowQuery.all().status(WorkflowStatus.FAILED), r -> r.status() == WorkflowStatus.FAILED);
        check(WorkflowQuery.all().status(WorkflowStatus.CANCELLED, WorkflowStatus.TIMED_OUT, WorkflowStatus.DEAD_LETTER),
                r -> Set.of(WorkflowStatus.CANCELLED, WorkflowStatus.TIMED_OUT, WorkflowStatus.DEAD_LETTER)
                        .contains(r.status()));
        check(WorkflowQuery.all().name("flow-1"), r -> r.name().equals("flow-1"));
        check(WorkflowQuery.all().name("flow-1").status(WorkflowStatus.SUCCEEDED),
                r -> r.name().equals("flow-1") && r.status() == WorkflowStatus.SUCCEEDED);
        check(WorkflowQuery.all().executorId("exec-2"), r -> r.owner().equals("exec-2"));
        check(WorkflowQuery.all().parentId("m-000"), r -> "m-000".equals(r.parentId()));
        Instant from = BASE.plusSeconds(10);
        Instant before = BASE.plusSeconds(40);
        check(WorkflowQuery.all().createdFrom(from), r -> !r.createdAt().isBefore(from));
        check(WorkflowQuery.all().createdBefore(before), r -> r.createdAt().isBefore(before));
        check(WorkflowQuery.all().createdFrom(from).createdBefore(before),
                r -> !r.createdAt().isBefore(from) && r.createdAt().isBefore(before));
        check(WorkflowQuery.all().idPrefix("m-01"), r -> r.id().startsWith("m-01"));
    }

    @Test
    void idPrefixTakesWildcardsLiterally() {
        check(WorkflowQuery.all().idPrefix("p_x"), r -> r.id().startsWith("p_x"));
        check(WorkflowQuery.all().idPrefix("p_x%"), r -> r.id().startsWith("p_x%"));
        assertEquals(List.of("p_xa", "p_x%1"), ids(durable.listWorkflows(WorkflowQuery.all().idPrefix("p_x"))));
        assertEquals(0, durable.listWorkflows(WorkflowQuery.all().idPrefix("nothing-")).items().size());
    }

    @Test
    void filtersCombine() {
        Instant from = BASE.plusSeconds(5);
        check(WorkflowQuery.all().status(WorkflowStatus.SUCCEEDED, WorkflowStatus.FAILED).name("flow-2")
                        .executorId("exec-2").createdFrom(from),
                r -> (r.status() == WorkflowStatus.SUCCEEDED || r.status() == WorkflowStatus.FAILED)
                        && r.name().equals("flow-2") && r.owner().equals("exec-2") && !r.createdAt().isBefore(from));
        check(WorkflowQuery.all().parentId("m-000").status(WorkflowStatus.SUCCEEDED).idPrefix("m-1"),
                r -> "m-000".equals(r.parentId()) && r.status() == WorkflowStatus.SUCCEEDED && r.id().startsWith("m-1"));
    }

    @Test
    void pagingReturnsEveryRowOnceInOrder() {
        for (WorkflowQuery query : List.of(WorkflowQuery.all(), WorkflowQuery.all().name("flow-0"),
                WorkflowQuery.all().status(WorkflowStatus.SUCCEEDED, WorkflowStatus.PENDING))) {
            for (int limit : new int[] {1, 7, 50}) {
                List<String> seen = new ArrayList<>();
                WorkflowQuery page = query.limit(limit);
                int pages = 0;
                while (true) {
                    WorkflowPage result = durable.listWorkflows(page);
                    assertTrue(result.items().size() <= limit);
                    seen.addAll(ids(result));
                    pages++;
                    if (!result.hasMore()) {
                        break;
                    }
                    assertEquals(limit, result.items().size(), "only the last page may be short");
                    page = page.after(result.nextCursor().orElseThrow());
                }
                List<String> expected = expected(durable.listWorkflows(query.limit(WorkflowQuery.MAX_LIMIT)));
                assertEquals(expected, seen, query + " in pages of " + limit);
                assertEquals(seen.size(), new HashSet<>(seen).size(), "no row twice");
                assertEquals((expected.size() + limit - 1) / limit, pages, "no empty last page");
            }
        }
    }

    @Test
    void aFullPageAtTheEndHasNoCursor() {
        long flow1Failed = rows.stream().filter(r -> r.name().equals("flow-1") && r.status() == WorkflowStatus.FAILED)
                .count();
        WorkflowPage page = durable.listWorkflows(WorkflowQuery.all().name("flow-1").status(WorkflowStatus.FAILED)
                .limit((int) flow1Failed));
        assertEquals(flow1Failed, page.items().size());
        assertFalse(page.hasMore());
    }

    @Test
    void limitsAreValidated() {
        assertEquals(WorkflowQuery.DEFAULT_LIMIT, durable.listWorkflows(WorkflowQuery.all()).items().size());
        assertEquals(WorkflowQuery.MAX_LIMIT, WorkflowQuery.all().limit(1000).limit());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().limit(0));
        assertEquals("limit must be between 1 and 1000, got 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().limit(1001));
        assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().name(""));
        assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().idPrefix(null));
        assertThrows(IllegalArgumentException.class,
                () -> WorkflowQuery.all().createdFrom(BASE).createdBefore(BASE));
        assertThrows(IllegalArgumentException.class,
                () -> WorkflowQuery.all().createdBefore(BASE).createdFrom(BASE.plusSeconds(1)));
    }

    @Test
    void malformedCursorsAreRejectedClearly() {
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> WorkflowQuery.all().after("not a cursor!"));
        assertTrue(garbage.getMessage().contains("malformed workflow listing cursor 'not a cursor!'"),
                garbage.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().after(""));
        assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().after(encode("v2:1:0:x")));
        assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().after(encode("v1:soon:0:x")));
        assertThrows(IllegalArgumentException.class, () -> WorkflowQuery.all().after(encode("v1:1:0:")));
        WorkflowPage first = durable.listWorkflows(WorkflowQuery.all().limit(3));
        String cursor = first.nextCursor().orElseThrow();
        assertEquals(cursor, WorkflowQuery.all().after(cursor).cursor().orElseThrow());
    }

    @Test
    void countsByNameAndStatus() {
        Map<String, Long> expected = new TreeMap<>(rows.stream()
                .collect(Collectors.groupingBy(r -> r.name() + "/" + r.status(), Collectors.counting())));
        Map<String, Long> actual = new TreeMap<>();
        List<WorkflowCount> counts = durable.countWorkflows();
        counts.forEach(c -> actual.merge(c.name() + "/" + c.status(), c.count(), Long::sum));
        actual.remove("journaled/SUCCEEDED"); // written by journalShowsEveryField when it ran first
        assertEquals(expected, actual);
        List<String> order = counts.stream().map(c -> c.name() + "/" + c.status()).toList();
        assertEquals(order.stream().sorted().toList(), order, "ordered by name then status");

        Instant from = BASE.plusSeconds(10);
        Instant before = BASE.plusSeconds(20);
        Map<String, Long> inRange = new TreeMap<>(rows.stream()
                .filter(r -> !r.createdAt().isBefore(from) && r.createdAt().isBefore(before))
                .collect(Collectors.groupingBy(r -> r.name() + "/" + r.status(), Collectors.counting())));
        Map<String, Long> actualInRange = durable.countWorkflows(from, before).stream()
                .collect(Collectors.toMap(c -> c.name() + "/" + c.status(), WorkflowCount::count, Long::sum,
                        TreeMap::new));
        assertEquals(inRange, actualInRange);
        assertThrows(IllegalArgumentException.class, () -> durable.countWorkflows(before, from));
    }

    @Test
    void journalShowsEveryField(TestDatabase db) {
        assertEquals("ABC", durable.runWorkflow("journal-1", () -> journaled.run("abc")));
        db.execute("UPDATE durable.steps SET child_workflow_id = 'journal-1-child' WHERE workflow_id = 'journal-1'"
                + " AND position = 1");
        List<StepInfo> journal = durable.steps("journal-1");
        assertEquals(2, journal.size());
        StepInfo upper = journal.get(0);
        assertEquals(1, upper.position());
        assertEquals("upper", upper.name());
        assertEquals(StepStatus.SUCCEEDED, upper.status());
        assertEquals("ABC", upper.output());
        assertTrue(upper.error().isEmpty());
        assertFalse(upper.duration().isNegative());
        assertEquals("journal-1-child", upper.childWorkflowId().orElseThrow());
        StepInfo fail = journal.get(1);
        assertEquals(StepStatus.FAILED, fail.status());
        assertEquals(IllegalStateException.class.getName(), fail.error().orElseThrow().className());
        assertEquals("no ABC", fail.error().orElseThrow().message());
        assertTrue(fail.childWorkflowId().isEmpty());
        assertTrue(durable.steps("no-such-workflow").isEmpty());
    }

    @Test
    void workflowInfoShowsParentDeadlineAndForkOrigin(TestDatabase db) {
        db.execute("INSERT INTO durable.workflows (id, name, status, owner, inputs, created_at, parent_id,"
                + " parent_position, deadline_at, forked_from, fork_position) VALUES ('v4-row', 'other', 'PENDING',"
                + " 'exec-9', '[]', timestamptz '2023-01-01', 'v4-parent', 3, timestamptz '2030-01-01', 'v4-origin', 4)");
        try {
            WorkflowInfo info = durable.workflow("v4-row").orElseThrow();
            assertEquals("v4-parent", info.parentId().orElseThrow());
            assertEquals(Instant.parse("2030-01-01T00:00:00Z"), info.deadline().orElseThrow());
            assertEquals("v4-origin", info.forkedFrom().orElseThrow());
            assertEquals(OptionalInt.of(4), info.forkPosition());
            WorkflowInfo listed = durable.listWorkflows(WorkflowQuery.all().parentId("v4-parent")).items().get(0);
            assertEquals(info.deadline(), listed.deadline());
            WorkflowInfo plain = durable.workflow("m-001").orElseThrow();
            assertTrue(plain.parentId().isEmpty() && plain.deadline().isEmpty() && plain.forkedFrom().isEmpty()
                    && plain.forkPosition().isEmpty());
        } finally {
            db.execute("DELETE FROM durable.workflows WHERE id = 'v4-row'");
        }
    }

    /** Lists with the query (in pages of the maximum size) and compares with the Java selection. */
    private static void check(WorkflowQuery query, Predicate<Row> filter) {
        List<String> expected = rows.stream().filter(filter)
                .sorted(Comparator.comparing(Row::createdAt).thenComparing(Row::id, ManagementTest::byteOrder).reversed())
                .map(Row::id).toList();
        List<String> actual = new ArrayList<>();
        WorkflowQuery page = query.limit(WorkflowQuery.MAX_LIMIT);
        WorkflowPage result;
        do {
            result = durable.listWorkflows(page);
            result.items().stream().map(WorkflowInfo::id).filter(ManagementTest::isFixture).forEach(actual::add);
            page = result.nextCursor().map(page::after).orElse(page);
        } while (result.hasMore());
        assertFalse(expected.isEmpty(), "the fixture must hold rows for " + query);
        assertEquals(expected, actual, query.toString());
    }

    private static List<String> expected(WorkflowPage all) {
        assertFalse(all.hasMore());
        return ids(all);
    }

    private static List<String> ids(WorkflowPage page) {
        return page.items().stream().map(WorkflowInfo::id).toList();
    }

    private static boolean isFixture(String id) {
        return rows.stream().anyMatch(r -> Objects.equals(r.id(), id));
    }

    private static int byteOrder(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
