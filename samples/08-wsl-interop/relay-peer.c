/* SPDX-License-Identifier: MIT */
/*
 * relay-peer: the test peer of uds-relay's tests and bench (Linux).
 *
 *   relay-peer say ADDR TEXT       send TEXT, shut down writing, print all
 *                                  that comes back (an echo server's reply)
 *   relay-peer echo ADDR BYTES     send BYTES of a fixed pseudo-random
 *                                  pattern while reading what comes back,
 *                                  shut down writing after the last, read
 *                                  to the end; print "sent N SUM" and
 *                                  "received N SUM"
 *   relay-peer many ADDR COUNT     open COUNT connections, all at once,
 *                                  then send a line on each, shut down
 *                                  writing, read each reply; print "COUNT
 *                                  connections echoed" when all came back
 *   relay-peer vanish ADDR BYTES   send up to BYTES without reading (until
 *                                  the socket takes no more), then vanish:
 *                                  close with a reset (SO_LINGER 0)
 *   relay-peer hold ADDR COUNT     open COUNT connections, print "holding
 *                                  COUNT connections", and wait until killed
 *   relay-peer gen BYTES           the pattern on standard output
 *   relay-peer sum                 "N SUM" of standard input
 *   relay-peer conns ADDR COUNT    COUNT connections one after another
 *                                  (each says one byte and reads it back);
 *                                  print "COUNT connections in S seconds"
 *   relay-peer sink PATH           a server (bench): read each client to its
 *                                  end, then close; one client after another
 *   relay-peer push ADDR BYTES     send BYTES, shut down writing, wait for
 *                                  the end; print "BYTES bytes in S seconds"
 *
 * ADDR is unix:PATH or tcp:HOST:PORT.  SUM is a 64-bit FNV-1a checksum.
 */
#include "uds.h"

#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int dial(const char *addr)
{
    int s = -1;

    if (strncmp(addr, "unix:", 5) == 0) {
        struct sockaddr_un a;
        socklen_t len;
        if (uds_addr_path(&a, &len, addr + 5) == 0 && (s = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0
            && connect(s, (struct sockaddr *)&a, len) != 0) {
            close(s);
            s = -1;
        }
    } else if (strncmp(addr, "tcp:", 4) == 0 && strrchr(addr, ':') > addr + 4) {
        char host[256];
        const char *colon = strrchr(addr, ':');
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
        snprintf(host, sizeof host, "%.*s", (int)(colon - addr - 4), addr + 4);
        if (getaddrinfo(host, colon + 1, &hints, &ai) == 0) {
            s = socket(ai->ai_family, SOCK_STREAM, 0);
            if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) != 0) {
                close(s);
                s = -1;
            }
            freeaddrinfo(ai);
        }
    }
    if (s < 0) {
        fprintf(stderr, "relay-peer: cannot connect to %s: %s\n", addr, uds_strerror(errno));
        exit(1);
    }
    return s;
}

/* The pattern: xorshift64, the same bytes in every run. */
static void fill(unsigned char *buf, size_t len, uint64_t *state)
{
    for (size_t i = 0; i < len; i++) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        buf[i] = (unsigned char)*state;
    }
}

static void fnv(uint64_t *sum, const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        *sum = (*sum ^ buf[i]) * 0x100000001b3ull;
}

static unsigned char sbuf[65536], rbuf[65536];

struct sender { int s; long long bytes; uint64_t sum; int rc, half_close; };

static void *send_pattern(void *arg)
{
    struct sender *p = arg;
    uint64_t state = 88172645463325252ull;

    p->sum = 0xcbf29ce484222325ull;
    for (long long left = p->bytes; left > 0;) {
        size_t n = left < (long long)sizeof sbuf ? (size_t)left : sizeof sbuf;
        fill(sbuf, n, &state);
        fnv(&p->sum, sbuf, n);
        if (uds_send_all(p->s, sbuf, n) != 0) {
            p->rc = 1;
            return NULL;
        }
        left -= (long long)n;
    }
    if (p->half_close && shutdown(p->s, SHUT_WR) != 0)
        p->rc = 1; /* the half-close: the reply is still to come */
    return NULL;
}

