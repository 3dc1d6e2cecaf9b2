/* SPDX-License-Identifier: MIT */
/*
 * whoami-server (Windows): tell each client who Windows says it is.
 *
 * As soon as a client is accepted, the server asks Winsock for the pid at
 * the other end (SIO_AF_UNIX_GETPEERPID), opens that process's token and
 * reads its user and group (SIDs), and sends that back as the first line.
 * Windows sends no credentials with a message (there is no
 * SCM_CREDENTIALS): the second line, after the client's message, says so.
 * Nothing the client says about itself is believed.
 *
 * usage: whoami-server SOCKET_PATH
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\who.sock
 * It runs until stopped (Ctrl+C); its next start removes the stale socket
 * file it leaves (claim_path() in common.c).
 */
#include "uds.h"
#include "common.h"
#include "token.h"

#include <stdio.h>
#include <string.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "whoami-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* Tell one client who it is, from its pid and that process's token.
 * Returns 0, or -1 with the reason in WSAGetLastError(). */
static int tell(SOCKET client)
{
    char line[1024], user[300], group[300];
    sid_buf user_sid, group_sid;
    const char *step;

    /* [peercred] */
    /* Winsock recorded the client's process id when it connected; the
     * identity (user and group SIDs) must be read from that process. */
    ULONG pid = 0;
    DWORD got = 0;
    if (WSAIoctl(client, SIO_AF_UNIX_GETPEERPID, NULL, 0, &pid, sizeof pid, &got, NULL, NULL) != 0)
        return -1;
    DWORD err = token_sid(pid, TokenUser, &user_sid.sid, &step);
    if (err == 0)
        err = token_sid(pid, TokenPrimaryGroup, &group_sid.sid, &step);
    /* [peercred] */
    if (err != 0) {
        /* Usually: the client runs as another user, whose process we may
         * not open.  Say so, with the pid, which is all we know. */
        printf("client pid %lu, user unknown (%s: %s)\n", pid, step, uds_strerror((int)err));
        snprintf(line, sizeof line, "you are pid %lu; who you are is unknown (%s: %s)\n",
                 pid, step, uds_strerror((int)err));
    } else {
        printf("client pid %lu, user %s\n", pid, sid_text(&user_sid.sid, user, sizeof user));
        snprintf(line, sizeof line, "you are pid %lu, user %s, group %s\n", pid, user,
                 sid_text(&group_sid.sid, group, sizeof group));
    }
    fflush(stdout);
    if (uds_send_all(client, line, strlen(line)) != 0)
        return -1;

    /* [recv-credentials] */
    /* Windows has no SCM_CREDENTIALS: a message is only its bytes. */
    char data[64];
    long n = uds_recv_some(client, data, sizeof data);
    if (n <= 0)
        return (int)n; /* 0: the client left without a message */
    snprintf(line, sizeof line, "your message came without credentials\n");
    /* [recv-credentials] */
    return uds_send_all(client, line, strlen(line));
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    /* Windows only: Winsock works only after WSAStartup. */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    if (claim_path(PROG, path, &addr, addr_len) != 0)
        return 1;

    SOCKET listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    /* [passcred] */
    /* Windows has no SO_PASSCRED: nothing to turn on. */
    /* [passcred] */
    /* [bind-mode] */
    /* Windows has no umask and no mode bits: the socket file gets the
     * access rules (the DACL) its directory passes on to new files. */
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        closesocket(listener);
        return 1;
    }
    printf("listening on %s (access: as the directory passes on)\n", path);
    /* [bind-mode] */
    fflush(stdout);

    for (;;) {
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            if (WSAGetLastError() == WSAEINTR || WSAGetLastError() == WSAECONNABORTED)
                continue;
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        if (tell(client) != 0)
            fprintf(stderr, PROG ": a client: %s\n", uds_strerror(WSAGetLastError()));
        closesocket(client);
    }
    closesocket(listener);
    return 1;
}
