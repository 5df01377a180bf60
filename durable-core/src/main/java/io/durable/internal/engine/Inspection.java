package io.durable.internal.engine;

import io.durable.ErrorInfo;
import io.durable.StepInfo;
import io.durable.WorkflowCount;
import io.durable.WorkflowInfo;
import io.durable.WorkflowPage;
import io.durable.WorkflowQuery;
import io.durable.internal.serial.ErrorCodec;
import io.durable.internal.serial.PayloadCodec;
import io.durable.internal.store.PageCursor;
import io.durable.internal.store.StepRow;
import io.durable.internal.store.Store;
import io.durable.internal.store.WorkflowRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The read side for operators: one execution, its journal, listings and counts, decoded for display.
 * A payload that cannot be decoded (its class is gone) is shown as its stored JSON instead of failing.
 */
final class Inspection {
    private final Store store;
    private final PayloadCodec codec;
    private final ErrorCodec errors;

    Inspection(Store store, PayloadCodec codec, ErrorCodec errors) {
        this.store = store;
        this.codec = codec;
        this.errors = errors;
    }

    Optional<WorkflowInfo> workflow(String workflowId) {
        return store.findWorkflow(workflowId).map(this::info);
    }

    List<StepInfo> journal(String workflowId) {
        List<StepInfo> out = new ArrayList<>();
        for (StepRow row : store.loadJournal(workflowId)) {
            Optional<ErrorInfo> error = Optional.ofNullable(row.error()).map(errors::info);
            out.add(new StepInfo(row.position(), row.name(), row.status(), decodeForDisplay(row.output()), error,
                    row.attempts(), row.startedAt(), row.completedAt(), Optional.ofNullable(row.childWorkflowId())));
        }
        return out;
    }

    WorkflowPage list(WorkflowQuery query) {
        Objects.requireNonNull(query, "query");
        List<WorkflowRow> rows = store.listWorkflows(query);
        if (rows.size() <= query.limit()) {
            return new WorkflowPage(rows.stream().map(this::info).toList(), Optional.empty());
        }
        List<WorkflowRow> page = rows.subList(0, query.limit());
        WorkflowRow last = page.get(page.size() - 1);
        return new WorkflowPage(page.stream().map(this::info).toList(),
                Optional.of(new PageCursor(last.createdAt(), last.id()).encode()));
    }

    List<WorkflowCount> counts(Instant createdFrom, Instant createdBefore) {
        if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
            throw new IllegalArgumentException("createdFrom (" + createdFrom + ") must be before createdBefore ("
                    + createdBefore + ")");
        }
        return store.countWorkflows(createdFrom, createdBefore);
    }

    private WorkflowInfo info(WorkflowRow row) {
        return new WorkflowInfo(row.id(), row.name(), row.status(),
                Arrays.asList(decodeArgumentsForDisplay(row.inputs())), decodeForDisplay(row.output()),
                Optional.ofNullable(row.error()).map(errors::info), row.owner(), row.epoch(), row.recoveryAttempts(),
                row.createdAt(), row.updatedAt(), row.completedAt(), Optional.ofNullable(row.parentId()),
                Optional.ofNullable(row.deadlineAt()), Optional.ofNullable(row.forkedFrom()),
                row.forkPosition() == null ? OptionalInt.empty() : OptionalInt.of(row.forkPosition()),
                Optional.ofNullable(row.queueName()),
                row.priority() == null ? OptionalInt.empty() : OptionalInt.of(row.priority()),
                Optional.ofNullable(row.partitionKey()), Optional.ofNullable(row.deduplicationId()),
                Optional.ofNullable(row.dequeuedAt()));
    }

    private Object decodeForDisplay(String json) {
        try {
            return codec.decode(json);
        } catch (RuntimeException e) {
            return json;
        }
    }

    private Object[] decodeArgumentsForDisplay(String json) {
        try {
            return codec.decodeArguments(json);
        } catch (RuntimeException e) {
            return new Object[] {json};
        }
    }
}
