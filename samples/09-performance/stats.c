/* SPDX-License-Identifier: MIT */
/*
 * stats.c: percentiles by the nearest-rank method.
 *
 * A benchmark that prints one mean hides what matters about latency: a
 * mean of 10 us can be 999 round trips of 5 us and one of 5 ms.  So
 * uds-bench sorts every timing and reports the median, p90, p99, p99.9 and
 * the maximum.  Nearest rank is the simplest definition with no
 * interpolation: the p-th percentile of n sorted values is the value at
 * rank ceil(p/100 * n), counting from 1.
 */
#include "stats.h"

#include <stdlib.h>

double stats_percentile(const double *sorted, size_t n, unsigned tenths)
{
    /* ceil(tenths * n / 1000) in integers: in floating point, 0.9 * 10 is
     * 9.000000000000002, whose ceiling would be rank 10, not 9. */
    size_t rank = ((size_t)tenths * n + 999) / 1000;

    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

void stats_spread(double *values, size_t n, struct spread *out)
{
    qsort(values, n, sizeof *values, by_value);
    out->p50 = stats_percentile(values, n, 500);
    out->p90 = stats_percentile(values, n, 900);
    out->p99 = stats_percentile(values, n, 990);
    out->p999 = stats_percentile(values, n, 999);
    out->max = values[n - 1];
}
