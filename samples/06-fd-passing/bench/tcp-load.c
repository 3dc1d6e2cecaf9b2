/* SPDX-License-Identifier: MIT */
/*
 * tcp-load (Linux): a TCP load generator for the chapter's tests and bench.
 *
 * Opens COUNT connections to HOST PORT in all, at most CONCURRENCY at a
 * time, optionally sends TEXT on each, and reads each until the server
 * closes it.  A connection is answered when it received at least one byte
 * (with -e, a clean end of stream counts too: /bin/true answers nothing).
 *
 * Prints one line on stdout,
 *   tcp-load: COUNT connections, A answered, F failed, S seconds, R per second
 * and on stderr the reason of each of the first ten failures.  Exits 0 only
 * when every connection was answered; 1 otherwise; 2 on a usage error.
 *
 * usage: tcp-load [-e] [-s TEXT] HOST PORT COUNT CONCURRENCY
 */
#include "uds.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PROG "tcp-load"
#define USAGE "usage: " PROG " [-e] [-s TEXT] HOST PORT COUNT CONCURRENCY\n"
#define MAX_CONCURRENCY 1024
#define REPORTED_FAILURES 10
/* A server that never answers must not hang the test or the bench. */
#define IO_TIMEOUT_SECONDS 60

static struct addrinfo *target;
static const char *host, *port, *text;
static int eof_answers;
static long count;
static atomic_long next_index, answered, failures;

/* Print the reason of one failed connection; only the first few, so that a
 * dead server does not bury the summary under thousands of lines. */
static void report(long index, const char *what, int err)
{
    if (atomic_fetch_add(&failures, 1) >= REPORTED_FAILURES)
        return;
    if (err != 0)
        fprintf(stderr, PROG ": connection %ld to %s:%s: %s: %s\n",
                index, host, port, what, uds_strerror(err));
    else
        fprintf(stderr, PROG ": connection %ld to %s:%s: %s\n", index, host, port, what);
}

/* One connection from connect() to the server's close: 1 if answered. */
static int one_connection(long index)
{
    struct timeval timeout = { IO_TIMEOUT_SECONDS, 0 };
    char buf[4096];
    long got = 0;
    int fd, one = 1;

    fd = socket(target->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        report(index, "cannot create a socket", errno);
        return 0;
    }
    /* Bounded: a server that accepts and then says nothing is a failure,
     * not a hang.  NODELAY: the request goes out now, not after a delayed
     * ACK, so we measure the server rather than Nagle's algorithm. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    /* No EINTR loop: tcp-load catches no signal, and a connect() that a
     * signal did interrupt goes on in the background, so calling it again
     * would fail with EALREADY. */
    if (connect(fd, target->ai_addr, target->ai_addrlen) != 0) {
        report(index, "cannot connect", errno);
        close(fd);
        return 0;
    }
    if (text != NULL && uds_send_all(fd, text, strlen(text)) != 0) {
        report(index, "cannot send", errno);
        close(fd);
        return 0;
    }
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            got += n;
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            /* A reset after the answer still counts: the server may close
             * without reading what we sent, and then the kernel resets. */
            if (got > 0 && errno == ECONNRESET)
                break;
            report(index, errno == EAGAIN ? "no answer within the time limit"
                                          : "cannot receive", errno);
            close(fd);
            return 0;
        }
    }
    close(fd);
    if (got == 0 && !eof_answers) {
        report(index, "closed without answering", 0);
        return 0;
    }
    return 1;
}

static void *client_thread(void *unused)
{
    (void)unused;
    for (;;) {
        long index = atomic_fetch_add(&next_index, 1);
        if (index >= count)
            return NULL;
        if (one_connection(index))
            atomic_fetch_add(&answered, 1);
    }
}

static long positive(const char *name, const char *arg, long max)
{
    char *end;
    long value = strtol(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || value < 1 || value > max) {
        fprintf(stderr, PROG ": %s must be a number from 1 to %ld, not '%s'\n", name, max, arg);
        fprintf(stderr, USAGE);
        exit(2);
    }
    return value;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static pthread_t threads[MAX_CONCURRENCY];
    struct addrinfo hints;
    long concurrency, started, i, ok;
    double start, seconds;
    int opt, err;

    while ((opt = getopt(argc, argv, "es:")) != -1) {
        if (opt == 'e') {
            eof_answers = 1;
        } else if (opt == 's') {
            text = optarg;
        } else {
            fprintf(stderr, USAGE);
            return 2;
        }
    }
    if (argc - optind != 4) {
        fprintf(stderr, USAGE);
        return 2;
    }
    host = argv[optind];
    port = argv[optind + 1];
    positive("PORT", port, 65535); /* getaddrinfo() would wrap 99999 round */
    count = positive("COUNT", argv[optind + 2], 100000000L);
    concurrency = positive("CONCURRENCY", argv[optind + 3], MAX_CONCURRENCY);

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    err = getaddrinfo(host, port, &hints, &target);
    if (err != 0) {
        fprintf(stderr, PROG ": cannot resolve %s:%s: %s\n", host, port,
                err == EAI_SYSTEM ? uds_strerror(errno) : gai_strerror(err));
        return 1;
    }

    /* Threads with blocking calls: each one is a client that waits for its
     * answer, which is what "N concurrent clients" means, and keeps the load
     * generator far simpler than the servers it measures. */
    start = now();
    for (started = 0; started < concurrency && started < count; started++) {
        err = pthread_create(&threads[started], NULL, client_thread, NULL);
        if (err != 0) {
            fprintf(stderr, PROG ": cannot start client thread %ld: %s\n", started, uds_strerror(err));
            break;
        }
    }
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    seconds = now() - start;
    freeaddrinfo(target);
    if (started == 0)
        return 1;

    ok = atomic_load(&answered);
    if (atomic_load(&failures) > REPORTED_FAILURES)
        fprintf(stderr, PROG ": ... and %ld more failures\n",
                atomic_load(&failures) - REPORTED_FAILURES);
    printf(PROG ": %ld connections, %ld answered, %ld failed, %.3f seconds, %.1f per second\n",
           count, ok, count - ok, seconds, seconds > 0 ? (double)ok / seconds : 0.0);
    return ok == count ? 0 : 1;
}
