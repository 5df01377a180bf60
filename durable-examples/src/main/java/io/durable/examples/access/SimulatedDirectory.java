package io.durable.examples.access;

import io.durable.Durable;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an external identity directory, in memory: it grants roles, deduplicates
 * repeated calls by idempotency key as a real API would, and can be switched into an outage in
 * which every call fails.
 *
 * <pre>{@code
 * SimulatedDirectory directory = new SimulatedDirectory(durable, System.out);
 * directory.breakDown();   // every grant now fails: the saga compensates
 * directory.repair();
 * }</pre>
 */
public final class SimulatedDirectory implements Provisioning {
    private final Durable durable;
    private final PrintStream out;
    private final Map<String, String> grantsByKey = new ConcurrentHashMap<>();
    private final Map<String, Integer> attemptsByKey = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean down;

    /**
     * @param durable the instance running the workflows (for {@code idempotencyKey()})
     * @param out     where each call is reported
     */
    public SimulatedDirectory(Durable durable, PrintStream out) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public String grant(String requestId, String user, String role) {
        calls.incrementAndGet();
        // The same key on every attempt and after a crash: a repeated call gets the first grant back.
        String key = durable.idempotencyKey();
        int attempt = attemptsByKey.merge(key, 1, Integer::sum);
        String call = "  [directory] grant " + role + " to " + user + " (key " + key + ", attempt " + attempt + ") -> ";
        if (down) {
            out.println(call + "503 Service Unavailable");
            throw new ProvisioningException("directory answered 503 Service Unavailable to 'grant " + role + " to "
                    + user + "'");
        }
        String grantId = grantsByKey.computeIfAbsent(key, k -> "grant-" + Integer.toHexString(k.hashCode()));
        out.println(call + grantId);
        return grantId;
    }

    /** Every grant fails from now on, until {@link #repair()}. */
    public void breakDown() {
        down = true;
    }

    /** Grants work again. */
    public void repair() {
        down = false;
    }

    /** @return how many grant calls arrived, retries included */
    public int calls() {
        return calls.get();
    }

    /** @return the roles granted so far, by idempotency key */
    public Map<String, String> grants() {
        return Map.copyOf(grantsByKey);
    }
}
