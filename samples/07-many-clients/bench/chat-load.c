/* SPDX-License-Identifier: MIT */
/*
 * chat-load: many chat clients in one process, for the tests and the bench.
 *
 * Connects CLIENTS clients to a chat-server, named PREFIX0000, PREFIX0001...,
 * and waits until each has its welcome.  Then, ROUNDS times, every client
 * says one line at once, and the round ends when every client has heard the
 * line of every other client.  Rounds keep what waits in the server for a
 * client to one round's worth, far below its cap.  It checks every line
 * heard: none lost, none twice, each sender's lines in order, none back to
 * its sender; lines from clients that are not its own are counted apart.
 * One poll() drives all the clients, as in the server.
 *
 * Each line carries the time it was sent, so the delivery latency of every
 * line is known: the bench prints its median and 99th percentile.
 *
 * With -h it stays connected after its rounds: SIGUSR1 runs one more round,
 * SIGTERM (or SIGINT) ends it.  -l pads every line to BYTES bytes.  With -w
 * it does not wait for welcomes and runs no rounds: a crowd that only fills
 * the server (with -h, until SIGTERM).
 * It fails (exit 1) when a check fails or when nothing at all arrives for
 * CHAT_LOAD_STALL seconds (default 60): a watchdog on progress, not a
 * time limit.
 *
 * usage: chat-load [-h] [-w] [-l BYTES] [-p PREFIX] SOCKET_PATH CLIENTS ROUNDS
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#define PROG "chat-load"

struct peer {
    char in[2048];
    size_t in_len;
    char out[1100];
    size_t out_len, out_off;
    int welcomed;
    long heard; /* lines heard in this round */
};

static const char *path, *prefix = "c";
static int n_clients, pad, nowait;
static struct pollfd *fds;
static struct peer *peers;
static int *last;          /* last[r * n + s]: the last round r heard from s */
static unsigned *lat;      /* delivery latencies in microseconds */
static size_t n_lat, cap_lat;
static long lost, twice, disorder, echoed, foreign, bad;
static long long delivered;
static int stall_secs = 60;
static volatile sig_atomic_t got_usr1, got_stop;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        got_usr1 = 1;
    else
        got_stop = 1;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void queue_line(int i, const char *text)
{
    struct peer *p = &peers[i];
    int len = snprintf(p->out + p->out_len, sizeof p->out - p->out_len, "%s", text);

    if (pad > len) { /* "r1 123 xxxx...x\n": pad before the newline */
        memset(p->out + p->out_len + len - 1, 'x', (size_t)(pad - len));
        p->out[p->out_len + pad - 1] = '\n';
        len = pad;
    }
    p->out_len += (size_t)len;
    fds[i].events = POLLIN | POLLOUT;
}

/* One line heard by client r. */
static void heard(int r, char *line, int round)
{
    if (strncmp(line, "* welcome ", 10) == 0) {
        peers[r].welcomed = 1;
        return;
    }
    char *colon = strstr(line, ": ");
    size_t plen = strlen(prefix);
    if (colon == NULL) {
        bad++;
        return;
    }
    *colon = '\0';
    if (strncmp(line, prefix, plen) != 0 || strspn(line + plen, "0123456789") != strlen(line + plen)
        || line[plen] == '\0') {
        foreign++; /* another program's client */
        return;
    }
    int s = atoi(line + plen);
    int rd;
    long long sent;
    if (s < 0 || s >= n_clients || sscanf(colon + 2, "r%d %lld", &rd, &sent) != 2) {
        bad++;
        return;
    }
    if (s == r) {
        echoed++;
        return;
    }
    int *l = &last[(size_t)r * (size_t)n_clients + (size_t)s];
    if (rd <= *l) {
        twice++;
        return;
    }
    if (rd != *l + 1 || rd != round)
        disorder++;
    *l = rd;
    delivered++;
    peers[r].heard++;
    if (n_lat == cap_lat) {
        cap_lat = cap_lat ? cap_lat * 2 : 4096;
        lat = realloc(lat, cap_lat * sizeof *lat);
        if (lat == NULL) {
            fprintf(stderr, PROG ": out of memory\n");
            exit(1);
        }
    }
    long long us = (now_ns() - sent) / 1000;
    lat[n_lat++] = us > 0xffffffffLL ? 0xffffffffu : (unsigned)us;
}

