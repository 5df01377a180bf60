/**
 * Implementation of {@code durable} (store). Not API: may change in any release without notice.
 */
package io.durable.internal.store;
