/* SPDX-License-Identifier: MIT */
/*
 * Exercise 01, solution: read a stream yourself.
 *
 * An echo client: connects to the echo server's socket file, sends
 * MESSAGE, reads the same number of bytes back and prints them on a line
 * of their own.  Everything is written for you except read_echo(), the
 * loop that reads the echo.
 *
 * usage: echo-client SOCKET_PATH MESSAGE
 *
 * The comments marked "Why" in read_echo() explain the choices the
 * exercise asks about; the rest is the starter, unchanged.
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "echo-client"
#define USAGE "usage: " PROG " SOCKET_PATH MESSAGE"

/* Prints "echo-client: WHAT PATH: reason (ESYMBOL)" using errno; returns 1. */
static int fail(const char *what, const char *path)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, path, uds_strerror(errno));
    return 1;
}

/* Receive exactly len bytes from sock into buf, however many recv() calls
 * they take.  Returns 1 when all len bytes arrived; 0 when the server
 * closed the connection first; -1 on an error (the reason in errno).  In
 * every case *got is the number of bytes that did arrive. */
static int read_echo(int sock, char *buf, size_t len, size_t *got)
{
    *got = 0;
    /* Why a loop: a stream has no message boundaries.  recv() returns what
     * has arrived so far, at least 1 byte and at most what we ask for, so
     * a long echo (or one the server sends in pieces) takes several calls.
     * We know when to stop because an echo is as long as what we sent. */
    while (*got < len) {
        /* Why ask for len - *got: never read past the echo into whatever
         * might follow it, and never write past the end of buf.
         * Why uds_recv_some() rather than recv(): it retries when a signal
         * interrupts the wait (EINTR), which is not an error. */
        long n = uds_recv_some(sock, buf + *got, len - *got);
        /* Why 0 is not "done": recv() returns 0 only when the server has
         * closed its end.  Before len bytes that means the echo was cut
         * short; *got says how much did arrive, for the message. */
        if (n == 0)
            return 0;
        if (n < 0)
            return -1; /* errno says why, e.g. ECONNRESET */
        *got += (size_t)n;
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;

    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    const char *message = argv[2];
    size_t len = strlen(message);
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);

    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0)
        return fail("cannot create a socket for", path);
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot connect to", path);
        close(sock);
        return 1;
    }
    char *reply = malloc(len + 1);
    if (reply == NULL) {
        fail("no memory for a reply from", path);
        close(sock);
        return 1;
    }

    size_t got = 0;
    int r = -1;
    if (uds_send_all(sock, message, len) != 0)
        fail("cannot send to", path);
    else if ((r = read_echo(sock, reply, len, &got)) < 0)
        fail("cannot receive from", path);
    else if (r == 0)
        fprintf(stderr, PROG ": %s closed the connection after %zu of %zu bytes\n",
                path, got, len);
    else
        printf("%.*s\n", (int)len, reply);
    free(reply);
    close(sock);
    return r == 1 ? 0 : 1;
}
