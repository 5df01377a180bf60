package io.durable.jdbc;

import io.durable.Durable;
import io.durable.DurableException;
import io.durable.FirstFinished;
import io.durable.StartOptions;
import io.durable.StepInfo;
import io.durable.Workflow;
import io.durable.WorkflowHandle;
import io.durable.WorkflowTimedOutException;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Child workflows: checkpointed starts, derived and given IDs, durable waits on results, fan-out and fan-in. */
@ExtendWith(FreshDatabase.class)
class ChildWorkflowTest {
    /** A checked exception a child declares. */
    public static final class ItemRejectedException extends Exception {
        private static final long serialVersionUID = 1L;

        public ItemRejectedException(String message) {
            super(message);
        }
    }

    public interface Items {
        int price(String item) throws ItemRejectedException;

        String waitThenPrice(String item);

        int waitThenFail(String item);
    }

    public interface Orders {
        String viaProxy(String item) throws ItemRejectedException;

        String givenId(String childId, String item);

        String catching(String item);

        String catchingLate(String item);

        List<Integer> fanOut(List<String> items);

        String firstOf(List<String> items);

        String startFromStep(String item) throws ItemRejectedException;

        String waitForChild(String item);

        String ownDeadline(String item);
    }

    public static final class ItemsImpl implements Items {
        final Durable durable;
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

        ItemsImpl(Durable durable) {
            this.durable = durable;
        }

        @Override
        @Workflow(name = "item.price")
        public int price(String item) throws ItemRejectedException {
            runs.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            if (item.startsWith("bad")) {
                throw new IllegalStateException("no price for " + item);
            }
            if (item.startsWith("rejected")) {
                throw new ItemRejectedException("rejected " + item);
            }
            return durable.step("price", () -> item.length() * 10);
        }

        @Override
        @Workflow(name = "item.waitThenFail")
        public int waitThenFail(String item) {
            runs.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            durable.recv("go", Duration.ofMinutes(5), String.class);
            throw new IllegalStateException("no price for " + item);
        }

        @Override
        @Workflow(name = "item.wait")
        public String waitThenPrice(String item) {
            runs.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            return durable.recv("go", Duration.ofMinutes(5), String.class).orElse("timeout") + ":" + item;
        }
    }

    public static final class OrdersImpl implements Orders {
        final Durable durable;
        final AtomicInteger bodyRuns = new AtomicInteger();
        Items items;

        OrdersImpl(Durable durable) {
            this.durable = durable;
        }

        @Override
        @Workflow(name = "order.proxy")
        public String viaProxy(String item) throws ItemRejectedException {
            bodyRuns.incrementAndGet();
            int price = items.price(item);
            return "price " + price;
        }

        @Override
        @Workflow(name = "order.given")
        public String givenId(String childId, String item) {
            WorkflowHandle<Integer> child = durable.startWorkflow(childId, () -> items.price(item));
            return child.workflowId() + "=" + child.result();
        }

        @Override
        @Workflow(name = "order.catching")
        public String catching(String item) {
            bodyRuns.incrementAndGet();
            WorkflowHandle<Integer> child = durable.startWorkflow(() -> items.price(item));
            try {
                return "price " + child.result();
            } catch (IllegalStateException e) {
                return "caught " + e.getMessage();
            }
        }

        @Override
        @Workflow(name = "order.catchingLate")
        public String catchingLate(String item) {
            bodyRuns.incrementAndGet();
            WorkflowHandle<Integer> child = durable.startWorkflow(() -> items.waitThenFail(item));
            try {
                return "price " + child.result();
            } catch (IllegalStateException e) {
                return "caught " + e.getMessage();
            }
        }

        @Override
        @Workflow(name = "order.fanout")
        public List<Integer> fanOut(List<String> names) {
            bodyRuns.incrementAndGet();
            List<WorkflowHandle<Integer>> children = new ArrayList<>();
            for (String name : names) {
                children.add(durable.startWorkflow(() -> items.price(name)));
            }
            List<Integer> prices = durable.awaitAll(children);
            durable.recv("again", Duration.ofMinutes(5), String.class); // parks: the rest runs by replay
            return prices;
        }

