/* SPDX-License-Identifier: MIT */
/*
 * stats.h: what uds-bench reports about many timings.  The same code on
 * both platforms.
 */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>

/* The spread of a set of round-trip times, in microseconds. */
struct spread {
    double p50, p90, p99, p999, max;
};

/* The value at or below which at least `tenths` per mille of the `n`
 * sorted values lie (500 is the median, 999 is p99.9), by the nearest-rank
 * method: always one of the measured values, never an average of two. */
double stats_percentile(const double *sorted, size_t n, unsigned tenths);

/* Sort the n values (n > 0) and fill in their spread. */
void stats_spread(double *values, size_t n, struct spread *out);

#endif
