/**
 * Implementation of {@code durable} (serial). Not API: may change in any release without notice.
 */
package io.durable.internal.serial;
