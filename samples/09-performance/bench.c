/* SPDX-License-Identifier: MIT */
/*
 * bench.c: the two measurements of uds-bench, the same on both platforms.
 *
 * Round trip: this side sends a message, the other side reads all of it and
 * sends it back, this side reads all of the echo; each round is timed on
 * its own.  Stream: this side writes messages back to back, the other side
 * reads them all and answers one byte at the end; the whole run is timed.
 *
 * Messages go in batches, each announced by its count (4 bytes): first
 * `warmup` messages that are not counted (the first ones pay for page
 * faults, cold caches and a CPU still asleep), then timed batches until
 * the count or the time is reached, then a count of 0.  Every byte
 * received is checked (message.c).
 */
#include "bench.h"
#include "platform.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "uds-bench"
#define MOST_MESSAGES 1000000L  /* caps a run chosen by time */

/* Round trips m = first ... first + n - 1; each one's time into us[]. */
static int ping_pong(struct link *l, unsigned char *buf, size_t size,
                     long first, long n, double *us)
{
    for (long m = first; m < first + n; m++) {
        double t0 = clock_us();
        int rc = send_message(l, m, size);

        if (rc == 0)
            rc = read_full(l, buf, size);
        if (rc != 0)
            return rc;
        if (us != NULL)
            us[m - first] = clock_us() - t0;
        if (check_message(buf, m, size) != 0)
            return 1;
    }
    return 0;
}

/* n messages written back to back, then the other side's one-byte answer. */
static int stream(struct link *l, unsigned char *buf, size_t size, long first, long n)
{
    for (long m = first; m < first + n; m++)
        if (send_message(l, m, size) != 0)
            return 1;
    return read_full(l, buf, 1);
}

/* One batch of n messages, m = first ...: the count goes first and the
 * other side answers it, so that two small writes never follow each other
 * unanswered (on TCP, Nagle's algorithm would hold the second one back
 * until a delayed acknowledgement, 40 ms later).  Its time goes to *us. */
static int batch(struct job *job, struct link *l, unsigned char *buf, long first,
                 long n, double *us, double *elapsed)
{
    uint32_t n32 = (uint32_t)n;
    double t0;
    int rc = write_full(l, (const unsigned char *)&n32, sizeof n32);

    if (rc == 0)
        rc = read_full(l, buf, 1);
    t0 = clock_us();
    if (rc == 0)
        rc = job->rtt ? ping_pong(l, buf, job->size, first, n, us)
                      : stream(l, buf, job->size, first, n);
    *elapsed = clock_us() - t0;
    return rc;
}

/* [run] */
int bench_run(struct job *job, struct link *l, long count, double seconds,
              struct result *out)
{
    unsigned char *buf = malloc(job->size > 4 ? job->size : 4);
    double *us = NULL, warm = 0, took, total = 0;
    long n = count, cap = 0, zero = 0;
    int rc = buf == NULL;

    /* Warm-up: the same work, not counted; its time sizes the first batch
     * of a run chosen by time. */
    if (rc == 0)
        rc = batch(job, l, buf, 0, job->warmup, NULL, &warm);
    if (n == 0)
        n = (long)(seconds * 1e6 / 4 / (warm / (job->warmup + 1) + 1)) + 1;
    out->count = 0;
    while (rc == 0 && n > 0) {
        if (job->rtt && out->count + n > cap) {
            double *more = realloc(us, (size_t)(cap = out->count + n) * sizeof *us);
            if (more == NULL) {
                fprintf(stderr, PROG ": out of memory for %ld timings\n", cap);
                rc = 1;
                break;
            }
            us = more;
        }
        rc = batch(job, l, buf, job->warmup + out->count, n,
                   job->rtt ? us + out->count : NULL, &took);
        out->count += n, total += took;
        /* By count: one batch.  By time: batches until the time is up,
         * each sized from the speed so far. */
        n = count > 0 || total >= seconds * 1e6 ? 0 :
            (long)((seconds * 1e6 - total) / (total / out->count)) + 1;
        if (n > MOST_MESSAGES - out->count)
            n = MOST_MESSAGES - out->count;
    }
    /* A count of 0 tells the other side that this was all. */
    if (rc == 0)
        rc = write_full(l, (const unsigned char *)&zero, sizeof(uint32_t));
    if (rc == 0 && job->rtt)
        stats_spread(us, (size_t)out->count, &out->rtt);
    out->mb_per_s = (double)job->size * (double)out->count / total;
    out->msgs_per_s = (double)out->count * 1e6 / total;
    free(us);
    free(buf);
    return rc != 0;
}
/* [run] */

/* The other side: for each batch, echo every message back (round trip) or
 * read them all and answer one byte (stream), checking every byte it
 * receives; a batch of 0 ends. */
int bench_peer(struct job *job)
{
    static const unsigned char answer[1] = { '.' };
    unsigned char *buf = malloc(job->size > 4 ? job->size : 4);
    uint32_t n32 = 1;
    long m = 0;
    int rc = buf == NULL;

    while (rc == 0 && (rc = read_full(&job->link, (unsigned char *)&n32, 4)) == 0 &&
           n32 > 0) {
        long end = m + (long)n32;

        rc = write_full(&job->link, answer, 1);
        for (; rc == 0 && m < end; m++) {
            rc = read_full(&job->link, buf, job->size);
            /* Echo first and check after, so that the check adds little
             * to the round trip being timed. */
            if (rc == 0 && job->rtt)
                rc = write_full(&job->link, buf, job->size);
            if (rc == 0)
                rc = check_message(buf, m, job->size);
        }
        if (rc == 0 && !job->rtt)
            rc = write_full(&job->link, answer, 1);
    }
    free(buf);
    return rc == 2 ? 0 : rc;     /* this side ended first: it says why */
}
