/**
 * Implementation of {@code durable}. Not API: anything here may change in any release without
 * notice. Applications use the package {@code io.durable} only.
 */
package io.durable.internal;
