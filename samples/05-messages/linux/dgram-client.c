/* SPDX-License-Identifier: MIT */
/*
 * dgram-client (Linux): sends each MESSAGE as one datagram, all of them
 * back to back, then reads one reply per message and prints each on a line.
 * It binds an address of its own first: without one, the server could not
 * answer.
 * (Sending everything before reading is fine for a few messages; a program
 * that sends a lot must read while it writes, or both sides can end up
 * waiting for the other to read: chapter 07.)
 *
 * usage: dgram-client SOCKET_PATH MESSAGE...
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "dgram-client"
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
    }
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [client-connect] */
    int sock = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (sock < 0)
        return uds_fail_socket(PROG, path);
    /* Autobind: binding nothing but the family makes the kernel choose a
     * unique abstract name.  A datagram's only return address is its
     * sender's: unbound, this socket could send, but get no reply. */
    struct sockaddr_un me = { .sun_family = AF_UNIX };
    if (bind(sock, (struct sockaddr *)&me, sizeof me.sun_family) != 0) {
        uds_fail(PROG, "cannot bind an address for replies from", path);
        close(sock);
        return 1;
    }
    /* connect() on a datagram socket only sets where send() goes, and
     * makes recv() take datagrams from the server alone. */
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot connect to", path);
        close(sock);
        return 1;
    }
    /* [client-connect] */

    /* [client-exchange] */
    for (int i = 2; i < argc && status == 0; i++) {
        /* One send() is one datagram: it goes whole or fails, never in part. */
        if (send(sock, argv[i], strlen(argv[i]), MSG_NOSIGNAL) < 0)
            status = uds_fail(PROG, "cannot send to", path);
    }
    for (int i = 2; i < argc && status == 0; i++) {
        /* MSG_TRUNC: the real length, even if the reply did not fit. */
        long n = recv(sock, buf, sizeof buf, MSG_TRUNC);
        /* No end of connection here: 0 is an empty reply. */
        if (n < 0) {
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
