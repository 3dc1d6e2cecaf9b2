/* SPDX-License-Identifier: MIT */
/*
 * chat-client (Linux): join the chat room of chat-server.
 *
 * Sends NAME as its first line, then every line typed (standard input) to
 * the room, and prints every line the room sends.  One poll() waits on the
 * keyboard and the socket at once.  At the end of input it says it has
 * finished (shutdown) and exits when the server has closed.
 *
 * usage: chat-client SOCKET_PATH NAME
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#define PROG "chat-client"
#define USAGE "usage: " PROG " SOCKET_PATH NAME"

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char buf[4096];
    int status = 1;

    /* Anything starting with - is an option (--help), never a path or NAME. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1], *name = argv[2];
    if (name[0] == '\0' || strlen(name) > 31 || strchr(name, '\n') != NULL) {
        fprintf(stderr, PROG ": NAME must have 1 to 31 bytes and no newline\n");
        return 2;
    }
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [client-connect] */
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0)
        return uds_fail_socket(PROG, path);
    if (connect(s, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot connect to", path);
        goto out;
    }
    snprintf(buf, sizeof buf, "%s\n", name);
    if (uds_send_all(s, buf, strlen(buf)) != 0) {
        uds_fail(PROG, "cannot send to", path);
        goto out;
    }
    /* [client-connect] */

    /* [client-loop] */
    struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
                           { .fd = s, .events = POLLIN } };
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            uds_fail(PROG, "cannot wait on", path);
            goto out;
        }
        if (p[1].revents != 0) { /* the room speaks, or closes */
            long n = uds_recv_some(s, buf, sizeof buf);
            if (n < 0) {
                uds_fail(PROG, "cannot receive from", path);
                goto out;
            }
            if (n == 0) {
                if (p[0].fd >= 0) /* we had not finished: the server ended it */
                    fprintf(stderr, PROG ": %s closed the connection\n", path);
                else
                    status = 0;
                goto out;
            }
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
        }
        if (p[0].revents != 0) { /* the user typed, or input ended */
            ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
            if (n > 0 && uds_send_all(s, buf, (size_t)n) != 0) {
                uds_fail(PROG, "cannot send to", path);
                goto out;
            }
            if (n <= 0) {
                /* No more to say, but lines may still come: half-close,
                 * and poll() ignores a negative descriptor from now on. */
                shutdown(s, SHUT_WR);
                p[0].fd = -1;
            }
        }
    }
    /* [client-loop] */
out:
    close(s);
    return status;
}
