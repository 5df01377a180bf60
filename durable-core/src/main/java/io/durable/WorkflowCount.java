package io.durable;

/**
 * How many executions of one workflow name are in one status, for dashboards; see
 * {@link Durable#countWorkflows()}.
 *
 * <pre>{@code
 * for (WorkflowCount c : durable.countWorkflows()) {
 *     System.out.println(c.name() + " " + c.status() + ": " + c.count());
 * }
 * long failed = durable.countWorkflows().stream()
 *         .filter(c -> c.status() == WorkflowStatus.FAILED).mapToLong(WorkflowCount::count).sum();
 * }</pre>
 *
 * @param name   the workflow name
 * @param status the status
 * @param count  how many executions (at least 1: absent combinations are not listed)
 */
public record WorkflowCount(String name, WorkflowStatus status, long count) {
}
