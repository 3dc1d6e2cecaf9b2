/* SPDX-License-Identifier: MIT */
/*
 * percentiles: exercise 09.  Reads round-trip times (whole nanoseconds,
 * one or more per line) from FILE and prints their percentiles by the
 * nearest-rank method: p50, p90, p99, p99.9 and the maximum, or the
 * percentiles named after FILE.  Complete the TODOs; see TASK.md.
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

/* TODO 1: order two samples for qsort(): return a negative number when
 * the sample at A is smaller than the one at B, 0 when they are equal, a
 * positive number when it is larger.  The samples are unsigned 64-bit
 * nanoseconds, and a round trip that stalled for a few seconds is over
 * 2^31 ns: make sure the answer is right for any two of them. */
static int compare_ns(const void *a, const void *b)
{
    (void)a;
    (void)b;
    return 0;
}

/* TODO 2: the nearest rank of the percentile PER_MILLE/10 (99.9 is 999,
 * 100 is 1000) among N sorted samples: the smallest rank r, from 1 to N,
 * such that at least that percentage of the samples are among the first
 * r.  Called with 0 < PER_MILLE <= 1000 and N > 0.  It must be exact for
 * every N: p99.9 of 1000 samples is rank 999, not 1000. */
static size_t nearest_rank(unsigned per_mille, size_t n)
{
    (void)per_mille;
    (void)n;
    return 0;
}

/* TODO 3: the percentile's value: the sample at that rank of the sorted
 * array (ranks count from 1). */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned per_mille)
{
    (void)sorted;
    (void)nearest_rank(per_mille, n);
    return 0;
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
