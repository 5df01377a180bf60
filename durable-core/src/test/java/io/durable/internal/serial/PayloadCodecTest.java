package io.durable.internal.serial;

import io.durable.PayloadTooLargeException;
import io.durable.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PayloadCodecTest {
    public record Item(String sku, int quantity, List<String> tags) {
    }

    public record Order(String id, List<Item> items, Map<String, Item> bySku, Optional<Item> gift) {
    }

    public enum Color {
        RED,
        GREEN {
            @Override
            public String toString() {
                return "green";
            }
        }
    }

    public static final class Bean {
        private String name;
        private List<Item> items = new ArrayList<>();

        public Bean() {
        }

        Bean(String name, List<Item> items) {
            this.name = name;
            this.items = items;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<Item> getItems() {
            return items;
        }

        public void setItems(List<Item> items) {
            this.items = items;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bean b && name.equals(b.name) && items.equals(b.items);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    private final PayloadCodec codec = new PayloadCodec(getClass().getClassLoader(), 1024 * 1024);

    static Stream<Arguments> values() {
        Item one = new Item("a", 1, List.of("x"));
        Item two = new Item("b", 2, List.of());
        return Stream.of(
                Arguments.of("record", one),
                Arguments.of("record with generic fields", new Order("o", List.of(one, two), Map.of("a", one),
                        Optional.of(two))),
                Arguments.of("pojo", new Bean("n", List.of(one))),
                Arguments.of("enum", Color.RED),
                Arguments.of("enum constant with a body", Color.GREEN),
                Arguments.of("List<Record>", List.of(one, two)),
                Arguments.of("ArrayList<Record>", new ArrayList<>(List.of(one, two))),
                Arguments.of("LinkedList<String>", new LinkedList<>(List.of("p", "q"))),
                Arguments.of("Map<String, Record>", Map.of("one", one, "two", two)),
                Arguments.of("HashMap<Integer, Record>", new HashMap<>(Map.of(1, one))),
                Arguments.of("TreeMap<String, List<Record>>", new TreeMap<>(Map.of("k", List.of(one)))),
                Arguments.of("Set<String>", Set.of("s", "t")),
                Arguments.of("TreeSet<Integer>", new TreeSet<>(Set.of(3, 1, 2))),
                Arguments.of("Optional<Record>", Optional.of(one)),
                Arguments.of("Optional.empty", Optional.empty()),
                Arguments.of("int", 7),
                Arguments.of("long", Long.MAX_VALUE),
                Arguments.of("double", 0.1d),
                Arguments.of("float", 1.5f),
                Arguments.of("boolean", false),
                Arguments.of("char", 'c'),
                Arguments.of("short", (short) 3),
                Arguments.of("String", "unicode ✓ and \"quotes\""),
                Arguments.of("Instant with nanos", Instant.parse("2026-11-21T10:15:30.123456789Z")),
                Arguments.of("Duration", Duration.ofSeconds(93_784, 5)),
                Arguments.of("LocalDate", LocalDate.of(2026, 2, 28)),
                Arguments.of("UUID", UUID.randomUUID()),
                Arguments.of("BigDecimal keeps scale", new BigDecimal("10.500")),
                Arguments.of("empty list", List.of()),
                Arguments.of("list with null", Arrays.asList("a", null)),
                Arguments.of("String[]", new String[] {"a", "b"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void roundTripsEqualWithTheSameType(String kind, Object value) {
        Object back = codec.decode(codec.encode(value, "wf", 1, kind));
        if (value instanceof Object[] array) {
            assertArrayEquals(array, (Object[]) back);
        } else {
            assertEquals(value, back, kind);
            if (!(value instanceof List || value instanceof Map || value instanceof Set)) {
                assertEquals(value.getClass(), back.getClass(), kind);
            }
        }
    }

    @Test
    void bytesNullAndArguments() {
        byte[] bytes = {0, 1, (byte) 255};
        assertArrayEquals(bytes, (byte[]) codec.decode(codec.encode(bytes, "wf", 1, "bytes")));
        assertNull(codec.decode(codec.encode(null, "wf", 1, "null")));
        Object[] args = {1, "two", null, new Item("x", 3, List.of()), List.of(new Item("y", 4, List.of("z")))};
        assertArrayEquals(args, codec.decodeArguments(codec.encodeArguments(args, "wf", "Flow.run")));
        assertEquals(0, codec.decodeArguments(codec.encodeArguments(null, "wf", "Flow.run")).length);
    }

    public static final class NoProperties {
        private final int hidden = 1;

        @Override
        public String toString() {
            return "hidden " + hidden;
        }
    }

    public static final class WriteOnly {
        private final String value;

        public WriteOnly(String value) {
            this.value = value;
        }

        public String getValue() {
            return value;
        }
    }

    @Test
    void unserializableValuesAreTypedErrorsNamingWhereAndWhat() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> codec.encode(new NoProperties(), "wf-1", 3, "the result of step 's'"));
        assertEquals("wf-1", e.workflowId());
        assertEquals(3, e.position());
        assertEquals(NoProperties.class.getName(), e.valueType());
        assertTrue(e.getMessage().contains("the result of step 's' in workflow 'wf-1' at step position 3"), e.getMessage());

        SerializationException readBack = assertThrows(SerializationException.class,
                () -> codec.encode(new WriteOnly("v"), "wf-1", 4, "x"));
        assertTrue(readBack.getMessage().contains("cannot be read back"), readBack.getMessage());
    }

    @Test
    void oversizedPayloadsAreRejected() {
        PayloadCodec small = new PayloadCodec(getClass().getClassLoader(), 2048);
        PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
                () -> small.encode("x".repeat(5000), "wf", 2, "big"));
        assertEquals(2048, e.limit());
        assertTrue(e.size() > 5000);
    }
}
