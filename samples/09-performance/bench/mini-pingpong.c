/* SPDX-License-Identifier: MIT */
/*
 * mini-pingpong: the independent check of uds-bench's round trips.  A few
 * dozen lines that share no code with uds-bench or the kit's library:
 * two processes, one connection, 64-byte messages sent back and forth;
 * prints the median round trip in microseconds.  bench/accuracy.sh runs it
 * beside uds-bench, with the same CPU placement.
 *
 * usage: mini-pingpong unix|tcp|tcp-nodelay CPUS [COUNT]
 *   CPUS: 1 puts both processes on the first CPU this process may use,
 *   2 on the first two (as uds-bench --cpu one|two), 0 leaves
 *   them where the scheduler likes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_setaffinity() */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SIZE 64
#define WARMUP 1000

static void die(const char *what) { perror(what); exit(1); }

/* The parent's accept(), unless the child ends first (it failed to
 * connect and said why): the child holds the write end of the pipe `gone`
 * until it exits, so the read end reports the end of file then, and the
 * parent stops ("accept: No child processes") instead of waiting forever. */
static int accept_or_gone(int lis, int gone)
{
    struct pollfd p[2] = {{.fd = lis, .events = POLLIN}, {.fd = gone, .events = POLLIN}};
    if (poll(p, 2, -1) < 0)
        return -1;
    if (!(p[0].revents & POLLIN))
        return errno = ECHILD, -1;
    return accept(lis, NULL, NULL);
}

/* Whole messages, however the kernel cuts them. */
static void xfer(int fd, char *buf, int rd)
{
    for (size_t done = 0; done < SIZE;) {
        ssize_t n = rd ? read(fd, buf + done, SIZE - done) : write(fd, buf + done, SIZE - done);
        if (n <= 0)
            die(rd ? "read" : "write");
        done += (size_t)n;
    }
}

/* Onto the nth CPU this process may use (0 or 1): the first two, as uds-bench. */
static void pin(int nth)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        die("sched_getaffinity");
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set) && nth-- == 0) {
            CPU_ZERO(&set);
            CPU_SET(c, &set);
            if (sched_setaffinity(0, sizeof set, &set) != 0)
                die("sched_setaffinity");
            return;
        }
    fprintf(stderr, "%s: not that many CPUs to use\n", "mini-pingpong");
    exit(1);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: mini-pingpong unix|tcp|tcp-nodelay CPUS [COUNT]\n");
        return 2;
    }
    int tcp = strncmp(argv[1], "tcp", 3) == 0, cpus = atoi(argv[2]);
    int count = argc > 3 ? atoi(argv[3]) : 20000, one = 1;
    if (count < 1)
        return fprintf(stderr, "mini-pingpong: COUNT must be at least 1\n"), 2;
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr *addr = tcp ? (struct sockaddr *)&in : (struct sockaddr *)&un;
    socklen_t len = tcp ? sizeof in : sizeof un;
    snprintf(un.sun_path, sizeof un.sun_path, "/tmp/mini-pingpong.%d", (int)getpid());

    int lis = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
    if (lis < 0 || bind(lis, addr, len) != 0 || listen(lis, 1) != 0 || getsockname(lis, addr, &len) != 0)
        die("listener");
    int gone[2];
    if (pipe(gone) != 0)
        die("pipe");
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child != 0)
        close(gone[1]); /* only the child holds it, until it exits */
    int fd = child == 0 ? socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0) : accept_or_gone(lis, gone[0]);
    if (child != 0 && !tcp)
        unlink(un.sun_path); /* ours: bind() made it */
    if (fd < 0)
        die(child == 0 ? "socket" : "accept");
    if (child == 0 && connect(fd, addr, len) != 0)
        die("connect");
    if (strcmp(argv[1], "tcp-nodelay") == 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (cpus > 0)
        pin(child == 0 && cpus == 2 ? 1 : 0);
    char buf[SIZE];
    memset(buf, 'x', sizeof buf);
    if (child == 0) { /* the echo: every message straight back */
        for (int i = 0; i < WARMUP + count; i++) {
            xfer(fd, buf, 1);
            xfer(fd, buf, 0);
        }
        return 0;
    }
    double *us = malloc((size_t)count * sizeof *us);
    if (us == NULL)
        die("malloc");
    for (int i = -WARMUP; i < count; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        buf[0] = (char)i;
        xfer(fd, buf, 0);
        xfer(fd, buf, 1);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (buf[0] != (char)i)
            die("echo: wrong bytes");
        if (i >= 0)
            us[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
    }
    qsort(us, (size_t)count, sizeof *us, cmp);
    printf("mini-pingpong %s cpus=%d size=%d count=%d median_us=%.3f\n", argv[1], cpus, SIZE,
           count, us[(count + 1) / 2 - 1]);
    free(us);
    close(fd);
    close(lis);
    return waitpid(child, NULL, 0) == child ? 0 : 1;
}
