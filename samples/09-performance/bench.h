/* SPDX-License-Identifier: MIT */
/*
 * bench.h: the two measurements of uds-bench, round trip and stream,
 * written once for both platforms over transport.h.
 */
#ifndef BENCH_H
#define BENCH_H

#include "message.h"
#include "stats.h"
#include "transport.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/types.h>
#endif

/* One measurement: what the other side needs to know to play its part. */
struct job {
    struct link link;       /* the other side's end */
    int rtt;                /* 1: round trip (ping-pong), 0: stream */
    size_t size;            /* bytes per message */
    long warmup;            /* messages before the timed ones, not counted */
    int cpu;                /* the other side's CPU, or -1 */
#ifdef _WIN32
    HANDLE thread;
#else
    pid_t pid;
#endif
};

/* What one measurement found. */
struct result {
    long count;             /* timed round trips or messages */
    struct spread rtt;      /* round trips only */
    double mb_per_s;        /* stream only: 10^6 bytes per second */
    double msgs_per_s;      /* round trips or messages per second */
};

/* Run the measurement on this side; `count` timed messages, or as many as
 * fit in `seconds` when count is 0.  0, or 1 after printing why not. */
int bench_run(struct job *job, struct link *mine, long count, double seconds,
              struct result *out);

/* The other side's part: its exit status. */
int bench_peer(struct job *job);

#endif
