/* SPDX-License-Identifier: MIT */
/*
 * pair-child (Windows): the child of pair-parent.
 *
 * Its end of the socket pair is already open when it starts (the parent
 * let it inherit that one handle): HANDLE is the handle's value.  It
 * answers every frame with one frame holding the message reversed, until the parent closes its end.
 *
 * usage: pair-child HANDLE
 */
#include "uds.h"
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>

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
    unsigned long long handle = strtoull(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || handle == 0 || handle > 0xffffffffu) {
        fprintf(stderr, PROG ": HANDLE must be a socket's number, not '%s'\n", argv[1]);
        return 2;
    }
    /* Winsock works only after WSAStartup (the library's uds_startup()). */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    /* [check-handle] */
    /* A number on a command line proves nothing: make sure it names an
     * open stream socket before trusting it (WSAENOTSOCK otherwise). */
    SOCKET sock = (SOCKET)handle;
    int type;
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
    closesocket(sock);
    uds_cleanup();
    return 0;
}
