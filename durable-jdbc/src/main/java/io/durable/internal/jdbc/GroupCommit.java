package io.durable.internal.jdbc;

import io.durable.DatabaseUnavailableException;
import io.durable.DurableException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit without a writer thread: a caller that finds no writer busy becomes the writer,
 * drains every pending checkpoint (its own included) into one transaction, commits, and releases
 * all their waiters (after handing the writer's slot on); callers arriving meanwhile queue up for
 * the next batch. Alone, a caller
 * writes its own checkpoint at once, with no hand-off and no batching delay. Each waiter returns
 * only after its checkpoint is committed.
 */
final class GroupCommit {
    private final Database db;
    private final CheckpointRepository sql;
    private final int maxWriters;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Checkpoint<?>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger writers = new AtomicInteger();

    GroupCommit(Database db, CheckpointRepository sql, int maxWriters, int maxBatch) {
        this.db = db;
        this.sql = sql;
        this.maxWriters = maxWriters;
        this.maxBatch = maxBatch;
    }

    /** Queues the checkpoint and returns its outcome once it is committed (or failed). */
    <R> R submit(Checkpoint<R> item) {
        pending.add(item);
        boolean interrupted = false;
        while (!item.isDone()) {
            if (tryLead()) {
                List<Checkpoint<?>> batch = drain();
                try {
                    if (!batch.isEmpty()) {
                        write(batch);
                    }
                } finally {
                    batch.forEach(Checkpoint::release);
                    writers.decrementAndGet();
                    Checkpoint<?> next = pending.peek();
                    if (next != null) {
                        LockSupport.unpark(next.waiter());
                    }
                }
            } else {
                LockSupport.park(this);
                // An interrupt must not abandon a checkpoint another thread may be writing.
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return item.outcome();
    }

    private boolean tryLead() {
        for (int now = writers.get(); now < maxWriters; now = writers.get()) {
            if (writers.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    private List<Checkpoint<?>> drain() {
        List<Checkpoint<?>> batch = new ArrayList<>();
        Checkpoint<?> item;
        while (batch.size() < maxBatch && (item = pending.poll()) != null) {
            batch.add(item);
        }
        return batch;
    }

    private void write(List<Checkpoint<?>> batch) {
        List<Checkpoint.Start> starts = ofKind(batch, Checkpoint.Start.class);
        List<Checkpoint.Step> steps = ofKind(batch, Checkpoint.Step.class);
        List<Checkpoint.Complete> completions = ofKind(batch, Checkpoint.Complete.class);
        CheckpointRepository.Outcomes outcomes;
        try {
            outcomes = db.run("record " + batch.size() + " checkpoint(s)", c -> sql.write(c, starts, steps, completions));
        } catch (DurableException e) {
            if (batch.size() > 1 && !(e instanceof DatabaseUnavailableException)) {
                // A non-transient failure may come from one bad row: write each alone so only it fails.
                for (Checkpoint<?> item : batch) {
                    write(List.of(item));
                }
            } else {
                batch.forEach(item -> item.fail(e));
            }
            return;
        } catch (RuntimeException e) {
            batch.forEach(item -> item.fail(e));
            return;
        }
        outcomes.starts().forEach(Checkpoint::succeed);
        outcomes.steps().forEach(Checkpoint::succeed);
        outcomes.completions().forEach(Checkpoint::succeed);
    }

    private static <T> List<T> ofKind(List<Checkpoint<?>> batch, Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Checkpoint<?> item : batch) {
            if (kind.isInstance(item)) {
                out.add(kind.cast(item));
            }
        }
        return out;
    }
}
