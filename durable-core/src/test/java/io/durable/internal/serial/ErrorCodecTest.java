package io.durable.internal.serial;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durable.ErrorInfo;
import io.durable.RecordedFailureException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorCodecTest {
    private final ErrorCodec codec = new ErrorCodec(new ObjectMapper(), getClass().getClassLoader(), 64 * 1024);

    public static class OnlyCode extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public OnlyCode(int code) {
            super("code " + code);
        }
    }

    @Test
    void rebuildsTheSameClassMessageStackAndCause() {
        IOException original = new IOException("disk full", new IllegalStateException("inner"));
        Throwable rebuilt = codec.rebuild(codec.encode(original), "wf", 2);
        assertInstanceOf(IOException.class, rebuilt);
        assertEquals("disk full", rebuilt.getMessage());
        assertArrayEquals(frames(original), frames(rebuilt));
        assertInstanceOf(IllegalStateException.class, rebuilt.getCause());
        assertEquals("inner", rebuilt.getCause().getMessage());
        assertInstanceOf(NullPointerException.class, codec.rebuild(codec.encode(new NullPointerException()), "wf", 1));
    }

    private static String[] frames(Throwable t) {
        return java.util.Arrays.stream(t.getStackTrace())
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .toArray(String[]::new);
    }

    @Test
    void aNonDeterminismFailureComesBackWithItsFields() {
        var original = new io.durable.NonDeterministicWorkflowException("wf-9", 2, "Steps.b", null,
                new IllegalStateException("new validation"));
        var rebuilt = assertInstanceOf(io.durable.NonDeterministicWorkflowException.class,
                codec.rebuild(codec.encode(original), "wf-9", 0));
        assertEquals("wf-9", rebuilt.workflowId());
        assertEquals(2, rebuilt.position());
        assertEquals("Steps.b", rebuilt.recordedStep());
        assertEquals(null, rebuilt.attemptedStep());
        assertEquals(original.getMessage(), rebuilt.getMessage());
        assertEquals("new validation", rebuilt.getCause().getMessage());
        assertArrayEquals(frames(original), frames(rebuilt));
    }

    @Test
    void fallsBackToRecordedFailureWhenTheClassCannotBeRebuilt() {
        RecordedFailureException e = assertInstanceOf(RecordedFailureException.class,
                codec.rebuild(codec.encode(new OnlyCode(7)), "wf", 3));
        assertEquals(OnlyCode.class.getName(), e.originalClassName());
        assertEquals("code 7", e.originalMessage());
        assertTrue(e.originalStackTrace().contains("fallsBackToRecordedFailure"));
        assertEquals("wf", e.workflowId());
        assertEquals(3, e.position());
        String unknownClass = codec.encode(new IllegalStateException("x")).replace("java.lang.IllegalStateException",
                "com.example.Gone");
        assertInstanceOf(RecordedFailureException.class, codec.rebuild(unknownClass, "wf", 1));
    }

    @Test
    void oversizedExceptionsAreCutDownNotLost() {
        ErrorCodec small = new ErrorCodec(new ObjectMapper(), getClass().getClassLoader(), 4096);
        String json = small.encode(new IllegalArgumentException("m".repeat(100_000)));
        assertTrue(json.length() <= 4096, "recorded " + json.length() + " characters");
        ErrorInfo info = small.info(json);
        assertEquals(IllegalArgumentException.class.getName(), info.className());
        assertTrue(info.message().endsWith("[truncated]"));
    }
}
