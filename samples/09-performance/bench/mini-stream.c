/* SPDX-License-Identifier: MIT */
/*
 * mini-stream: the independent check of uds-bench's stream throughput.  A
 * short program that shares no code with uds-bench or the kit's library:
 * one process writes 64 KiB buffers into one connection, the other reads
 * them all; prints megabytes (10^6 bytes) per second, counted from the end
 * of a warm-up to the end of the stream.  bench/accuracy.sh runs it beside
 * uds-bench, with the same CPU placement.
 *
 * usage: mini-stream unix|tcp|tcp-nodelay CPUS [MIB]
 *   CPUS: 1 puts both processes on the first CPU this process may use,
 *   2 on the first two (as uds-bench --cpu one|two), 0 leaves
 *   them where the scheduler likes.  MIB: how much is timed (default 512).
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

#define CHUNK 65536
#define WARMUP (32ll << 20)

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
    fprintf(stderr, "%s: not that many CPUs to use\n", "mini-stream");
    exit(1);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: mini-stream unix|tcp|tcp-nodelay CPUS [MIB]\n");
        return 2;
    }
    int tcp = strncmp(argv[1], "tcp", 3) == 0, cpus = atoi(argv[2]), one = 1;
    long long total = (argc > 3 ? atoll(argv[3]) : 512) << 20;
    if (total < CHUNK)
        return fprintf(stderr, "mini-stream: MIB must be at least 1\n"), 2;
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr *addr = tcp ? (struct sockaddr *)&in : (struct sockaddr *)&un;
    socklen_t len = tcp ? sizeof in : sizeof un;
    snprintf(un.sun_path, sizeof un.sun_path, "/tmp/mini-stream.%d", (int)getpid());

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
    /* The placement of uds-bench --cpu two: the writer on the first CPU,
     * the reader on the second.  It matters on TCP, whose loopback does the
     * receiving side's protocol work on the writer's CPU. */
    if (cpus > 0)
        pin(child != 0 && cpus == 2 ? 1 : 0);
    /* Each block: a fixed pattern, with the block's number in its first
     * and last bytes; the reader compares every byte, as uds-bench does. */
    static unsigned char buf[CHUNK], want[CHUNK];
    for (int i = 0; i < CHUNK; i++)
        buf[i] = want[i] = (unsigned char)(i * 7 + 1);
    /* First, as each of uds-bench's batches does, the writer says how much
     * it will send and waits for the reader's answer.  It matters on TCP:
     * on two CPUs the stream after such an exchange ran faster, up to
     * twice, for a reason not established (Linux's delayed-acknowledgement
     * "pingpong" mode is the likeliest; see the bench page). */
    long long said = total;
    if (child == 0 ? send(fd, &said, sizeof said, 0) != sizeof said || recv(fd, buf, 1, MSG_WAITALL) != 1
                   : recv(fd, &said, sizeof said, MSG_WAITALL) != sizeof said || said != total ||
                         send(fd, "", 1, 0) != 1)
        die("handshake");
    if (child == 0) { /* the writer: whole 64 KiB writes, then the end */
        for (long long sent = 0; sent < WARMUP + total; sent += CHUNK) {
            buf[0] = buf[CHUNK - 1] = (unsigned char)(sent / CHUNK & 255);
            for (size_t done = 0; done < CHUNK;) {
                ssize_t n = write(fd, buf + done, CHUNK - done);
                if (n <= 0)
                    die("write");
                done += (size_t)n;
            }
        }
        return 0;
    }
    long long got = 0;
    double t0 = 0;
    /* Whole blocks, as written; the clock starts when the warm-up's last
     * block is in and stops at the last byte, not at the end of file, which
     * would add the writer's exit to the time. */
    for (; got < WARMUP + total; got += CHUNK) {
        for (ssize_t done = 0, n; done < CHUNK; done += n)
            if ((n = read(fd, buf + done, CHUNK - (size_t)done)) <= 0)
                die(n < 0 ? "read" : "stream: short");
        want[0] = want[CHUNK - 1] = (unsigned char)(got / CHUNK & 255);
        if (memcmp(buf, want, CHUNK) != 0)
            die("stream: wrong bytes");
        if (got + CHUNK == WARMUP)
            t0 = now();
    }
    double secs = now() - t0;
    if (read(fd, buf, 1) != 0)
        die("stream: too long");
    printf("mini-stream %s cpus=%d size=%d mib=%lld mb_per_s=%.1f\n", argv[1], cpus, CHUNK,
           total >> 20, (double)(got - WARMUP) / secs / 1e6);
    close(fd);
    close(lis);
    return waitpid(child, NULL, 0) == child ? 0 : 1;
}