/* Serve every client until done() says so.  With hold set, waits with
 * SIGUSR1, SIGTERM and SIGINT let in, and returns when one came. */
static int pump(int round, int (*done)(int), int hold, const sigset_t *waitmask)
{
    while (!done(round)) {
        int n;
        if (hold) {
            n = ppoll(fds, (nfds_t)n_clients, NULL, waitmask);
            if (n < 0 && errno == EINTR)
                return 0;
        } else {
            struct timespec stall = { .tv_sec = stall_secs };
            n = ppoll(fds, (nfds_t)n_clients, &stall, NULL);
            if (n == 0) {
                fprintf(stderr, PROG ": nothing happened for %d s (round %d)\n", stall_secs, round);
                return -1;
            }
        }
        if (n < 0)
            { uds_fail(PROG, "cannot wait on", path); return -1; }
        for (int i = 0; i < n_clients; i++) {
            struct peer *p = &peers[i];
            if (fds[i].revents & POLLOUT) {
                long m = send(fds[i].fd, p->out + p->out_off, p->out_len - p->out_off, MSG_NOSIGNAL);
                if (m < 0 && errno != EAGAIN)
                    { uds_fail(PROG, "cannot send to", path); return -1; }
                if (m > 0 && (p->out_off += (size_t)m) == p->out_len) {
                    p->out_off = p->out_len = 0;
                    fds[i].events = POLLIN;
                }
            }
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                long m = recv(fds[i].fd, p->in + p->in_len, sizeof p->in - p->in_len - 1, 0);
                if (m != 0 && !(m < 0 && errno != EAGAIN))
                    ; /* data, or nothing yet */
                else if (nowait) { /* a crowd member: it may be turned away */
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    continue;
                } else if (m == 0) {
                    fprintf(stderr, PROG ": %s closed client %s%04d\n", path, prefix, i);
                    return -1;
                } else {
                    uds_fail(PROG, "cannot receive from", path);
                    return -1;
                }
                p->in_len += m > 0 ? (size_t)m : 0;
                char *start = p->in, *nl;
                while ((nl = memchr(start, '\n', p->in_len - (size_t)(start - p->in))) != NULL) {
                    *nl = '\0';
                    heard(i, start, round);
                    start = nl + 1;
                }
                p->in_len -= (size_t)(start - p->in);
                memmove(p->in, start, p->in_len);
                if (p->in_len == sizeof p->in - 1) {
                    fprintf(stderr, PROG ": a line longer than %zu bytes\n", sizeof p->in);
                    return -1;
                }
            }
        }
    }
    return 0;
}

static int all_welcomed(int round)
{
    (void)round;
    for (int i = 0; i < n_clients; i++)
        if (!peers[i].welcomed)
            return 0;
    return 1;
}

static int round_heard(int round)
{
    (void)round;
    for (int i = 0; i < n_clients; i++)
        if (peers[i].heard < n_clients - 1)
            return 0;
    return 1;
}

