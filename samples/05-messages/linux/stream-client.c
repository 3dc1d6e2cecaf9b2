/* SPDX-License-Identifier: MIT */
/*
 * stream-client (Linux): sends each MESSAGE as a frame, all of them back
 * to back, then reads one reply per message and prints each on a line.
 * (Sending everything before reading is fine for a few messages; a program
 * that sends a lot must read while it writes, or both sides can end up
 * waiting for the other to read: chapter 07.)
 *
 * usage: stream-client SOCKET_PATH MESSAGE...
 */
#include "uds.h"
#include "frame.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROG "stream-client"
#define USAGE "usage: " PROG " SOCKET_PATH MESSAGE..."

static unsigned char buf[FRAME_MAX];

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
        if (strlen(argv[i]) > FRAME_MAX) {
            fprintf(stderr, PROG ": message %d has %zu bytes; the limit is %u\n",
                    i - 1, strlen(argv[i]), FRAME_MAX);
            return 2;
        }
    }
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [client-connect] */
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
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
        if (frame_write(sock, argv[i], strlen(argv[i])) != 0)
            status = uds_fail(PROG, "cannot send to", path);
    }
    for (int i = 2; i < argc && status == 0; i++) {
        size_t len;
        int r = frame_read(sock, buf, &len);
        if (r == 0) {
            fprintf(stderr, PROG ": %s closed the connection after %d of %d replies\n",
                    path, i - 2, argc - 2);
            status = 1;
        } else if (r < 0) {
            status = frame_fail(PROG, path, len);
        } else {
            printf("%.*s\n", (int)len, (char *)buf);
        }
    }
    /* [client-exchange] */
    close(sock);
    return status;
}
