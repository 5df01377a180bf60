package io.durable.internal.store;

/**
 * Outcome of starting a child workflow together with the parent's journal entry for the start.
 * {@code STARTED}: the child row was inserted and the entry recorded. {@code JOINED}: a workflow of
 * the same name already had the child's ID; the entry now names it. {@code NAME_CONFLICT}: the ID
 * names a workflow of another name ({@code existingName}); nothing was written. {@code CONFLICT}:
 * the parent's position was already recorded ({@code existing} wins); nothing was written.
 * {@code FENCED}: the parent is no longer owned at this epoch, or not PENDING; nothing was written.
 *
 * @param kind         what happened
 * @param existingName the name the child ID already names (NAME_CONFLICT)
 * @param existing     the entry already at the parent's position (CONFLICT)
 */
public record ChildStart(Kind kind, String existingName, StepRow existing) {
    /** The ways a child start can end. */
    public enum Kind { STARTED, JOINED, NAME_CONFLICT, CONFLICT, FENCED }
}
