package io.durable;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link Durable#listWorkflows(WorkflowQuery)}: executions newest first, and a cursor to
 * the next page when there is one.
 *
 * <pre>{@code
 * WorkflowPage page = durable.listWorkflows(WorkflowQuery.all().status(WorkflowStatus.PENDING));
 * page.items().forEach(w -> System.out.println(w.id()));
 * page.nextCursor().ifPresent(c -> System.out.println("more: durable.listWorkflows(query.after(\"" + c + "\"))"));
 * }</pre>
 *
 * @param items      the executions of this page, at most the query's limit
 * @param nextCursor pass to {@link WorkflowQuery#after(String)} for the next page; empty on the last page
 */
public record WorkflowPage(List<WorkflowInfo> items, Optional<String> nextCursor) {
    public WorkflowPage {
        items = List.copyOf(items);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }

    /** @return true when another page follows */
    public boolean hasMore() {
        return nextCursor.isPresent();
    }
}
