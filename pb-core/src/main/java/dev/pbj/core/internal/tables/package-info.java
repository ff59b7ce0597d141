/**
 * The tables one connection keeps, each owned by its context: what this side exports (local objects, observed
 * cacheables) and what it holds of the peer's (imported references with a handle per arrival, replicated caches),
 * and {@link dev.pbj.core.internal.tables.JellyTables}, the only way Jelly reaches them.
 */
package dev.pbj.core.internal.tables;
