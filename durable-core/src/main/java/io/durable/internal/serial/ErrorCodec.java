package io.durable.internal.serial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durable.DurableException;
import io.durable.ErrorInfo;
import io.durable.NonDeterministicWorkflowException;
import io.durable.RecordedFailureException;
import io.durable.WorkflowCancelledException;
import io.durable.WorkflowDeadLetterException;
import io.durable.WorkflowTimedOutException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records exceptions as JSON (class, message, structured stack frames, printed stack trace,
 * cause chain) and rebuilds them on replay as the same class with the same message and stack;
 * where that is impossible, as a {@link RecordedFailureException} carrying what was recorded.
 */
public final class ErrorCodec {
    private static final String DIVERGENCE = "nondeterminism";
    private static final String STOPPED = "stopped";
    private static final int MAX_CAUSE_DEPTH = 8;

    private static final int TRUNCATED_FRAMES = 64;

    private final ObjectMapper mapper;
    private final ClassLoader classLoader;
    private final long maxBytes;

    /**
     * @param mapper      the mapper to write JSON with
     * @param classLoader where recorded exception classes are looked up
     * @param maxBytes    the payload limit; larger records are cut down (stack first, then message)
     */
    public ErrorCodec(ObjectMapper mapper, ClassLoader classLoader, long maxBytes) {
        this.mapper = mapper;
        this.classLoader = classLoader;
        this.maxBytes = maxBytes;
    }

    /**
     * Records an exception. An exception never fails to record: one over the payload limit keeps
     * its class, a shortened message and the top of its stack.
     *
     * @param error the exception to record
     * @return the JSON text
     */
    public String encode(Throwable error) {
        ObjectNode node = toNode(error, 0);
        node.put("stack", printed(error));
        String json = write(node, error);
        if (json.length() * 3L <= maxBytes || json.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return json;
        }
        String message = error.getMessage();
        int keep = (int) Math.max(0, Math.min(message == null ? 0 : message.length(), maxBytes / 8));
        for (int frameLimit = TRUNCATED_FRAMES; ; frameLimit /= 4) {
            ObjectNode cut = JsonNodeFactory.instance.objectNode();
            cut.put("class", error.getClass().getName());
            cut.put("message", message == null ? null : message.substring(0, keep)
                    + (keep < message.length() ? "... [truncated]" : ""));
            ArrayNode frames = cut.putArray("frames");
            for (JsonNode frame : node.withArray("frames")) {
                if (frames.size() >= frameLimit) {
                    break;
                }
                frames.add(frame);
            }
            cut.put("stack", error.getClass().getName() + ": [stack trace cut to fit maxPayloadBytes]");
            String shortened = write(cut, error);
            if (frameLimit == 0 || shortened.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
                return shortened;
            }
        }
    }

