package io.durable.internal.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Wake-ups between the durable instances of one JVM that use the same SQLite tables (an executor and
 * the {@code DurableClient}s of the application, say), the part of PostgreSQL's LISTEN/NOTIFY that a
 * file can offer. Delivered on one daemon thread, off the publisher's path; other processes poll.
 */
final class SqliteWakeUps {
    private static final Logger log = LoggerFactory.getLogger(SqliteWakeUps.class);
    private static final Map<String, List<Consumer<String>>> LISTENERS = new ConcurrentHashMap<>();
    private static final ExecutorService DELIVERY = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "durable-sqlite-wakeups");
        t.setDaemon(true);
        return t;
    });

    private final String channel;

    /** @param channel the file and table prefix the wake-ups are about */
    SqliteWakeUps(String channel) {
        this.channel = channel;
    }

    void publish(String payload) {
        List<Consumer<String>> listeners = LISTENERS.get(channel);
        if (listeners == null || listeners.isEmpty()) {
            return;
        }
        DELIVERY.execute(() -> {
            for (Consumer<String> listener : listeners) {
                try {
                    listener.accept(payload);
                } catch (RuntimeException e) {
                    log.warn("a wake-up listener failed on '{}': {}", payload, e.toString());
                }
            }
        });
    }

    AutoCloseable subscribe(Consumer<String> listener) {
        LISTENERS.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> LISTENERS.computeIfPresent(channel, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }
}