        @Override
        @Workflow(name = "order.first")
        public String firstOf(List<String> names) {
            List<WorkflowHandle<String>> children = new ArrayList<>();
            for (String name : names) {
                children.add(durable.startWorkflow(() -> items.waitThenPrice(name)));
            }
            FirstFinished<String> first = durable.awaitAny(children);
            durable.recv("again", Duration.ofMinutes(5), String.class);
            return first.index() + ":" + first.workflowId() + ":" + first.result();
        }

        @Override
        @Workflow(name = "order.waitForChild")
        public String waitForChild(String item) {
            return items.waitThenPrice(item);
        }

        @Override
        @Workflow(name = "order.ownDeadline")
        public String ownDeadline(String item) {
            return durable.startWorkflow(item + "-own", StartOptions.timeout(Duration.ofHours(2)),
                    () -> items.price(item)).workflowId();
        }

        @Override
        @Workflow(name = "order.fromStep")
        public String startFromStep(String item) throws ItemRejectedException {
            return durable.step("start", () -> "" + items.price(item));
        }
    }

    private final List<Durable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Durable::close);
    }

    private record Instance(Durable durable, ItemsImpl items, OrdersImpl ordersImpl, Orders orders) {
    }

    private Instance start(TestDatabase db, String executorId, Duration hotWindow) {
        Durables.oneExecutorOnSqlite(db, opened);
        Durable durable = Durables.builder(db, executorId).hotWaitWindow(hotWindow)
                .pollInterval(Duration.ofMillis(200)).build();
        opened.add(durable);
        ItemsImpl items = new ItemsImpl(durable);
        OrdersImpl ordersImpl = new OrdersImpl(durable);
        ordersImpl.items = durable.register(Items.class, items);
        Orders orders = durable.register(Orders.class, ordersImpl);
        durable.start();
        return new Instance(durable, items, ordersImpl, orders);
    }

    private static long count(TestDatabase db, String sql) {
        return db.queryLong(sql);
    }

    private static String text(TestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(db.dialect(sql))) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWorkflowCalledFromAWorkflowRunsAsAChildUnderADerivedId(TestDatabase db) throws Exception {
        Instance a = start(db, "child-proxy", Duration.ofSeconds(5));
        assertEquals("price 50", a.durable().runWorkflow("order-1", () -> a.orders().viaProxy("apple")));
        List<StepInfo> journal = a.durable().steps("order-1");
        assertEquals("durable.startChild:item.price", journal.get(0).name());
        assertEquals("order-1/1", journal.get(0).output());
        assertEquals("durable.childResult:order-1/1", journal.get(1).name());
        assertEquals(50, journal.get(1).output());
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'order-1/1' AND parent_id = 'order-1'"
                + " AND parent_position = 1 AND status = 'SUCCEEDED'"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'order-1' AND position = 1"
                + " AND child_workflow_id = 'order-1/1'"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'order-1' AND position = 2"
                + " AND child_workflow_id = 'order-1/1'"));
    }

    @Test
    void aCheckedExceptionOfAChildReachesTheParentAsItIs(TestDatabase db) {
        Instance a = start(db, "child-checked", Duration.ofSeconds(5));
        ItemRejectedException e = assertThrows(ItemRejectedException.class,
                () -> a.durable().runWorkflow("order-rejected", () -> a.orders().viaProxy("rejected-pear")));
        assertEquals("rejected rejected-pear", e.getMessage());
        assertEquals("FAILED", text(db, "SELECT status FROM durable.steps WHERE workflow_id = 'order-rejected'"
                + " AND position = 2"));
    }

    @Test
    void aGivenChildIdIsUsedAndAnExistingOneIsJoinedNotStartedAgain(TestDatabase db) throws Exception {
        Instance a = start(db, "child-given", Duration.ofSeconds(5));
        assertEquals("item-kiwi=40", a.durable().runWorkflow("order-given", () -> a.orders().givenId("item-kiwi", "kiwi")));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'item-kiwi' AND parent_id = 'order-given'"
                + " AND parent_position = 1"));
        // What recovery meets after a crash between the child's insert and its parent's entry: the ID exists.
        assertEquals(40, a.durable().runWorkflow("item-plum", () -> a.ordersImpl().items.price("plum")));
        assertEquals("item-plum=40", a.durable().runWorkflow("order-joins", () -> a.orders().givenId("item-plum", "plum")));
        assertEquals(1, a.items().runs.get("plum").get(), "the existing child ran again");
        assertEquals(1, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'order-joins' AND position = 1"
                + " AND child_workflow_id = 'item-plum'"));
        assertNull(text(db, "SELECT parent_id FROM durable.workflows WHERE id = 'item-plum'"));
    }

    @Test
    void aChildInheritsItsParentsDeadlineUnlessItSetsItsOwn(TestDatabase db) throws Exception {
        Instance a = start(db, "child-deadline", Duration.ofSeconds(5));
        assertEquals("price 50", a.durable().runWorkflow("order-dl", StartOptions.timeout(Duration.ofHours(1)),
                () -> a.orders().viaProxy("apple")));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows c JOIN durable.workflows p ON p.id = c.parent_id"
                + " WHERE c.id = 'order-dl/1' AND p.deadline_at IS NOT NULL AND c.deadline_at = p.deadline_at"));

        assertEquals("melon-own", a.durable().runWorkflow("order-own", () -> a.orders().ownDeadline("melon")));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows WHERE id = 'melon-own' AND parent_id = 'order-own'"
                + " AND deadline_at > now() + interval '1 hour'"), "the child's own timeout was not kept");
    }

    @Test
    void anInheritedDeadlineStopsAWaitingChildAndItsParent(TestDatabase db) {
        Instance a = start(db, "child-dl-fires", Duration.ofSeconds(30));
        WorkflowHandle<String> parent = a.durable().startWorkflow("order-dl-fires",
                StartOptions.timeout(Duration.ofMillis(500)), () -> a.orders().waitForChild("grape"));
        assertThrows(WorkflowTimedOutException.class, parent::result);
        Await.until("the child times out at the inherited deadline", Duration.ofSeconds(30),
                () -> "TIMED_OUT".equals(text(db, "SELECT status FROM durable.workflows WHERE id = 'order-dl-fires/1'")));
    }

    @Test
    void aChildsExceptionIsRecordedAndRebuiltWhenTheParentWaitsHot(TestDatabase db) {
        Instance a = start(db, "child-fail-hot", Duration.ofSeconds(30));
        assertEquals("caught no price for bad-fig",
                a.durable().runWorkflow("order-fail-hot", () -> a.orders().catching("bad-fig")));
        assertEquals(1, count(db, "SELECT epoch FROM durable.workflows WHERE id = 'order-fail-hot'"), "the parent parked");
        assertEquals(1, a.ordersImpl().bodyRuns.get());
    }

    @Test
    void aParkedParentIsResumedByItsChildAndReplaysWithoutStartingItAgain(TestDatabase db) {
        Instance a = start(db, "child-parked", Duration.ZERO);
        // The child fails only when told to, so the parent is surely parked by then.
        WorkflowHandle<String> parent = a.durable().startWorkflow("order-fail-parked",
                () -> a.orders().catchingLate("bad-fig"));
        Await.until("the parent to park on its child", Duration.ofSeconds(20), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id = 'order-fail-parked' AND wait_kind = 'child'") == 1
                && a.ordersImpl().bodyRuns.get() == 1 && !a.durable().currentWorkflowId().isPresent());
        a.durable().send("order-fail-parked/1", "go", "now");
        assertEquals("caught no price for bad-fig", parent.result());
        assertTrue(a.ordersImpl().bodyRuns.get() >= 2, "the parent did not park and replay");
        // The child parks at its own recv (and so replays), but it was started once and received once.
        assertEquals(1, count(db, "SELECT count(*) FROM durable.workflows WHERE parent_id = 'order-fail-parked'"));
        assertEquals(1, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'order-fail-parked/1'"));
        assertEquals("FAILED", text(db, "SELECT status FROM durable.steps WHERE workflow_id = 'order-fail-parked'"
                + " AND position = 2"));
        assertEquals(2, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'order-fail-parked'"));
    }

    @Test
    void awaitAllReturnsEveryResultInOrderAndReplaysThemFromTheJournal(TestDatabase db) {
        Instance a = start(db, "child-all", Duration.ZERO);
        WorkflowHandle<List<Integer>> parent = a.durable().startWorkflow("order-all",
                () -> a.orders().fanOut(List.of("a", "bbb", "cc", "dddd")));
        Await.until("the parent to wait for its message", Duration.ofSeconds(20), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id = 'order-all' AND wait_kind = 'recv'") == 1);
        int runsBefore = a.ordersImpl().bodyRuns.get();
        a.durable().send("order-all", "again", "go");
        assertEquals(List.of(10, 30, 20, 40), parent.result(Duration.ofSeconds(20)));
        assertTrue(a.ordersImpl().bodyRuns.get() > runsBefore, "the parent was not replayed");
        for (String item : List.of("a", "bbb", "cc", "dddd")) {
            assertEquals(1, a.items().runs.get(item).get(), item + " ran again");
        }
        assertEquals(4, count(db, "SELECT count(*) FROM durable.workflows WHERE parent_id = 'order-all'"));
        assertEquals(4, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'order-all'"
                + " AND name LIKE 'durable.childResult:%'"));
    }

    @Test
    void awaitAnyRecordsWhichFinishedFirstAndReplayReturnsTheSame(TestDatabase db) {
        Instance a = start(db, "child-any", Duration.ZERO);
        WorkflowHandle<String> parent = a.durable().startWorkflow("order-any",
                () -> a.orders().firstOf(List.of("slow", "fast", "late")));
        Await.until("the parent to wait for its children", Duration.ofSeconds(20), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id = 'order-any' AND wait_kind = 'child'") == 1);
        a.durable().send("order-any/2", "go", "fast");
        Await.until("the parent to wait for its message", Duration.ofSeconds(20), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE id = 'order-any' AND wait_kind = 'recv'") == 1);
        a.durable().send("order-any/1", "go", "slow");
        a.durable().send("order-any/3", "go", "late");
        Await.until("all children to finish", Duration.ofSeconds(20), () -> count(db,
                "SELECT count(*) FROM durable.workflows WHERE parent_id = 'order-any' AND status = 'SUCCEEDED'") == 3);
        // A fresh choice would now take the first child: the replay must keep the recorded one.
        db.execute("UPDATE durable.workflows SET completed_at = now() + interval '1 hour' WHERE id = 'order-any/2'");
        a.durable().send("order-any", "again", "go");
        assertEquals("1:order-any/2:fast:fast", parent.result(Duration.ofSeconds(20)));
        assertTrue(count(db, "SELECT epoch FROM durable.workflows WHERE id = 'order-any'") > 1, "the parent was not replayed");
        assertEquals(1, count(db, "SELECT count(*) FROM durable.steps WHERE workflow_id = 'order-any'"
                + " AND name = 'durable.awaitAny' AND child_workflow_id = 'order-any/2'"));
    }

    @Test
    void aWorkflowCalledInsideAStepIsRefusedWithAClearError(TestDatabase db) {
        Instance a = start(db, "child-step", Duration.ofSeconds(1));
        DurableException e = assertThrows(DurableException.class,
                () -> a.durable().runWorkflow("order-step", () -> a.orders().startFromStep("x")));
        assertTrue(e.getMessage().contains("inside a step of workflow 'order-step'"), e.getMessage());
    }

    @Test
    void outsideAWorkflowAwaitAllAndAwaitAnyWaitForTheHandles(TestDatabase db) {
        Instance a = start(db, "child-outside", Duration.ofSeconds(1));
        WorkflowHandle<Integer> one = a.durable().startWorkflow(() -> a.ordersImpl().items.price("x"));
        WorkflowHandle<Integer> two = a.durable().startWorkflow("outside-2", () -> a.ordersImpl().items.price("yy"));
        assertEquals(List.of(10, 20), a.durable().awaitAll(List.of(one, two)));
        FirstFinished<Integer> first = a.durable().awaitAny(List.of(two));
        assertEquals(0, first.index());
        assertEquals(20, first.result());
    }
}
