package io.durable.bench;

import io.durable.Durable;
import io.durable.Workflow;

import java.time.Duration;

/**
 * The messaging workflow of {@code recv} and {@code parked}: one {@code recv} on a topic, whose message
 * it returns. A timeout fails the workflow (the benchmark always sends), so a lost wake-up cannot pass
 * for a result.
 */
public interface Inbox {
    /**
     * @param topic         the topic to receive on
     * @param timeoutMillis how long {@code recv} waits
     * @return the message received
     */
    String await(String topic, long timeoutMillis);

    /** Called around the {@code recv} on the workflow's thread; the workloads watch and count with it. */
    interface Hook {
        /** Does nothing. */
        Hook NONE = new Hook() {
        };

        /** Just before {@code recv}, also when a resumed workflow replays up to it. */
        default void beforeRecv() {
        }

        /** After {@code recv} returned a message. */
        default void received() {
        }
    }

    /** The workflow implementation. */
    final class InboxImpl implements Inbox {
        private final Durable durable;
        private final Hook hook;

        InboxImpl(Durable durable, Hook hook) {
            this.durable = durable;
            this.hook = hook;
        }

        @Override
        @Workflow(name = "bench.inbox")
        public String await(String topic, long timeoutMillis) {
            hook.beforeRecv();
            String message = durable.recv(topic, Duration.ofMillis(timeoutMillis), String.class)
                    .orElseThrow(() -> new IllegalStateException("no message on topic '" + topic + "' within "
                            + timeoutMillis + " ms"));
            hook.received();
            return message;
        }
    }

    /**
     * Registers the workflow on {@code durable}.
     *
     * @param durable not yet started
     * @param hook    called around the {@code recv}
     * @return the workflow proxy
     */
    static Inbox register(Durable durable, Hook hook) {
        return durable.register(Inbox.class, new InboxImpl(durable, hook));
    }
}
