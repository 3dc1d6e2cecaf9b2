/* SPDX-License-Identifier: MIT */
/*
 * pair-child (Linux): the child of pair-parent.
 *
 * Its end of the socket pair is already open when it starts: HANDLE is
 * that descriptor's number.  It answers every frame with one frame holding
 * the message reversed, until the parent closes its end.
 *
 * usage: pair-child HANDLE
 */
#include "uds.h"
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PROG "pair-child"
#define USAGE "usage: " PROG " HANDLE"

static unsigned char buf[FRAME_MAX];

static void reverse(unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len / 2; i++) {
        unsigned char c = p[i];
        p[i] = p[len - 1 - i];
        p[len - 1 - i] = c;
    }
}

int main(int argc, char **argv)
{
    char *end;

    /* An argument starting with - is an option, never a handle: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    long handle = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || handle < 0 || handle > 1000000) {
        fprintf(stderr, PROG ": HANDLE must be a socket's number, not '%s'\n", argv[1]);
        return 2;
    }
    /* [check-handle] */
    /* A number on a command line proves nothing: make sure it names an
     * open stream socket before trusting it (EBADF, ENOTSOCK otherwise). */
    int sock = (int)handle, type;
    socklen_t type_len = sizeof type;
    if (getsockopt(sock, SOL_SOCKET, SO_TYPE, (char *)&type, &type_len) != 0)
        return uds_fail(PROG, "bad handle", argv[1]);
    if (type != SOCK_STREAM)
        return uds_fail_code(PROG, "handle is not a stream socket:", argv[1], UDS_EINVAL);
    /* [check-handle] */

    for (;;) {
        size_t len;
        int r = frame_read(sock, buf, &len);
        if (r == 0)
            break; /* the parent closed its end: done */
        if (r < 0)
            return frame_fail(PROG, "the parent", len);
        reverse(buf, len);
        if (frame_write(sock, buf, len) != 0)
            return uds_fail(PROG, "cannot reply to", "the parent");
    }
    close(sock);
    return 0;
}
