/* SPDX-License-Identifier: MIT */
/*
 * percentiles: exercise 09, solved.  Reads round-trip times (whole
 * nanoseconds, one or more per line) from FILE and prints their
 * percentiles by the nearest-rank method: p50, p90, p99, p99.9 and the
 * maximum, or the percentiles named after FILE.
 *
 * A latency is never summed up by its mean: one stall of a few
 * milliseconds among thousands of 20 us round trips hardly moves the mean,
 * and it is what a user notices.  The percentiles say how often such a
 * thing happens, and the nearest-rank method answers with one of the
 * measured samples, never with an average of two.
 *
 * usage: percentiles FILE [P...]     (P: 0 < P <= 100, at most one decimal)
 */
#include "uds.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "percentiles"
#define USAGE "usage: percentiles FILE [P...]"

/* TODO 1, solved: order two samples for qsort().  The samples are
 * unsigned 64-bit nanoseconds, and a round trip that stalled for a few
 * seconds is over 2^31 ns: `return (int)(x - y);` would cut the difference
 * to 32 bits and turn its sign at random, so a wrong order would follow.
 * Two comparisons give -1, 0 or 1 for any two values and never overflow. */
static int compare_ns(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* TODO 2, solved: the nearest rank of percentile PER_MILLE/10 among N
 * sorted samples, from 1 to N: the smallest rank r with r/N >= P/100,
 * that is r = ceil(P/100 * N).  P is given in tenths of a percent (99.9 is
 * 999), so r = ceil(per_mille * N / 1000), done in whole numbers: with
 * doubles, 99.9 / 100 * 1000 is 999.00000000000011 and ceil() makes it
 * 1000, one rank too far exactly at p99.9 of 1000 samples.  Adding 999
 * before the division rounds up.  Nothing is averaged or interpolated:
 * the answer is always one of the samples.  (per_mille * n stays far
 * below 2^64 for any count that fits in memory.) */
static size_t nearest_rank(unsigned per_mille, size_t n)
{
    size_t r = ((uint64_t)per_mille * n + 999) / 1000;

    /* per_mille > 0 and n > 0 make r >= 1, and per_mille <= 1000 makes
     * r <= n; the clamps only say so. */
    if (r < 1)
        r = 1;
    return r > n ? n : r;
}

/* TODO 3, solved: the percentile's value.  A rank counts from 1 and C
 * arrays from 0, so rank r is sorted[r - 1]: p100 is sorted[n - 1], the
 * maximum, and any percentile of one sample is that sample. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned per_mille)
{
    return sorted[nearest_rank(per_mille, n) - 1];
}

/* ---- Given: reading the samples, parsing P, printing. ---- */

/* "99.9" -> 999, "50" -> 500; 0 when TEXT is not 0 < P <= 100 with at
 * most one decimal. */
static unsigned parse_per_mille(const char *text)
{
    unsigned whole = 0, tenth = 0;
    const char *p = text;

    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((whole = whole * 10 + (unsigned)(*p - '0')) > 100)
            return 0;
    if (*p == '.' && p[1] >= '0' && p[1] <= '9' && p[2] == '\0')
        tenth = (unsigned)(p[1] - '0');
    else if (*p != '\0')
        return 0;
    unsigned pm = whole * 10 + tenth;
    return pm <= 1000 ? pm : 0;
}

/* Reads every sample of F into *V (grown with realloc); returns the count,
 * or (size_t)-1 after printing why. */
static size_t read_samples(FILE *f, const char *path, uint64_t **v)
{
    size_t n = 0, cap = 0;
    char word[32];

    while (fscanf(f, "%31s", word) == 1) {
        char *end;
        errno = 0;
        unsigned long long ns = strtoull(word, &end, 10);
        /* strtoull() takes "-5" and wraps it: digits only. */
        if (word[0] < '0' || word[0] > '9' || *end != '\0' || errno == ERANGE) {
            fprintf(stderr, PROG ": bad sample in %s: '%s' is not a whole number of nanoseconds\n",
                    path, word);
            return (size_t)-1;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            uint64_t *nv = realloc(*v, ncap * sizeof *nv);
            if (nv == NULL) {
                fprintf(stderr, PROG ": out of memory after %zu samples\n", n);
                return (size_t)-1;
            }
            *v = nv;
            cap = ncap;
        }
        (*v)[n++] = ns;
    }
    if (ferror(f)) {
        uds_fail_code(PROG, "cannot read", path, errno);
        return (size_t)-1;
    }
    return n;
}

int main(int argc, char **argv)
{
    static char *const defaults[] = {"50", "90", "99", "99.9", "100"};
    int rc = uds_options(PROG, argc, argv, NULL, USAGE);
    if (rc >= 0)
        return rc;
    if (argc < 2) {
        fprintf(stderr, USAGE "\n");
        return 2;
    }
    char *const *ps = argc > 2 ? argv + 2 : defaults;
    int nps = argc > 2 ? argc - 2 : 5;
    for (int i = 0; i < nps; i++)
        if (parse_per_mille(ps[i]) == 0) {
            fprintf(stderr, PROG ": bad percentile '%s' (0 < P <= 100, at most one decimal)\n" USAGE "\n",
                    ps[i]);
            return 2;
        }

    FILE *f = fopen(argv[1], "r");
    if (f == NULL)
        return uds_fail_code(PROG, "cannot open", argv[1], errno);
    uint64_t *v = NULL;
    size_t n = read_samples(f, argv[1], &v);
    fclose(f);
    if (n == (size_t)-1 || n == 0) {
        if (n == 0)
            fprintf(stderr, PROG ": no samples in %s\n", argv[1]);
        free(v);
        return 1;
    }

    qsort(v, n, sizeof *v, compare_ns);
    printf("n %zu\n", n);
    for (int i = 0; i < nps; i++) {
        unsigned pm = parse_per_mille(ps[i]);
        /* p100 is the largest sample: it is printed by its name. */
        if (pm == 1000)
            printf("max %llu\n", (unsigned long long)percentile(v, n, pm));
        else
            printf("p%s %llu\n", ps[i], (unsigned long long)percentile(v, n, pm));
    }
    free(v);
    if (fflush(stdout) != 0)
        return uds_fail_code(PROG, "cannot write", "standard output", errno);
    return 0;
}
