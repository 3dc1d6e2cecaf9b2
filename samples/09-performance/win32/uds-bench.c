/* SPDX-License-Identifier: MIT */
/*
 * uds-bench (Windows): how fast is AF_UNIX, next to named pipes, anonymous
 * pipes and TCP on the loopback?  For each transport and message size it
 * measures round trips (ping-pong with a second thread: percentiles of
 * the latency) and a stream (messages written back to back: MB/s and
 * messages/s), and prints a table, or CSV with --csv.
 *
 * The measurements are bench.c (their messages: message.c), the
 * transports transport.c and sockets.c, the clock, the CPUs and the other
 * side platform.c, the machine's description machine.c, the percentiles
 * stats.c; this file is the matrix and the report.
 */
#include "bench.h"
#include "machine.h"
#include "platform.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void header(const struct settings *s, const int cpus[2])
{
    FILE *out = stdout;

    fprintf(out, "# uds-bench: AF_UNIX against other local transports\n");
    describe_machine(out);
    if (s->count > 0)
        fprintf(out, "# run: %ld timed messages per measurement", s->count);
    else
        fprintf(out, "# run: about %g s per measurement", s->seconds);
    fprintf(out, " after %ld warm-up ones; CPUs: %s (this side %d, other side %d)\n",
            s->warmup, s->placement, cpus[0], cpus[1]);
    fprintf(out, "# percentiles: nearest rank; times in microseconds; MB = 10^6 bytes;"
            " rtt rows: msgs_per_s is round trips per second\n");
    if (s->note != NULL)
        fprintf(out, "# note: %s\n", s->note);
    if (s->csv)
        printf("transport,test,size,count,p50_us,p90_us,p99_us,p999_us,max_us,"
               "mb_per_s,msgs_per_s\n");
    else
        printf("%-12s %-6s %8s %8s %9s %9s %9s %9s %9s %9s %10s\n", "transport", "test",
               "size", "count", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us",
               "MB/s", "msgs/s");
}

/* [report] */
static void report(const struct settings *s, const char *name, const struct job *j,
                   const struct result *r)
{
    const struct spread *p = &r->rtt;
    const char *test = j->rtt ? "rtt" : "stream";

    if (s->csv && j->rtt)
        printf("%s,%s,%zu,%ld,%.2f,%.2f,%.2f,%.2f,%.2f,,%.0f\n", name, test, j->size,
               r->count, p->p50, p->p90, p->p99, p->p999, p->max, r->msgs_per_s);
    else if (s->csv)
        printf("%s,%s,%zu,%ld,,,,,,%.6f,%.0f\n", name, test, j->size, r->count,
               r->mb_per_s, r->msgs_per_s);
    else if (j->rtt)
        printf("%-12s %-6s %8zu %8ld %9.2f %9.2f %9.2f %9.2f %9.2f %9s %10.0f\n", name,
               test, j->size, r->count, p->p50, p->p90, p->p99, p->p999, p->max, "",
               r->msgs_per_s);
    else
        printf("%-12s %-6s %8zu %8ld %49s %9.4g %10.0f\n", name, test, j->size,
               r->count, "", r->mb_per_s, r->msgs_per_s);
    fflush(stdout);
}
/* [report] */

/* [measure] */
/* One measurement on a fresh channel: open it, start the other side, run. */
static int measure(const struct settings *s, const char *name, struct job *j)
{
    struct link mine;
    struct result r;
    int rc, peer_rc;

    if (transport_open(name, &mine, &j->link) != 0)
        return 1;
    if (peer_start(j, &mine) != 0) {
        link_close(&mine), link_close(&j->link);
        return 1;
    }
    rc = bench_run(j, &mine, s->count, s->seconds, &r);
    link_close(&mine);              /* the other side sees the end */
    peer_rc = peer_wait(j);
    if (rc != 0 || peer_rc != 0) {
        fprintf(stderr, PROG ": %s %s %zu bytes: the measurement failed\n", name,
                j->rtt ? "rtt" : "stream", j->size);
        return 1;
    }
    report(s, name, j, &r);
    return 0;
}
/* [measure] */

int main(int argc, char **argv)
{
    struct settings s;
    size_t largest = 1;
    int cpus[2], rc = settings_parse(argc, argv, &s);

    if (rc >= 0)
        return rc;
    /* Windows has no SIGPIPE: a write to a side that has failed is an error. */
    for (int i = 0; i < s.nsizes; i++)
        largest = s.sizes[i] > largest ? s.sizes[i] : largest;
    if (uds_startup() != 0 || cpu_choose(s.placement, cpus) != 0 ||
        cpu_pin(cpus[0]) != 0 || bench_prepare(largest) != 0)
        return 1;
    header(&s, cpus);
    for (int t = 0; rc != 1 && t < s.ntransports; t++) {
        if (!transport_available(s.transports[t]) && !s.explicit) {
            printf("# %s: skipped, not available on this system\n", s.transports[t]);
            continue;
        }
        for (int test = 1; rc != 1 && test <= 2; test++)
            for (int i = 0; rc != 1 && i < s.nsizes && (s.tests & test); i++) {
                struct job j = { .rtt = test == 1, .size = s.sizes[i],
                                 .warmup = s.warmup, .cpu = cpus[1] };
                rc = measure(&s, s.transports[t], &j) == 0 ? 0 : 1;
            }
    }
    bench_finish();
    uds_cleanup();
    return rc == 1 ? 1 : 0;
}
