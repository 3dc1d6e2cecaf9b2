/* SPDX-License-Identifier: MIT */
/*
 * platform.c (Windows): what a benchmark needs from the system (see
 * platform.h): a clock, CPU placement, and the other side of a
 * measurement as a second thread.
 */
#include "bench.h"
#include "platform.h"

#include <process.h>
#include <stdio.h>
#include <string.h>

#define PROG "uds-bench"

/* [clock] */
double clock_us(void)
{
    static LARGE_INTEGER hz;
    LARGE_INTEGER now;

    /* QueryPerformanceCounter: monotonic, and finer than a microsecond. */
    if (hz.QuadPart == 0)
        QueryPerformanceFrequency(&hz);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1e6 / (double)hz.QuadPart;
}
/* [clock] */

int cpu_choose(const char *placement, int cpus[2])
{
    DWORD_PTR mine, all;
    int found = 0;

    cpus[0] = cpus[1] = -1;
    if (strcmp(placement, "any") == 0)
        return 0;
    if (!GetProcessAffinityMask(GetCurrentProcess(), &mine, &all))
        return uds_fail_code(PROG, "cannot read", "the CPUs this process may use",
                             (int)GetLastError());
    for (int c = 0; c < (int)(8 * sizeof mine) && found < 2; c++)
        if (mine & ((DWORD_PTR)1 << c))
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
    if (cpu < 0)
        return 0;
    if (SetThreadAffinityMask(GetCurrentThread(), (DWORD_PTR)1 << cpu) == 0)
        return uds_fail_code(PROG, "cannot move", "to its CPU", (int)GetLastError());
    return 0;
}

static unsigned __stdcall peer_thread(void *arg)
{
    struct job *job = arg;
    int rc = cpu_pin(job->cpu);

    if (rc == 0)
        rc = bench_peer(job);
    /* Close this side's end as a process would by exiting, so that this
     * side, perhaps blocked in a write, sees that the other one has ended. */
    link_close(&job->link);
    return (unsigned)rc;
}

/* The other side is a thread: Windows has no fork(), and a second process
 * would need the handles passed to it (chapter 06). */
int peer_start(struct job *job, struct link *mine)
{
    (void)mine;     /* one process: the two ends stay open until both are done */
    job->thread = (HANDLE)_beginthreadex(NULL, 0, peer_thread, job, 0, NULL);
    if (job->thread == NULL)
        return uds_fail_code(PROG, "cannot start", "the other side", (int)GetLastError());
    return 0;
}

int peer_wait(struct job *job)
{
    DWORD rc = 1;

    WaitForSingleObject(job->thread, INFINITE);
    GetExitCodeThread(job->thread, &rc);
    CloseHandle(job->thread);
    return (int)rc;
}
