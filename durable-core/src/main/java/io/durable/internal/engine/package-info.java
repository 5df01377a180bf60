/**
 * Implementation of {@code durable} (engine). Not API: may change in any release without notice.
 */
package io.durable.internal.engine;
