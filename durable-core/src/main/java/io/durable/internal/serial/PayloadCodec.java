package io.durable.internal.serial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.durable.DurableException;
import io.durable.PayloadTooLargeException;
import io.durable.SerializationException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns values into the JSON text stored in the journal and back. Each value is stored as an
 * envelope {@code {"type": <canonical Jackson type>, "value": <json>}} so that replay rebuilds
 * exactly the recorded type, generics included, without the caller naming it.
 */
public final class PayloadCodec {
    private static final String TYPE = "type";
    private static final String VALUE = "value";

    private final ObjectMapper mapper;
    private final RuntimeTypes runtimeTypes;
    private final long maxPayloadBytes;

    /**
     * @param classLoader     where recorded classes are looked up on replay
     * @param maxPayloadBytes the largest serialized value accepted
     */
    public PayloadCodec(ClassLoader classLoader, long maxPayloadBytes) {
        TypeFactory typeFactory = TypeFactory.defaultInstance().withClassLoader(classLoader);
        this.mapper = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .typeFactory(typeFactory)
                .build();
        this.runtimeTypes = new RuntimeTypes(typeFactory);
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Encodes a value, checking that it decodes again to the same type, so a value that could not
     * be replayed fails now rather than after a crash.
     *
     * @param value      the value (may be null)
     * @param workflowId for error messages
     * @param position   for error messages; 0 for workflow inputs and outputs
     * @param what       what the value is, for error messages ("result of step 'x'")
     * @return the envelope as JSON text
     */
    public String encode(Object value, String workflowId, int position, String what) {
        String json = write(envelope(value, workflowId, position, what), value, workflowId, position, what);
        checkSize(json, value, workflowId, position);
        if (value != null) {
            try {
                decode(json);
            } catch (RuntimeException e) {
                throw unserializable(value, workflowId, position, what,
                        "it serializes but cannot be read back (" + rootMessage(e) + ")", e);
            }
        }
        return json;
    }

    /**
     * Encodes workflow arguments as a JSON array of envelopes.
     *
     * @param args       the arguments (null means none)
     * @param workflowId for error messages
     * @param workflowName for error messages
     * @return the JSON text
     */
    public String encodeArguments(Object[] args, String workflowId, String workflowName) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        Object[] values = args == null ? new Object[0] : args;
        for (int i = 0; i < values.length; i++) {
            String what = "argument " + (i + 1) + " of workflow '" + workflowName + "'";
            array.add(envelope(values[i], workflowId, 0, what));
        }
        String json = write(array, args, workflowId, 0, "arguments of workflow '" + workflowName + "'");
        checkSize(json, args, workflowId, 0);
        try {
            decodeArguments(json);
        } catch (RuntimeException e) {
            throw unserializable(args, workflowId, 0, "arguments of workflow '" + workflowName + "'",
                    "they serialize but cannot be read back (" + rootMessage(e) + ")", e);
        }
        return json;
    }

    /**
     * @param json an envelope from {@link #encode}
     * @return the decoded value
     */
    public Object decode(String json) {
        if (json == null) {
            return null;
        }
        try {
            return fromEnvelope(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            throw new DurableException("recorded value is not valid JSON: " + abbreviate(json), e);
        }
    }

    /**
     * @param json arguments from {@link #encodeArguments}
     * @return the decoded arguments
     */
    public Object[] decodeArguments(String json) {
        if (json == null) {
            return new Object[0];
        }
        try {
            JsonNode array = mapper.readTree(json);
            List<Object> values = new ArrayList<>();
            for (JsonNode element : array) {
                values.add(fromEnvelope(element));
            }
            return values.toArray();
        } catch (JsonProcessingException e) {
            throw new DurableException("recorded arguments are not valid JSON: " + abbreviate(json), e);
        }
    }

    /** @return the mapper, configured for recorded values */
    public ObjectMapper mapper() {
        return mapper;
    }

    private ObjectNode envelope(Object value, String workflowId, int position, String what) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        if (value == null) {
            envelope.putNull(TYPE);
            envelope.putNull(VALUE);
            return envelope;
        }
        try {
            JavaType type = runtimeTypes.typeOf(value);
            envelope.put(TYPE, type.toCanonical());
            envelope.set(VALUE, mapper.valueToTree(value));
            return envelope;
        } catch (IllegalArgumentException e) {
            throw unserializable(value, workflowId, position, what, rootMessage(e), e);
        }
    }

    private Object fromEnvelope(JsonNode envelope) {
        JsonNode type = envelope.get(TYPE);
        if (type == null || type.isNull()) {
            return null;
        }
        JavaType javaType = mapper.getTypeFactory().constructFromCanonical(type.asText());
        try {
            return mapper.treeToValue(envelope.get(VALUE), javaType);
        } catch (JsonProcessingException e) {
            throw new DurableException("cannot read recorded value of type " + type.asText() + ": "
                    + rootMessage(e), e);
        }
    }

    private String write(JsonNode node, Object value, String workflowId, int position, String what) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw unserializable(value, workflowId, position, what, rootMessage(e), e);
        }
    }

    private void checkSize(String json, Object value, String workflowId, int position) {
        if (json.length() * 3L > maxPayloadBytes) {
            long bytes = json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxPayloadBytes) {
                throw new PayloadTooLargeException(workflowId, position, typeName(value), bytes, maxPayloadBytes);
            }
        }
    }

    private static SerializationException unserializable(Object value, String workflowId, int position, String what,
                                                         String reason, Throwable cause) {
        String where = (workflowId == null ? "" : " in workflow '" + workflowId + "'")
                + (position > 0 ? " at step position " + position : "");
        return new SerializationException("cannot record " + what + where + ": value of type " + typeName(value)
                + " is not serializable to JSON and back: " + reason
                + ". Use records, enums, collections or POJOs with a no-argument constructor and getters/setters"
                + " (or Jackson annotations).", cause, workflowId, position, typeName(value));
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
