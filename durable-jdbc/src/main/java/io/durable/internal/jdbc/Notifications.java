package io.durable.internal.jdbc;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * PostgreSQL LISTEN/NOTIFY for wake-ups. Publishing never sits on a checkpoint's commit: payloads
 * are queued and sent in batches by their own thread, in their own transaction (a NOTIFY inside a
 * checkpoint would serialize every commit on PostgreSQL's notification queue lock). A lost
 * notification only delays a wake-up until the next poll.
 */
final class Notifications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifications.class);
    private static final int MAX_BATCH = 1000;
    private static final long LISTEN_POLL_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1000;

    private final DataSource dataSource;
    private final String channel;
    private final String notifySql = "SELECT pg_notify(?, p) FROM unnest(?::text[]) AS p";
    private final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private Thread publisher;
    private Thread listener;

    Notifications(DataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.channel = "durable_" + schema;
    }

    synchronized void publish(String payload) {
        if (closed) {
            return;
        }
        if (publisher == null) {
            publisher = daemon("durable-notify", this::publishLoop);
        }
        outbox.add(payload);
    }

    synchronized AutoCloseable subscribe(Consumer<String> consumer) {
        if (listener != null) {
            throw new IllegalStateException("already subscribed");
        }
        listener = daemon("durable-listen", () -> listenLoop(consumer));
        return () -> {
            Thread t;
            synchronized (this) {
                t = listener;
                listener = null;
            }
            if (t != null) {
                t.interrupt();
            }
        };
    }

    private Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void publishLoop() {
        List<String> batch = new ArrayList<>();
        while (!closed) {
            try {
                String first = outbox.poll(LISTEN_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbox.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                log.debug("could not publish {} wake-up(s) on '{}': {}; waiters will poll", batch.size(), channel,
                        e.getMessage());
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<String> batch) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(notifySql)) {
            Array payloads = c.createArrayOf("text", batch.toArray());
            ps.setString(1, channel);
            ps.setArray(2, payloads);
            ps.execute();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private void listenLoop(Consumer<String> consumer) {
        while (!closed && !Thread.currentThread().isInterrupted()) {
            try (Connection c = dataSource.getConnection()) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed && !Thread.currentThread().isInterrupted()) {
                    PGNotification[] received = pg.getNotifications((int) LISTEN_POLL_MILLIS);
                    if (received != null) {
                        for (PGNotification n : received) {
                            deliver(consumer, n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                log.debug("listening on '{}' failed: {}; retrying in {} ms (waiters poll meanwhile)", channel,
                        e.getMessage(), RECONNECT_MILLIS);
                try {
                    Thread.sleep(RECONNECT_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static void deliver(Consumer<String> consumer, String payload) {
        try {
            consumer.accept(payload);
        } catch (RuntimeException e) {
            log.warn("wake-up handler failed on '{}': {}", payload, e.toString(), e);
        }
    }

    @Override
    public void close() {
        Thread p;
        Thread l;
        synchronized (this) {
            closed = true;
            p = publisher;
            l = listener;
        }
        for (Thread t : new Thread[] {p, l}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
