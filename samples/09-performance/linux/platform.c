/* SPDX-License-Identifier: MIT */
/*
 * platform.c (Linux): what a benchmark needs from the system (see
 * platform.h): a clock, CPU placement, and the other side of a
 * measurement as a second process.
 */
#include "bench.h"
#include "platform.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "uds-bench"

/* [clock] */
double clock_us(void)
{
    struct timespec ts;

    /* MONOTONIC: never set back by NTP or by hand, unlike the wall clock. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}
/* [clock] */

int cpu_choose(const char *placement, int cpus[2])
{
    cpu_set_t set;
    int found = 0;

    cpus[0] = cpus[1] = -1;
    if (strcmp(placement, "any") == 0)
        return 0;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return uds_fail(PROG, "cannot read", "the CPUs this process may use");
    for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
        if (CPU_ISSET(c, &set))
            cpus[found++] = c;
    if (strcmp(placement, "one") == 0)
        cpus[1] = cpus[0];
    else if (found < 2) {
        fprintf(stderr, PROG ": --cpu two needs two CPUs; this process may use one\n");
        return 1;
    }
    return 0;
}

int cpu_pin(int cpu)
{
    cpu_set_t set;

    if (cpu < 0)
        return 0;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        return uds_fail(PROG, "cannot move", "to its CPU");
    return 0;
}

/* The other side is a process of its own, as a real peer would be. */
int peer_start(struct job *job, struct link *mine)
{
    fflush(stdout);         /* or the child would print it a second time */
    job->pid = fork();
    if (job->pid < 0)
        return uds_fail(PROG, "cannot fork", "the other side");
    if (job->pid == 0) {
        int rc;

        link_close(mine);
        rc = cpu_pin(job->cpu);
        if (rc == 0)
            rc = bench_peer(job);
        bench_finish();
        _exit(rc);
    }
    link_close(&job->link);
    return 0;
}

int peer_wait(struct job *job)
{
    int status;

    if (waitpid(job->pid, &status, 0) != job->pid)
        return uds_fail(PROG, "cannot wait for", "the other side");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
