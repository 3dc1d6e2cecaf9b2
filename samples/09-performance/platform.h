/* SPDX-License-Identifier: MIT */
/*
 * platform.h: the few things a benchmark needs from the platform: a
 * clock, CPU placement, and the other side of a measurement (a second
 * process or thread).  One file per platform: linux/platform.c,
 * win32/platform.c.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include "transport.h"

/* A monotonic clock in microseconds, fine enough for one round trip. */
double clock_us(void);

/* The CPUs for the two sides: "one" puts both on the first CPU this
 * process may use, "two" on the first two, "any" leaves it to the
 * scheduler (-1).  0, or 1 after printing why not. */
int cpu_choose(const char *placement, int cpus[2]);

/* Keep the calling thread on `cpu` (nothing for -1).  0, or 1 after printing. */
int cpu_pin(int cpu);

/* The other side of a measurement: a process (Linux) or a thread (Windows)
 * that runs bench_peer() on `job` (bench.h). */
struct job;
int peer_start(struct job *job, struct link *mine);
int peer_wait(struct job *job);     /* bench_peer()'s status, or 1 */

#endif
