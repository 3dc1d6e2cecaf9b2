/* SPDX-License-Identifier: MIT */
/*
 * echo-client (Windows): the first AF_UNIX client.
 *
 * Connects to an echo server's pathname socket, sends MESSAGE, reads the
 * same number of bytes back and prints them on a line of their own.
 *
 * usage: echo-client SOCKET_PATH MESSAGE
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\echo.sock
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "echo-client"
#define USAGE "usage: " PROG " SOCKET_PATH MESSAGE"

static int fail(const char *what, const char *path)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, path, uds_strerror(WSAGetLastError()));
    return 1;
}

/* AF_UNIX came late to Windows: where it is missing, socket() fails with
 * WSAEAFNOSUPPORT, whose own text does not tell the user what to do. */
static int no_afunix(void)
{
    fprintf(stderr, PROG ": %s\n", UDS_AFUNIX_MISSING);
    return 1;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    SOCKET sock;
    WSADATA wsa;

    /* An argument starting with - is an option, never a path or a
     * message: --help prints the usage; anything else is a usage error. */
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
    /* Winsock works only after WSAStartup, which returns its error instead
     * of leaving it in WSAGetLastError().  The early returns below skip
     * WSACleanup: the end of the process releases Winsock anyway. */
    int err = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (err != 0) {
        fprintf(stderr, PROG ": cannot start Winsock: %s\n", uds_strerror(err));
        return 1;
    }
    /* The server's make-address code, done by the library from here on. */
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);

    /* [client-connect] */
    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock == INVALID_SOCKET) {
        if (WSAGetLastError() == WSAEAFNOSUPPORT)
            return no_afunix();
        return fail("cannot create a socket for", path);
    }
    /* As on Linux, this fails when no server ever bound there, and when the
     * file is left over from a server that is gone. */
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot connect to", path);
        closesocket(sock);
        return 1;
    }
    /* [client-connect] */

    char *reply = malloc(len + 1);
    if (reply == NULL) {
        /* malloc() is the C library's: its error is in errno, not Winsock's. */
        fprintf(stderr, PROG ": no memory for a reply from %s: %s\n", path, strerror(errno));
        closesocket(sock);
        return 1;
    }
    /* [client-exchange] */
    size_t got = 0;
    int r = -1;
    if (uds_send_all(sock, message, len) != 0)
        fail("cannot send to", path);
    /* A stream keeps no message boundaries: read until we have as many
     * bytes as we sent, however many pieces they arrive in. */
    else if ((r = uds_recv_exact(sock, reply, len, &got)) < 0)
        fail("cannot receive from", path);
    else if (r == 0)
        fprintf(stderr, PROG ": %s closed the connection after %zu of %zu bytes\n",
                path, got, len);
    else
        printf("%.*s\n", (int)len, reply);
    /* [client-exchange] */
    free(reply);
    closesocket(sock);
    WSACleanup();
    return r == 1 ? 0 : 1;
}
