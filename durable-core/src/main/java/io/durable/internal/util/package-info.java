/**
 * Implementation of {@code durable} (util). Not API: may change in any release without notice.
 */
package io.durable.internal.util;