    private String write(ObjectNode node, Throwable error) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new DurableException("cannot record exception " + error.getClass().getName(), e);
        }
    }

    /**
     * @param json recorded by {@link #encode}
     * @return class name, message and stack text
     */
    public ErrorInfo info(String json) {
        JsonNode node = read(json);
        return new ErrorInfo(node.path("class").asText(), textOrNull(node.get("message")),
                textOrNull(node.get("stack")));
    }

    /**
     * Rebuilds a recorded exception.
     *
     * @param json       recorded by {@link #encode}
     * @param workflowId the workflow it was recorded in
     * @param position   its step position, 0 for the workflow itself
     * @return the same class with the same message and stack, or a {@link RecordedFailureException}
     */
    public Throwable rebuild(String json, String workflowId, int position) {
        JsonNode node = read(json);
        Throwable rebuilt = rebuild(node, 0);
        return rebuilt != null ? rebuilt : new RecordedFailureException(info(json), workflowId, position);
    }

    private ObjectNode toNode(Throwable error, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("class", error.getClass().getName());
        node.put("message", error.getMessage());
        ArrayNode frames = node.putArray("frames");
        for (StackTraceElement frame : error.getStackTrace()) {
            ObjectNode f = frames.addObject();
            f.put("c", frame.getClassName());
            f.put("m", frame.getMethodName());
            f.put("f", frame.getFileName());
            f.put("l", frame.getLineNumber());
        }
        Throwable cause = error.getCause();
        if (cause != null && cause != error && depth < MAX_CAUSE_DEPTH) {
            node.set("cause", toNode(cause, depth + 1));
        }
        if (error instanceof NonDeterministicWorkflowException divergence) {
            // durable's own failure has no (String) constructor: keep its fields so a result read back
            // from the database is the same exception as the one thrown live.
            ObjectNode fields = node.putObject(DIVERGENCE);
            fields.put("workflowId", divergence.workflowId());
            fields.put("position", divergence.position());
            fields.put("recordedStep", divergence.recordedStep());
            fields.put("attemptedStep", divergence.attemptedStep());
        }
        putStopped(node, error);
        return node;
    }

    /** Cancellation, timeout and dead letter have no (String) constructor either: keep their fields. */
    private static void putStopped(ObjectNode node, Throwable error) {
        if (error instanceof WorkflowCancelledException cancelled) {
            node.putObject(STOPPED).put("workflowId", cancelled.workflowId());
        } else if (error instanceof WorkflowTimedOutException timedOut) {
            node.putObject(STOPPED).put("workflowId", timedOut.workflowId())
                    .put("deadline", String.valueOf(timedOut.deadline()));
        } else if (error instanceof WorkflowDeadLetterException deadLetter) {
            node.putObject(STOPPED).put("workflowId", deadLetter.workflowId())
                    .put("recoveryAttempts", deadLetter.recoveryAttempts())
                    .put("maxRecoveryAttempts", deadLetter.maxRecoveryAttempts());
        }
    }

    private static Throwable rebuildStopped(String className, JsonNode fields) {
        String workflowId = textOrNull(fields.get("workflowId"));
        if (WorkflowCancelledException.class.getName().equals(className)) {
            return new WorkflowCancelledException(workflowId);
        }
        if (WorkflowTimedOutException.class.getName().equals(className)) {
            String deadline = textOrNull(fields.get("deadline"));
            return new WorkflowTimedOutException(workflowId,
                    deadline == null || "null".equals(deadline) ? null : Instant.parse(deadline));
        }
        if (WorkflowDeadLetterException.class.getName().equals(className)) {
            return new WorkflowDeadLetterException(workflowId, fields.path("recoveryAttempts").asInt(),
                    fields.path("maxRecoveryAttempts").asInt());
        }
        return null;
    }

    private Throwable rebuildDivergence(JsonNode fields, JsonNode node, int depth) {
        JsonNode causeNode = node.get("cause");
        Throwable cause = causeNode != null && depth < MAX_CAUSE_DEPTH ? rebuild(causeNode, depth + 1) : null;
        return new NonDeterministicWorkflowException(textOrNull(fields.get("workflowId")),
                fields.path("position").asInt(), textOrNull(fields.get("recordedStep")),
                textOrNull(fields.get("attemptedStep")), cause);
    }

    private Throwable rebuild(JsonNode node, int depth) {
        List<StackTraceElement> frames = new ArrayList<>();
        for (JsonNode f : node.path("frames")) {
            frames.add(new StackTraceElement(f.path("c").asText(), f.path("m").asText(),
                    textOrNull(f.get("f")), f.path("l").asInt()));
        }
        JsonNode divergence = node.get(DIVERGENCE);
        if (divergence != null) {
            Throwable error = rebuildDivergence(divergence, node, depth);
            error.setStackTrace(frames.toArray(new StackTraceElement[0]));
            return error;
        }
        String className = node.path("class").asText();
        String message = textOrNull(node.get("message"));
        JsonNode stopped = node.get(STOPPED);
        Throwable error = stopped != null ? rebuildStopped(className, stopped) : instantiate(className, message);
        if (error == null) {
            return null;
        }
        error.setStackTrace(frames.toArray(new StackTraceElement[0]));
        JsonNode causeNode = node.get("cause");
        if (causeNode != null && depth < MAX_CAUSE_DEPTH) {
            Throwable cause = rebuild(causeNode, depth + 1);
            if (cause != null) {
                try {
                    error.initCause(cause);
                } catch (IllegalStateException | IllegalArgumentException ignored) {
                    // the constructor already fixed a cause; keep it
                }
            }
        }
        return error;
    }

    private Throwable instantiate(String className, String message) {
        try {
            Class<?> type = Class.forName(className, false, classLoader);
            if (!Throwable.class.isAssignableFrom(type)) {
                return null;
            }
            Throwable error = construct(type, message);
            return error != null && Objects.equals(error.getMessage(), message) ? error : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Throwable construct(Class<?> type, String message) {
        Object[][] attempts = message == null
                ? new Object[][] {{}, {(String) null}}
                : new Object[][] {{message}, {message, null}};
        for (Object[] args : attempts) {
            try {
                Constructor<?> constructor = args.length == 0 ? type.getDeclaredConstructor()
                        : args.length == 1 ? type.getDeclaredConstructor(String.class)
                        : type.getDeclaredConstructor(String.class, Throwable.class);
                constructor.setAccessible(true);
                return (Throwable) constructor.newInstance(args);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // try the next constructor shape
            }
        }
        return null;
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new DurableException("recorded exception is not valid JSON", e);
        }
    }

    private static String printed(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
