package io.durable.jdbc;

import io.durable.Durable;
import io.durable.PayloadTooLargeException;
import io.durable.RecordedFailureException;
import io.durable.SerializationException;
import io.durable.Step;
import io.durable.Workflow;
import io.durable.WorkflowHandle;
import io.durable.testing.FreshDatabase;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values and exceptions recorded in one life of an executor come back equal (same class, same
 * message) when the workflow is replayed in the next life.
 */
@ExtendWith(FreshDatabase.class)
class ReplayFidelityTest {
    public record Item(String sku, int quantity, List<String> tags) {
    }

    public enum Color {
        RED,
        GREEN {
            @Override
            public String toString() {
                return "green with a body";
            }
        }
    }

    public static final class Pojo {
        private String name;
        private Map<String, Integer> counts = new TreeMap<>();

        public Pojo() {
        }

        Pojo(String name, Map<String, Integer> counts) {
            this.name = name;
            this.counts = counts;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Map<String, Integer> getCounts() {
            return counts;
        }

        public void setCounts(Map<String, Integer> counts) {
            this.counts = counts;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pojo p && Objects.equals(name, p.name) && Objects.equals(counts, p.counts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, counts);
        }
    }

    /** The matrix: each kind of value a step may return. */
    static final Map<String, Object> MATRIX = new LinkedHashMap<>();

    static {
        Item one = new Item("sku-1", 2, List.of("a", "b"));
        Item two = new Item("sku-2", 0, List.of());
        MATRIX.put("record", one);
        MATRIX.put("pojo", new Pojo("p", new TreeMap<>(Map.of("x", 1, "y", 2))));
        MATRIX.put("enum", Color.RED);
        MATRIX.put("enum-with-body", Color.GREEN);
        MATRIX.put("list-of-records", List.of(one, two));
        MATRIX.put("map-of-records", Map.of("first", one, "second", two));
        MATRIX.put("nested-map-of-lists", Map.of("k", List.of(one, two)));
        MATRIX.put("set", Set.of("x", "y", "z"));
        MATRIX.put("optional", Optional.of(one));
        MATRIX.put("optional-empty", Optional.empty());
        MATRIX.put("int", 42);
        MATRIX.put("long", 1L << 40);
        MATRIX.put("double", 3.25d);
        MATRIX.put("boolean", true);
        MATRIX.put("string", "héllo ✓ \"quoted\"");
        MATRIX.put("null", null);
        MATRIX.put("bytes", new byte[] {0, 1, 2, (byte) 255});
        MATRIX.put("instant", Instant.parse("2026-11-21T10:15:30.123456789Z"));
        MATRIX.put("duration", Duration.ofMillis(90_061_001));
        MATRIX.put("local-date", LocalDate.of(2026, 11, 21));
        MATRIX.put("uuid", UUID.fromString("2b9d0c1e-3f4a-4b5c-8d6e-7f8091a2b3c4"));
        MATRIX.put("big-decimal", new BigDecimal("12345.678900"));
        MATRIX.put("empty-list", List.of());
        MATRIX.put("list-with-null", Arrays.asList("a", null, "c"));
    }

    public static class Declined extends Exception {
        private static final long serialVersionUID = 1L;

        public Declined(String message) {
            super(message);
        }
    }

    public static class CodeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CodeException(int code) {
            super("code " + code);
        }
    }

    public interface Values {
        Object value(String kind);

        List<Item> items();

        String charge(String card) throws Declined;

        String explode(int code);

        void hold() throws InterruptedException;

        Object opaque();
    }

    public static final class ValuesImpl implements Values {
        final AtomicInteger executions = new AtomicInteger();

        @Step
        public Object value(String kind) {
            executions.incrementAndGet();
            return MATRIX.get(kind);
        }

        @Step
        public List<Item> items() {
            executions.incrementAndGet();
            return List.of(new Item("typed", 1, List.of("t")));
        }

        @Step
        public String charge(String card) throws Declined {
            executions.incrementAndGet();
            throw new Declined("card " + card + " declined");
        }

        @Step
        public String explode(int code) {
            executions.incrementAndGet();
            throw new CodeException(code);
        }

        @Step
        public void hold() throws InterruptedException {
            Hold.here();
        }

        @Step
        public Object opaque() {
            return new Opaque();
        }
    }

    public interface Flows {
        List<String> matrix() throws InterruptedException;

