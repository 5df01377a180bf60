package io.durable.internal.serial;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.durable.DurableException;
import io.durable.PayloadTooLargeException;
import io.durable.SerializationException;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns values into the JSON text stored in the journal and back. Each value is stored as an
 * envelope {@code {"type": <canonical Jackson type>, "value": <json>}} so that replay rebuilds
 * exactly the recorded type, generics included, without the caller naming it.
 */
public final class PayloadCodec {
    private static final String TYPE = "type";
    private static final String VALUE = "value";
    private static final String STRING_TYPE = String.class.getName();
    /** Types Jackson always reads back as written; the read-back check is skipped for them. */
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Integer.class, Long.class, Boolean.class,
            Double.class, Short.class, Byte.class, Character.class, java.util.UUID.class, java.time.Instant.class);

    private final ObjectMapper mapper;
    private final RuntimeTypes runtimeTypes;
    private final CanonicalTypes canonicalTypes;
    private final long maxPayloadBytes;

    /**
     * @param classLoader     where recorded classes are looked up on replay
     * @param maxPayloadBytes the largest serialized value accepted
     */
    public PayloadCodec(ClassLoader classLoader, long maxPayloadBytes) {
        TypeFactory typeFactory = TypeFactory.defaultInstance().withClassLoader(classLoader);
        // The type factory goes first: modules register type modifiers on it (Optional support).
        this.mapper = JsonMapper.builder()
                .typeFactory(typeFactory)
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        this.runtimeTypes = new RuntimeTypes(mapper.getTypeFactory());
        this.canonicalTypes = new CanonicalTypes(mapper.getTypeFactory());
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
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            writeEnvelope(generator, value, workflowId, position, what);
        } catch (IOException e) {
            throw unserializable(value, workflowId, position, what, rootMessage(e), e);
        }
        String json = out.toString();
        checkSize(json, value, workflowId, position);
        if (value != null && !SCALARS.contains(value.getClass())) {
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
     * @param args         the arguments (null means none)
     * @param workflowId   for error messages
     * @param workflowName for error messages
     * @return the JSON text
     */
    public String encodeArguments(Object[] args, String workflowId, String workflowName) {
        Object[] values = args == null ? new Object[0] : args;
        StringWriter out = new StringWriter();
        String all = "arguments of workflow '" + workflowName + "'";
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            generator.writeStartArray();
            for (int i = 0; i < values.length; i++) {
                writeEnvelope(generator, values[i], workflowId, 0,
                        "argument " + (i + 1) + " of workflow '" + workflowName + "'");
            }
            generator.writeEndArray();
        } catch (IOException e) {
            throw unserializable(args, workflowId, 0, all, rootMessage(e), e);
        }
        String json = out.toString();
        checkSize(json, args, workflowId, 0);
        if (allScalars(values)) {
            return json;
        }
        try {
            decodeArguments(json);
        } catch (RuntimeException e) {
            throw unserializable(args, workflowId, 0, all,
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
        try (JsonParser parser = mapper.createParser(json)) {
            parser.nextToken();
            return readEnvelope(parser);
        } catch (IOException | IllegalArgumentException e) {
            throw new DurableException("cannot read recorded value " + abbreviate(json) + ": " + rootMessage(e), e);
        }
    }

    /**
     * Decodes a recorded value handed to a caller (a workflow's result). A value this process cannot
     * read, typically because its class is not on this process's class path, fails with a
     * {@link SerializationException} naming the recorded class and the workflow.
     *
     * @param json       an envelope from {@link #encode}
     * @param workflowId the workflow that recorded it
     * @param what       what the value is, for the message
     * @return the decoded value
     */
    public Object decodeResult(String json, String workflowId, String what) {
        try {
            return decode(json);
        } catch (DurableException e) {
            String type = recordedType(json);
            throw new SerializationException("cannot read " + what + ": it was recorded as " + type
                    + ", which this process cannot read (" + rootMessage(e) + "). Put that class on this process's class"
                    + " path (or pass a classLoader(...) that has it to the builder); meanwhile WorkflowInfo.output()"
                    + " shows the recorded value as JSON", e, workflowId, 0, type);
        }
    }

    private String recordedType(String json) {
        try {
            return mapper.readTree(json).path(TYPE).asText("an unknown type");
        } catch (IOException e) {
            return "an unreadable value";
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
        try (JsonParser parser = mapper.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new DurableException("recorded arguments are not a JSON array: " + abbreviate(json));
            }
            List<Object> values = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                values.add(readEnvelope(parser));
            }
            return values.toArray();
        } catch (IOException | IllegalArgumentException e) {
            throw new DurableException("cannot read recorded arguments " + abbreviate(json) + ": " + rootMessage(e), e);
        }
    }

    /** @return the mapper, configured for recorded values */
    public ObjectMapper mapper() {
        return mapper;
    }

    private void writeEnvelope(JsonGenerator generator, Object value, String workflowId, int position, String what)
            throws IOException {
        generator.writeStartObject();
        if (value == null) {
            generator.writeNullField(TYPE);
            generator.writeNullField(VALUE);
        } else if (value instanceof String text) {
            // The most common step result, written as Jackson would, without a serializer lookup.
            generator.writeStringField(TYPE, STRING_TYPE);
            generator.writeStringField(VALUE, text);
        } else {
            JavaType type;
            try {
                type = runtimeTypes.typeOf(value);
            } catch (IllegalArgumentException e) {
                throw unserializable(value, workflowId, position, what, rootMessage(e), e);
            }
            generator.writeStringField(TYPE, type.toCanonical());
            generator.writeFieldName(VALUE);
            try {
                mapper.writeValue(generator, value);
            } catch (IOException | IllegalArgumentException e) {
                throw unserializable(value, workflowId, position, what, rootMessage(e), e);
            }
        }
        generator.writeEndObject();
    }

    private static boolean allScalars(Object[] values) {
        for (Object value : values) {
            if (value != null && !SCALARS.contains(value.getClass())) {
                return false;
            }
        }
        return true;
    }

    /** Reads one envelope; the parser is on its START_OBJECT and is left on its END_OBJECT. */
    private Object readEnvelope(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new DurableException("recorded value is not a JSON object");
        }
        JavaType type = null;
        Object value = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (TYPE.equals(field)) {
                type = token == JsonToken.VALUE_NULL ? null : canonicalTypes.parse(parser.getText());
            } else if (VALUE.equals(field) && type != null) {
                value = mapper.readerFor(type).readValue(parser);
            } else {
                parser.skipChildren();
            }
        }
        return value;
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
