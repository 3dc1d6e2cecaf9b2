/* SPDX-License-Identifier: MIT */
/*
 * Exercise 01 — solution: an AF_UNIX echo client.
 *
 * Connects to the echo server's socket file, sends MESSAGE, reads the same
 * number of bytes back and prints them on a line of their own.
 *
 * usage: echo-client SOCKET_PATH MESSAGE
 *
 * The comments marked "Why:" explain the choices the exercise asks about.
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "echo-client"

/* Every failure names the path and the system's reason, e.g.
 * "echo-client: cannot connect to /tmp/x.sock: Connection refused (ECONNREFUSED)".
 * Why: "connection failed" alone leaves the user guessing which file and why. */
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
    /* The address: family AF_UNIX and the path.  uds_addr_path refuses an
     * empty path (EINVAL) and one of 108 bytes or more (ENAMETOOLONG)
     * instead of cutting it short, and computes the exact length. */
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);
    char *reply = malloc(len + 1);
    if (reply == NULL)
        return fail("no memory for a reply from", path);

    /* TODO 1 — solution.
     * Why AF_UNIX + SOCK_STREAM: the echo server listens on a stream socket,
     * and a connection only forms between sockets of the same type.  The
     * protocol argument 0 picks the only protocol AF_UNIX has. */
    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0) {
        fail("cannot create a socket for", path);
        goto out;
    }

    /* TODO 2 — solution.
     * Why pass addr_len and not sizeof addr: the length tells the kernel
     * where the name ends.  connect() fails with ENOENT when no file exists
     * at the path (no server ever bound there) and with ECONNREFUSED when
     * the file exists but nobody listens on it (a stale socket file). */
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot connect to", path);
        goto out;
    }

    /* TODO 3 — solution.
     * Why a loop (inside uds_send_all): send() may accept only part of a
     * large buffer; the rest must be sent by further calls.  uds_send_all
     * also passes MSG_NOSIGNAL, so a server that vanished gives EPIPE
     * instead of a SIGPIPE that would kill this program without a word. */
    if (uds_send_all(sock, message, len) != 0) {
        fail("cannot send to", path);
        goto out;
    }

    /* TODO 4 — solution.
     * Why "exactly len bytes": a stream keeps no message boundaries.  The
     * server's echo may arrive in several pieces (a 100 kB message always
     * does), so one recv() would print only the first piece.  We know how
     * many bytes to expect because an echo is as long as what we sent. */
    r = uds_recv_exact(sock, reply, len, &got);
    if (r < 0)
        fail("cannot receive from", path);
    else if (r == 0)
        fprintf(stderr, PROG ": %s closed the connection after %zu of %zu bytes\n",
                path, got, len);
    else
        /* Why "%.*s": the reply is not NUL-terminated; print exactly len bytes. */
        printf("%.*s\n", (int)len, reply);

out:
    /* Why close on every path: a descriptor is a limited resource, and a
     * habit of leaking one on error paths becomes a bug in a long-running
     * program. */
    if (sock >= 0)
        close(sock);
    free(reply);
    return r == 1 ? 0 : 1;
}