        List<String> failures() throws InterruptedException;

        String fails(String how) throws Declined;

        String echo(Object input);

        String opaqueResult();

        String skipsUnrecordable() throws InterruptedException;
    }

    public record FlowsImpl(Values values) implements Flows {
        @Workflow
        public List<String> matrix() throws InterruptedException {
            Map<String, Object> seen = new LinkedHashMap<>();
            for (String kind : MATRIX.keySet()) {
                seen.put(kind, values.value(kind));
            }
            List<Item> items = values.items();
            values.hold();
            List<String> mismatches = new ArrayList<>();
            seen.forEach((kind, value) -> {
                Object expected = MATRIX.get(kind);
                boolean same = expected instanceof byte[] bytes ? value instanceof byte[] b && Arrays.equals(bytes, b)
                        : Objects.equals(expected, value);
                if (!same) {
                    mismatches.add(kind + ": expected " + expected + " but replay gave " + value
                            + (value == null ? "" : " (" + value.getClass().getName() + ")"));
                }
            });
            if (!items.get(0).sku().equals("typed")) {
                mismatches.add("typed step returned " + items);
            }
            return mismatches;
        }

        @Workflow
        public List<String> failures() throws InterruptedException {
            List<String> seen = new ArrayList<>();
            try {
                values.charge("4242");
            } catch (Declined e) {
                seen.add(e.getClass().getSimpleName() + "|" + e.getMessage() + "|" + e.getStackTrace()[0].getMethodName());
            }
            try {
                values.explode(7);
            } catch (RecordedFailureException e) {
                seen.add("Recorded|" + e.originalClassName() + "|" + e.originalMessage() + "|"
                        + e.originalStackTrace().contains("explode"));
            } catch (CodeException e) {
                seen.add("Code|" + e.getMessage());
            }
            values.hold();
            return seen;
        }

        @Workflow
        public String fails(String how) throws Declined {
            if (how.equals("checked")) {
                throw new Declined("declined at workflow level");
            }
            throw new IllegalStateException("workflow broke: " + how);
        }

        @Workflow
        public String echo(Object input) {
            return String.valueOf(input);
        }

        @Workflow
        public String skipsUnrecordable() throws InterruptedException {
            String note;
            try {
                note = String.valueOf(values.opaque());
            } catch (SerializationException e) {
                note = "unrecordable at " + e.position();
            }
            Object after = values.value("int");
            values.hold();
            return note + ", then " + after;
        }

        @Workflow
        public String opaqueResult() {
            return String.valueOf(values.opaque());
        }
    }

