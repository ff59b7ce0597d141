/** PBJ's meters for Micrometer: see {@link dev.pbj.metrics.PbjMetrics}. */
package dev.pbj.metrics;
