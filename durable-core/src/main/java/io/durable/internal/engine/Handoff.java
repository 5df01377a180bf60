package io.durable.internal.engine;

import io.durable.internal.store.StepRow;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code recv} waiting in memory, to which a {@code send} in the same process may hand its message
 * directly: the sender stores the message already consumed, together with the receiver's journal
 * entry, in one statement (one commit on the path instead of two). Receiver and sender take turns:
 * the receiver never queries while a sender hands over, and no sender starts once the receiver has
 * left (parked, timed out, received).
 */
final class Handoff {
    private enum State { NEW, OPEN, RECEIVER_BUSY, HANDING, DELIVERED, CLOSED }

    private static final long SPIN_NANOS = 50_000;

    final String topic;
    final StepRow receiverStep;
    final long epoch;
    private final Thread receiver = Thread.currentThread();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile String payload;

    Handoff(String topic, StepRow receiverStep, long epoch) {
        this.topic = topic;
        this.receiverStep = receiverStep;
        this.epoch = epoch;
    }

    // ---- receiver -----------------------------------------------------------------------------

    /** Before the receiver's own attempt: null to go ahead, else the message handed over meanwhile. */
    String beginAttempt() {
        while (true) {
            State s = state.get();
            if ((s == State.NEW || s == State.OPEN) && state.compareAndSet(s, State.RECEIVER_BUSY)) {
                return null;
            }
            if (s == State.DELIVERED) {
                return payload;
            }
            LockSupport.parkNanos(this, SPIN_NANOS);
        }
    }

    /** After the receiver's attempt found nothing and its wait is recorded: senders may hand over. */
    void endAttempt() {
        state.compareAndSet(State.RECEIVER_BUSY, State.OPEN);
    }

    /** The receiver leaves; returns a message handed over before it could, else null. */
    String close() {
        while (true) {
            State s = state.get();
            if (s == State.DELIVERED) {
                return payload;
            }
            if (s == State.CLOSED) {
                return null;
            }
            if (s != State.HANDING && state.compareAndSet(s, State.CLOSED)) {
                return null;
            }
            LockSupport.parkNanos(this, SPIN_NANOS);
        }
    }

    // ---- sender -------------------------------------------------------------------------------

    /** @return true if this sender may hand a message on {@code messageTopic} over now */
    boolean claim(String messageTopic) {
        return topic.equals(messageTopic) && state.compareAndSet(State.OPEN, State.HANDING);
    }

    void delivered(String message) {
        payload = message;
        state.set(State.DELIVERED);
        LockSupport.unpark(receiver);
    }

    void released() {
        state.set(State.OPEN);
        LockSupport.unpark(receiver);
    }
}