static int never(int round)
{
    (void)round;
    return got_usr1 || got_stop;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* One round: every client says one line, then every line must be heard. */
static int run_round(int round)
{
    char text[64];
    for (int i = 0; i < n_clients; i++) {
        peers[i].heard = 0;
        snprintf(text, sizeof text, "r%d %lld\n", round, now_ns());
        queue_line(i, text);
    }
    if (pump(round, round_heard, 0, NULL) != 0)
        return -1;
    long long expected = (long long)n_clients * (n_clients - 1);
    printf("round %d: %lld lines heard, %ld twice, %ld out of order, %ld to their sender\n",
           round, expected, twice, disorder, echoed);
    fflush(stdout);
    return twice || disorder || echoed || bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    struct rlimit rl;
    int hold = 0, opt, rounds;
    sigset_t block, waitmask;

    while ((opt = getopt(argc, argv, "hwl:p:")) != -1) {
        if (opt == 'h')
            hold = 1;
        else if (opt == 'w')
            nowait = 1;
        else if (opt == 'l')
            pad = atoi(optarg);
        else if (opt == 'p')
            prefix = optarg;
        else
            goto usage;
    }
    if (argc - optind != 3 || pad < 0 || pad > 1000 || strlen(prefix) > 20)
        goto usage;
    path = argv[optind];
    n_clients = atoi(argv[optind + 1]);
    rounds = atoi(argv[optind + 2]);
    if (n_clients < 2 || rounds < 0)
        goto usage;
    if (getenv("CHAT_LOAD_STALL"))
        stall_secs = atoi(getenv("CHAT_LOAD_STALL"));
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* Signals for -h, blocked except while it holds; SIGPIPE never kills. */
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &waitmask);

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    fds = calloc((size_t)n_clients, sizeof *fds);
    peers = calloc((size_t)n_clients, sizeof *peers);
    last = calloc((size_t)n_clients * (size_t)n_clients, sizeof *last);
    if (fds == NULL || peers == NULL || last == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    for (int i = 0; i < n_clients; i++) {
        char name[64];
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
            return uds_fail_socket(PROG, path);
        /* A blocking connect(): it waits while the listen queue is full. */
        if (connect(s, (struct sockaddr *)&addr, addr_len) != 0)
            return uds_fail(PROG, "cannot connect to", path);
        fds[i].fd = s;
        snprintf(name, sizeof name, "%s%04d\n", prefix, i);
        if (uds_send_all(s, name, strlen(name)) != 0)
            return uds_fail(PROG, "cannot send to", path);
        if (fcntl(s, F_SETFL, O_NONBLOCK) != 0)
            return uds_fail(PROG, "cannot set non-blocking", path);
        fds[i].events = POLLIN;
    }
    if (nowait) /* a crowd that only fills the server: no rounds */
        rounds = 0;
    else if (pump(0, all_welcomed, 0, NULL) != 0)
        return 1;
    printf("%d clients %s\n", n_clients, nowait ? "connected" : "welcomed");
    fflush(stdout);

    long long t0 = now_ns();
    int round = 0;
    while (round < rounds)
        if (run_round(++round) != 0)
            return 1;
    double secs = (double)(now_ns() - t0) / 1e9;
    while (hold && !got_stop) {
        got_usr1 = 0;
        if (pump(round, never, 1, &waitmask) != 0)
            return 1;
        if (got_usr1 && !got_stop && run_round(++round) != 0)
            return 1;
    }
    for (int i = 0; i < n_clients; i++)
        for (int s = 0; s < n_clients; s++)
            if (s != i)
                lost += round - last[(size_t)i * (size_t)n_clients + (size_t)s];
    printf("done: %d clients, rounds: %d, lines heard: %lld, %ld lost, %ld twice, "
           "%ld out of order, %ld to their sender, %ld from other programs\n",
           n_clients, round, delivered, lost, twice, disorder, echoed, foreign);
    if (n_lat > 0 && rounds > 0 && !hold) {
        qsort(lat, n_lat, sizeof *lat, cmp_unsigned);
        printf("speed: %.0f lines/s, latency p50 %u us, p99 %u us\n",
               (double)delivered / (secs > 0 ? secs : 1e-9),
               lat[n_lat / 2], lat[n_lat * 99 / 100]);
    }
    for (int i = 0; i < n_clients; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    free(fds);
    free(peers);
    free(last);
    free(lat);
    return lost || twice || disorder || echoed || bad ? 1 : 0;

usage:
    fprintf(stderr, "usage: " PROG " [-h] [-w] [-l BYTES] [-p PREFIX] SOCKET_PATH CLIENTS ROUNDS\n");
    return 2;
}
