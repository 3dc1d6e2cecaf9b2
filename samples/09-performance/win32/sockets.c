/* SPDX-License-Identifier: MIT */
/*
 * sockets.c (Windows): the transports of uds-bench that are sockets with a
 * listener, AF_UNIX and TCP on the loopback (see sockets.h).
 */
#include "sockets.h"

#include <stdio.h>
#include <string.h>

#define PROG "uds-bench"

void link_socket(struct link *l, SOCKET s)
{
    l->sock = s;
    l->in = l->out = INVALID_HANDLE_VALUE;
    l->max_write = 0;
}

/* [listen-connect-accept] */
/* A listener, a client connected to it and the accepted socket, all in
 * this thread: the two sides then run in two threads.  `addr` is a
 * pathname (AF_UNIX) or 127.0.0.1 port 0, the kernel's choice (TCP). */
static int connect_pair(int family, int type, struct sockaddr *addr, int len,
                        struct link *mine, struct link *peer)
{
    SOCKET listener = socket(family, type, 0), client, server = INVALID_SOCKET;

    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, "the listener");
    if (bind(listener, addr, len) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, addr, &len) != 0) {
        closesocket(listener);
        return uds_fail(PROG, "cannot listen", "for the bench");
    }
    client = socket(family, type, 0);
    if (client == INVALID_SOCKET || connect(client, addr, len) != 0 ||
        (server = accept(listener, NULL, NULL)) == INVALID_SOCKET) {
        int rc = uds_fail(PROG, "cannot connect", "to the bench's listener");
        if (client != INVALID_SOCKET)
            closesocket(client);
        closesocket(listener);
        return rc;
    }
    closesocket(listener);
    link_socket(mine, client);
    link_socket(peer, server);
    return 0;
}
/* [listen-connect-accept] */

int unix_pair(int type, struct link *mine, struct link *peer)
{
    static int serial;
    char dir[MAX_PATH], path[MAX_PATH + 64];
    struct sockaddr_un addr;
    socklen_t len;
    int rc;

    /* A name of our own in the temporary directory: the process id and a
     * serial number, so that no file of anyone else's is ever removed. */
    if (GetTempPathA(sizeof dir, dir) == 0)
        return uds_fail_code(PROG, "cannot find", "the temporary directory",
                             (int)GetLastError());
    snprintf(path, sizeof path, "%suds-bench-%lu-%d.sock", dir,
             (unsigned long)GetCurrentProcessId(), serial++);
    if (uds_addr_path(&addr, &len, path) != 0)
        return uds_fail(PROG, "cannot use", path);
    rc = connect_pair(AF_UNIX, type, (struct sockaddr *)&addr, len, mine, peer);
    DeleteFileA(path);  /* connected sockets no longer need their name */
    return rc;
}

int tcp_pair(int nodelay, struct link *mine, struct link *peer)
{
    struct sockaddr_in addr;
    BOOL one = TRUE;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect_pair(AF_INET, SOCK_STREAM, (struct sockaddr *)&addr, sizeof addr, mine, peer) != 0)
        return 1;
    /* Nagle's algorithm holds back a small write while an earlier one is
     * unacknowledged; TCP_NODELAY turns it off, on both ends. */
    if (nodelay && (setsockopt(mine->sock, IPPROTO_TCP, TCP_NODELAY, (const char *)&one,
                               sizeof one) != 0 ||
                    setsockopt(peer->sock, IPPROTO_TCP, TCP_NODELAY, (const char *)&one,
                               sizeof one) != 0))
        return uds_fail(PROG, "cannot set", "TCP_NODELAY");
    return 0;
}
