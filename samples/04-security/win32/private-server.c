/* SPDX-License-Identifier: MIT */
/*
 * private-server (Windows): a server for its owner only.
 *
 * Two walls.  The file system: the socket lives in a private directory
 * (owned by us, its DACL granting access to our user and nobody else, not
 * a reparse point), which the server creates if it is missing and checks
 * otherwise; the socket file inherits that DACL.  The peer check: every
 * client's user (its pid, then its token) must be the server's own.  A
 * client of another user gets one line, "refused: ...", and is closed;
 * the owner gets every line it sends back upper-cased.
 *
 * usage: private-server [SOCKET_PATH]
 * Without SOCKET_PATH: %LOCALAPPDATA%\afunix-kit\private.sock.
 */
#include "uds.h"
#include "common.h"
#include "token.h"
#include "private-dir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "private-server"
#define USAGE "usage: " PROG " [SOCKET_PATH]"

static sid_buf own;              /* our own user's SID, */
static const PSID me = &own.sid; /* read once at start */

/* [may-serve] */
/* May this peer be served?  1: yes; 0: no, and WHY says so; -1: error.
 * Windows gives a pid; who runs it must be read from its token, and the
 * token of another user's process can usually not be read at all: that
 * is a refusal too, naming the pid and the reason. */
static int may_serve(SOCKET client, ULONG *pid, char *why, size_t cap)
{
    sid_buf peer;
    char text[300];
    const char *step;
    DWORD got = 0;

    if (WSAIoctl(client, SIO_AF_UNIX_GETPEERPID, NULL, 0, pid, sizeof *pid, &got, NULL, NULL) != 0)
        return -1;
    DWORD err = token_sid(*pid, TokenUser, &peer.sid, &step);
    if (err != 0) {
        snprintf(why, cap, "pid %lu cannot be identified (%s: %s)", *pid, step,
                 uds_strerror((int)err));
        return 0;
    }
    if (EqualSid(&peer.sid, me))
        return 1;
    snprintf(why, cap, "user %s is not the owner of this server",
             sid_text(&peer.sid, text, sizeof text));
    return 0;
}
/* [may-serve] */

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char path[4096], line[512], name[300];
    const char *step;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc > 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    /* [default-path] */
    /* A per-user socket belongs in the user's own local application data,
     * never in a temporary directory that other users may share. */
    const char *run = getenv("LOCALAPPDATA");
    if (argc == 2)
        snprintf(path, sizeof path, "%s", argv[1]);
    else if (run != NULL && run[0] != '\0')
        snprintf(path, sizeof path, "%s\\afunix-kit\\private.sock", run);
    else {
        fprintf(stderr, PROG ": LOCALAPPDATA is not set: give SOCKET_PATH "
                "(not falling back to a shared temporary directory)\n");
        return 1;
    }
    /* [default-path] */
    /* Windows only: Winsock works only after WSAStartup. */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    DWORD err = token_sid(0, TokenUser, me, &step);
    if (err != 0)
        return uds_fail_code(PROG, "cannot read the token of", "this process", (int)err);
    if (path[0] != '@') {
        /* The first wall: the socket's directory (private-dir.c). */
        if (private_dir(PROG, path) != 0 || claim_path(PROG, path, &addr, addr_len) != 0)
            return 1;
    }

    SOCKET listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    /* [bind-private] */
    /* No umask on Windows: the socket file takes the DACL its directory
     * passes on (ours: our user alone), from the moment bind() makes it. */
    int r = bind(listener, (struct sockaddr *)&addr, addr_len);
    /* [bind-private] */
    if (r != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        closesocket(listener);
        return 1;
    }
    printf("listening on %s\n", path);
    fflush(stdout);

    for (;;) {
        ULONG pid = 0;
        char why[512];
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            if (WSAGetLastError() == WSAEINTR || WSAGetLastError() == WSAECONNABORTED)
                continue;
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        /* [serve-or-refuse] */
        int ok = may_serve(client, &pid, why, sizeof why);
        if (ok < 0) {
            fprintf(stderr, PROG ": cannot check a client: %s\n", uds_strerror(WSAGetLastError()));
        } else if (ok == 0) {
            printf("refused pid %lu: %s\n", pid, why);
            snprintf(line, sizeof line, "refused: %s\n", why);
            uds_send_all(client, line, strlen(line)); /* it may have gone: no matter */
        } else {
            snprintf(line, sizeof line, "hello, %s: lines you send come back upper-cased\n",
                     sid_text(me, name, sizeof name));
            long n = uds_send_all(client, line, strlen(line)) == 0 ? upcase(client) : -1;
            if (n < 0)
                fprintf(stderr, PROG ": pid %lu: %s\n", pid, uds_strerror(WSAGetLastError()));
            else
                printf("served pid %lu: %ld bytes\n", pid, n);
        }
        /* [serve-or-refuse] */
        fflush(stdout);
        closesocket(client);
    }
    closesocket(listener);
    return 1;
}
