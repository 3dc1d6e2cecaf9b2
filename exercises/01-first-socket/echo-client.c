/* SPDX-License-Identifier: MIT */
/*
 * Exercise 01: an AF_UNIX echo client.
 *
 * Connects to the echo server's socket file, sends MESSAGE, reads the same
 * number of bytes back and prints them on a line of their own.
 *
 * usage: echo-client SOCKET_PATH MESSAGE
 *
 * Complete the four TODOs (see TASK.md), then run
 *     make check
 * in this directory.  Everything else is written for you.
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "echo-client"

/* Prints "echo-client: WHAT PATH: reason (ESYMBOL)" using errno; returns 1. */
static int fail(const char *what, const char *path)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, path, uds_strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int sock = -1;
    int r = -1;       /* uds_recv_exact's result: 1 all, 0 peer closed, -1 error */
    size_t got = 0;   /* how many reply bytes arrived */

    if (argc != 3) {
        fprintf(stderr, "usage: " PROG " SOCKET_PATH MESSAGE\n");
        return 2;
    }
    const char *path = argv[1];
    const char *message = argv[2];
    size_t len = strlen(message);
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);
    char *reply = malloc(len + 1);
    if (reply == NULL)
        return fail("no memory for a reply from", path);

    /* TODO 1: create a socket of the AF_UNIX family and the stream type.
     * On failure: fail("cannot create a socket for", path); goto out; */

    /* TODO 2: connect it to addr (addr_len bytes long).
     * On failure: fail("cannot connect to", path); goto out; */

    /* TODO 3: send all len bytes of message (uds_send_all, see lib/uds.h).
     * On failure: fail("cannot send to", path); goto out; */

    /* TODO 4: receive exactly len bytes into reply, and set r and got
     * (uds_recv_exact, see lib/uds.h). */

    if (r < 0)
        fail("cannot receive from", path);
    else if (r == 0)
        fprintf(stderr, PROG ": %s closed the connection after %zu of %zu bytes\n",
                path, got, len);
    else
        printf("%.*s\n", (int)len, reply);

    goto out; /* keeps the compiler quiet until your TODOs use the label */
out:
    if (sock >= 0)
        close(sock);
    free(reply);
    return r == 1 ? 0 : 1;
}