    private final List<Durable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        Hold.release();
        opened.forEach(Durable::close);
    }

    private Durable open(TestDatabase db, String executorId, ValuesImpl values) {
        Durables.oneExecutorOnSqlite(db, opened);
        Durable durable = Durables.builder(db, executorId).shutdownTimeout(Duration.ofMillis(300))
                .maxPayloadBytes(64 * 1024).build();
        opened.add(durable);
        flows = flows(durable, values);
        durable.start();
        return durable;
    }

    private Flows flows;

    private Flows flows(Durable durable, ValuesImpl values) {
        return durable.register(Flows.class, new FlowsImpl(durable.register(Values.class, values)));
    }

    /**
     * Runs the workflow until {@code recordedBeforeHold} steps are recorded and the hold step is in
     * flight, closes the executor, reopens it and returns the replayed result.
     */
    private <T> T acrossARestart(TestDatabase db, String executorId, String workflowId, int recordedBeforeHold,
                                 BiFunction<Durable, Flows, WorkflowHandle<T>> start) throws Exception {
        Hold.block();
        ValuesImpl first = new ValuesImpl();
        Durable life1 = Durables.builder(db, executorId).shutdownTimeout(Duration.ofMillis(300)).build();
        Flows flows = flows(life1, first);
        life1.start();
        start.apply(life1, flows);
        Await.until(recordedBeforeHold + " steps of " + workflowId + " to be recorded", Duration.ofSeconds(30),
                () -> life1.steps(workflowId).size() == recordedBeforeHold);
        life1.close();
        Hold.release();
        ValuesImpl second = new ValuesImpl();
        Durable life2 = open(db, executorId, second);
        T result = life2.<T>retrieve(workflowId).result(Duration.ofSeconds(30));
        assertEquals(0, second.executions.get(), "recorded steps must not run again");
        return result;
    }

    @Test
    void everyValueKindReplaysEqual(TestDatabase db) throws Exception {
        List<String> mismatches = acrossARestart(db, "fidelity-1", "matrix-1", MATRIX.size() + 1,
                (durable, flows) -> durable.startWorkflow("matrix-1", () -> flows.matrix()));
        assertEquals(List.of(), mismatches);
    }

    @Test
    void recordedExceptionsReplayAsTheSameClassAndMessage(TestDatabase db) throws Exception {
        List<String> seen = acrossARestart(db, "fidelity-2", "failures-1", 2,
                (durable, flows) -> durable.startWorkflow("failures-1", () -> flows.failures()));
        assertEquals(List.of("Declined|card 4242 declined|charge", "Recorded|" + CodeException.class.getName()
                + "|code 7|true"), seen);
    }

    @Test
    void aCaughtSerializationFailureLeavesAGapThatReplaysCleanly(TestDatabase db) throws Exception {
        String result = acrossARestart(db, "fidelity-5", "gap-1", 1,
                (durable, flows) -> durable.startWorkflow("gap-1", () -> flows.skipsUnrecordable()));
        assertEquals("unrecordable at 1, then 42", result);
    }

    @Test
    void workflowFailuresReachEveryCaller(TestDatabase db) throws Exception {
        ValuesImpl values = new ValuesImpl();
        Durable durable = open(db, "fidelity-3", values);
        IllegalStateException first = assertThrows(IllegalStateException.class,
                () -> durable.runWorkflow("fail-unchecked", () -> flows.fails("boom")));
        assertEquals("workflow broke: boom", first.getMessage());
        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> durable.runWorkflow("fail-unchecked", () -> flows.fails("other args")));
        assertEquals("workflow broke: boom", again.getMessage());
        Declined declined = assertThrows(Declined.class, () -> durable.runWorkflow("fail-checked", () -> flows.fails("checked")));
        assertEquals("declined at workflow level", declined.getMessage());
        var wrapped = assertThrows(io.durable.WorkflowFailedException.class,
                () -> durable.retrieve("fail-checked").result());
        assertTrue(wrapped.getCause() instanceof Declined);
        assertEquals("io.durable.jdbc.ReplayFidelityTest$Declined",
                durable.workflow("fail-checked").orElseThrow().error().orElseThrow().className());

        Durable other = open(db, "fidelity-3-other", new ValuesImpl());
        IllegalStateException seenElsewhere = assertThrows(IllegalStateException.class,
                () -> other.retrieve("fail-unchecked").result(Duration.ofSeconds(10)));
        assertEquals("workflow broke: boom", seenElsewhere.getMessage());
    }

    public static final class Opaque {
        private final String secret = "no getters";

        @Override
        public String toString() {
            return secret;
        }
    }

    @Test
    void unserializableValuesFailAtTheCallSiteAndRecordNothing(TestDatabase db) {
        ValuesImpl values = new ValuesImpl();
        Durable durable = open(db, "fidelity-4", values);
        SerializationException input = assertThrows(SerializationException.class,
                () -> durable.runWorkflow("opaque-input", () -> flows.echo(new Opaque())));
        assertTrue(input.getMessage().contains("argument 1 of workflow 'Flows.echo'"), input.getMessage());
        assertEquals(Opaque.class.getName(), input.valueType());
        assertTrue(durable.workflow("opaque-input").isEmpty(), "nothing may be recorded for a bad input");

        SerializationException stepResult = assertThrows(SerializationException.class,
                () -> durable.runWorkflow("opaque-step", () -> flows.opaqueResult()));
        assertTrue(stepResult.getMessage().contains("the result of step 'Values.opaque' in workflow 'opaque-step' at "
                + "step position 1"), stepResult.getMessage());
        assertEquals(1, stepResult.position());
        assertTrue(durable.steps("opaque-step").isEmpty(), "an unserializable result must not be recorded");
        assertEquals(io.durable.WorkflowStatus.FAILED, durable.workflow("opaque-step").orElseThrow().status());

        PayloadTooLargeException tooLarge = assertThrows(PayloadTooLargeException.class,
                () -> durable.runWorkflow("too-large", () -> flows.echo("x".repeat(70_000))));
        assertEquals(64 * 1024, tooLarge.limit());
        assertTrue(durable.workflow("too-large").isEmpty());
    }
}
