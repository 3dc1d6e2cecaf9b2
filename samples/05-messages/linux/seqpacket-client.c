/* SPDX-License-Identifier: MIT */
/*
 * seqpacket-client (Linux): sends each MESSAGE as one message, all of them
 * back to back, then reads one reply per message and prints each on a line.
 * (Sending everything before reading is fine for a few messages; a program
 * that sends a lot must read while it writes, or both sides can end up
 * waiting for the other to read: chapter 07.)
 *
 * usage: seqpacket-client SOCKET_PATH MESSAGE...
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "seqpacket-client"
#define USAGE "usage: " PROG " SOCKET_PATH MESSAGE..."

#define MSG_MAX 65536u /* the largest message this protocol allows */

static unsigned char buf[MSG_MAX];

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int status = 0;

    /* An argument starting with - is an option, never a path or a message. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc < 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    for (int i = 2; i < argc; i++) {
        if (strlen(argv[i]) > MSG_MAX) {
            fprintf(stderr, PROG ": message %d has %zu bytes; the limit is %u\n",
                    i - 1, strlen(argv[i]), MSG_MAX);
            return 2;
        }
        /* A zero-length message reads as 0, like the end of the connection. */
        if (argv[i][0] == '\0') {
            fprintf(stderr, PROG ": message %d is empty; the server would take it for the end\n",
                    i - 1);
            return 2;
        }
    }
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [client-connect] */
    int sock = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (sock < 0)
        return uds_fail_socket(PROG, path);
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot connect to", path);
        close(sock);
        return 1;
    }
    /* [client-connect] */

    /* [client-exchange] */
    for (int i = 2; i < argc && status == 0; i++) {
        /* One send() is one message: it goes whole or fails, never in part. */
        if (send(sock, argv[i], strlen(argv[i]), MSG_NOSIGNAL) < 0)
            status = uds_fail(PROG, "cannot send to", path);
    }
    for (int i = 2; i < argc && status == 0; i++) {
        /* MSG_TRUNC: the real length, even if the reply did not fit. */
        long n = recv(sock, buf, sizeof buf, MSG_TRUNC);
        if (n == 0) {
            fprintf(stderr, PROG ": %s closed the connection after %d of %d replies\n",
                    path, i - 2, argc - 2);
            status = 1;
        } else if (n < 0) {
            status = uds_fail(PROG, "cannot receive from", path);
        } else if ((size_t)n > sizeof buf) {
            status = uds_fail_code(PROG, "reply truncated (MSG_TRUNC) from", path, EMSGSIZE);
        } else {
            printf("%.*s\n", (int)n, (char *)buf);
        }
    }
    /* [client-exchange] */
    close(sock);
    return status;
}