/* Read S (or a descriptor) to the end; the count and checksum. */
static long long drain(int fd, int is_socket, uint64_t *sum)
{
    long long total = 0;
    long n;

    *sum = 0xcbf29ce484222325ull;
    while ((n = is_socket ? uds_recv_some(fd, rbuf, sizeof rbuf) : (long)read(fd, rbuf, sizeof rbuf)) > 0) {
        fnv(sum, rbuf, (size_t)n);
        total += n;
    }
    return n < 0 ? -1 : total;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    uint64_t sum;

    if (strcmp(mode, "say") == 0 && argc == 4) {
        int s = dial(argv[2]);
        long n;
        if (uds_send_all(s, argv[3], strlen(argv[3])) != 0 || shutdown(s, SHUT_WR) != 0)
            return 1;
        while ((n = uds_recv_some(s, rbuf, sizeof rbuf)) > 0)
            fwrite(rbuf, 1, (size_t)n, stdout);
        close(s);
        return n < 0;
    }
    if ((strcmp(mode, "echo") == 0 || strcmp(mode, "vanish") == 0) && argc == 4) {
        struct sender p = { dial(argv[2]), atoll(argv[3]), 0, 0, mode[0] == 'e' };
        pthread_t t;
        if (mode[0] == 'v') {
            struct linger now = { 1, 0 };
            long long sent = 0;
            long n = 1;
            fcntl(p.s, F_SETFL, O_NONBLOCK);
            while (sent < p.bytes && (n = uds_send_some(p.s, sbuf, sizeof sbuf)) > 0)
                sent += n;
            setsockopt(p.s, SOL_SOCKET, SO_LINGER, &now, sizeof now);
            close(p.s);
            printf("sent %lld and vanished\n", sent);
            return 0;
        }
        if (pthread_create(&t, NULL, send_pattern, &p) != 0)
            return 1;
        long long got = drain(p.s, 1, &sum);
        pthread_join(t, NULL);
        printf("sent %lld %016llx\nreceived %lld %016llx\n", p.bytes,
               (unsigned long long)p.sum, got, (unsigned long long)sum);
        close(p.s);
        return p.rc || got < 0;
    }
    if (strcmp(mode, "many") == 0 && argc == 4) {
        int count = atoi(argv[3]), bad = 0;
        int *s = calloc((size_t)count, sizeof *s);
        char line[64], want[64];
        for (int i = 0; s != NULL && i < count; i++)
            s[i] = dial(argv[2]);
        for (int i = 0; s != NULL && i < count; i++) {
            int n = snprintf(line, sizeof line, "connection %d\n", i);
            if (uds_send_all(s[i], line, (size_t)n) != 0 || shutdown(s[i], SHUT_WR) != 0)
                bad++;
        }
        for (int i = 0; s != NULL && i < count; i++) {
            size_t got;
            int n = snprintf(want, sizeof want, "connection %d\n", i);
            memset(line, 0, sizeof line);
            if (uds_recv_exact(s[i], line, (size_t)n, &got) != 1 || memcmp(line, want, (size_t)n) != 0
                || uds_recv_some(s[i], line, 1) != 0)
                bad++;
            close(s[i]);
        }
        free(s);
        if (bad == 0)
            printf("%d connections echoed\n", count);
        else
            printf("%d of %d connections failed\n", bad, count);
        return bad != 0;
    }
    if (strcmp(mode, "hold") == 0 && argc == 4) {
        int count = atoi(argv[3]);
        for (int i = 0; i < count; i++)
            dial(argv[2]); /* kept open until the process ends */
        printf("holding %d connections\n", count);
        fflush(stdout);
        for (;;)
            pause();
    }
    if (strcmp(mode, "gen") == 0 && argc == 3) {
        uint64_t state = 88172645463325252ull;
        for (long long left = atoll(argv[2]); left > 0;) {
            size_t n = left < (long long)sizeof sbuf ? (size_t)left : sizeof sbuf;
            fill(sbuf, n, &state);
            if (fwrite(sbuf, 1, n, stdout) != n)
                return 1;
            left -= (long long)n;
        }
        return fflush(stdout) != 0;
    }
    if (strcmp(mode, "sum") == 0 && argc == 2) {
        long long got = drain(0, 0, &sum);
        printf("%lld %016llx\n", got, (unsigned long long)sum);
        return got < 0;
    }
    if (strcmp(mode, "sink") == 0 && argc == 3) {
        struct sockaddr_un a;
        socklen_t len;
        static unsigned char big[1 << 18];
        int l = socket(AF_UNIX, SOCK_STREAM, 0);
        if (uds_addr_path(&a, &len, argv[2]) != 0 || l < 0
            || bind(l, (struct sockaddr *)&a, len) != 0 || listen(l, 64) != 0) {
            fprintf(stderr, "relay-peer: cannot listen on %s: %s\n", argv[2], uds_strerror(errno));
            return 1;
        }
        printf("listening on %s\n", argv[2]);
        fflush(stdout);
        for (int c; (c = accept(l, NULL, NULL)) >= 0; close(c))
            while (uds_recv_some(c, big, sizeof big) > 0) {}
        return 1;
    }
    if (strcmp(mode, "push") == 0 && argc == 4) {
        struct timespec t0, t1;
        static unsigned char big[1 << 18];
        long long bytes = atoll(argv[3]);
        int s = dial(argv[2]);
        char c;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long long left = bytes; left > 0;) {
            size_t n = left < (long long)sizeof big ? (size_t)left : sizeof big;
            if (uds_send_all(s, big, n) != 0)
                return 1;
            left -= (long long)n;
        }
        if (shutdown(s, SHUT_WR) != 0 || uds_recv_some(s, &c, 1) != 0)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("%lld bytes in %.3f seconds\n", bytes,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        return 0;
    }
    if (strcmp(mode, "conns") == 0 && argc == 4) {
        struct timespec t0, t1;
        int count = atoi(argv[3]);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 0; i < count; i++) {
            int s = dial(argv[2]);
            char c;
            if (uds_send_all(s, "x", 1) != 0 || shutdown(s, SHUT_WR) != 0
                || uds_recv_some(s, &c, 1) != 1 || uds_recv_some(s, &c, 1) != 0) {
                fprintf(stderr, "relay-peer: connection %d was not echoed\n", i + 1);
                return 1;
            }
            close(s);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("%d connections in %.3f seconds\n", count,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        return 0;
    }
    fprintf(stderr, "usage: relay-peer say|echo|many|vanish|hold|gen|sum|conns|sink|push ...\n");
    return 2;
}
