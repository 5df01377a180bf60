package io.durable.internal.engine;

import io.durable.DurableException;
import io.durable.internal.store.Store;
import io.durable.internal.store.TakenOver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Takes over the unfinished workflows of executors of this application whose lease has expired
 * (they died, hang, or stopped cleanly with work left), after each heartbeat of this executor.
 *
 * <p>Each batch is one statement that re-owns the workflows under a raised epoch, so the old owner,
 * should it come back, can record nothing more for them. Runnable workflows are claimed only up to
 * the free room of the local workflow threads and resumed by replay; the rest is left to the next
 * heartbeat or to other executors. Waiting ones need no thread: they are only re-owned, and this
 * executor's waker resumes them when their wait is over.
 */
final class Takeover {
    private static final Logger log = LoggerFactory.getLogger(Takeover.class);
    /** Most waiting workflows re-owned by one statement. */
    static final int PARKED_BATCH = 1000;

    private final Engine engine;
    private final Store store;
    private final String executorId;
    private final String application;

    Takeover(Engine engine, Store store, EngineConfig config) {
        this.engine = engine;
        this.store = store;
        this.executorId = config.executorId();
        this.application = config.application();
    }

    /**
     * Claims batches until nothing more is claimable, the workflow threads are full, or the time is up.
     *
     * @param untilNanos when to stop ({@link System#nanoTime()}), so the next heartbeat is not held up
     */
    void run(long untilNanos) {
        Collection<String> names = engine.registry().workflowNames();
        if (names.isEmpty()) {
            return;
        }
        while (engine.isRunning() && System.nanoTime() - untilNanos < 0) {
            int room = engine.freeWorkers();
            List<TakenOver> batch = store.takeOver(executorId, application, names, room, PARKED_BATCH);
            if (batch.isEmpty()) {
                return;
            }
            int runnable = 0;
            int parked = 0;
            Map<String, int[]> byPrevious = new TreeMap<>();
            for (TakenOver taken : batch) {
                int[] counts = byPrevious.computeIfAbsent(taken.previousOwner(), owner -> new int[2]);
                if (taken.parked()) {
                    parked++;
                    counts[1]++;
                } else {
                    runnable++;
                    counts[0]++;
                }
            }
            byPrevious.forEach((previous, counts) -> log.info("took over {} workflow(s) of executor '{}' (lease "
                    + "expired): {} to run here, {} waiting (re-owned, resumed when their wait is over)",
                    counts[0] + counts[1], previous, counts[0], counts[1]));
            for (TakenOver taken : batch) {
                if (!taken.parked()) {
                    resume(taken);
                }
            }
            boolean roomWasFilled = room > 0 && runnable == room;
            if (!roomWasFilled && parked < PARKED_BATCH) {
                return;
            }
        }
    }

    private void resume(TakenOver taken) {
        try {
            engine.resumeIfStarted(taken.row());
        } catch (DurableException e) {
            // It stays PENDING under this executor: its next start recovers it.
            log.warn("could not resume workflow '{}' taken over from executor '{}': {}", taken.row().id(),
                    taken.previousOwner(), e.getMessage());
        }
    }
}
