/* SPDX-License-Identifier: MIT */
/*
 * sockets.c (Linux): the transports of uds-bench that are sockets with a
 * listener, AF_UNIX and TCP on the loopback (see sockets.h).
 */
#include "sockets.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "uds-bench"

void link_socket(struct link *l, int fd)
{
    l->in = l->out = fd;
    l->max_write = 0;
}

/* [listen-connect-accept] */
/* A listener, a client connected to it and the accepted socket, all in
 * this process: the two sides then part with fork().  `addr` is a
 * pathname (AF_UNIX) or 127.0.0.1 port 0, the kernel's choice (TCP). */
static int connect_pair(int family, int type, struct sockaddr *addr, socklen_t len,
                        struct link *mine, struct link *peer)
{
    int listener = socket(family, type, 0), client = -1, server = -1;

    if (listener < 0)
        return uds_fail_socket(PROG, "the listener");
    if (bind(listener, addr, len) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, addr, &len) != 0) {
        close(listener);
        return uds_fail(PROG, "cannot listen", "for the bench");
    }
    client = socket(family, type, 0);
    if (client < 0 || connect(client, addr, len) != 0 ||
        (server = accept(listener, NULL, NULL)) < 0) {
        int rc = uds_fail(PROG, "cannot connect", "to the bench's listener");
        if (client >= 0)
            close(client);
        close(listener);
        return rc;
    }
    close(listener);
    link_socket(mine, client);
    link_socket(peer, server);
    return 0;
}
/* [listen-connect-accept] */

int unix_pair(int type, struct link *mine, struct link *peer)
{
    char dir[] = "/tmp/uds-bench-XXXXXX", path[64];
    struct sockaddr_un addr;
    socklen_t len;
    int rc;

    /* A private directory of our own, so that no file of anyone else's is
     * ever in the way or removed. */
    if (mkdtemp(dir) == NULL)
        return uds_fail(PROG, "cannot create a directory in", "/tmp");
    snprintf(path, sizeof path, "%s/bench.sock", dir);
    if (uds_addr_path(&addr, &len, path) != 0)
        rc = uds_fail(PROG, "cannot use", path);
    else
        rc = connect_pair(AF_UNIX, type, (struct sockaddr *)&addr, len, mine, peer);
    unlink(path);   /* connected sockets no longer need their name */
    rmdir(dir);
    return rc;
}

int tcp_pair(int nodelay, struct link *mine, struct link *peer)
{
    struct sockaddr_in addr;
    int one = 1;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect_pair(AF_INET, SOCK_STREAM, (struct sockaddr *)&addr, sizeof addr,
                     mine, peer) != 0)
        return 1;
    /* Nagle's algorithm holds back a small write while an earlier one is
     * unacknowledged; TCP_NODELAY turns it off, on both ends. */
    if (nodelay && (setsockopt(mine->in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
                    setsockopt(peer->in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0))
        return uds_fail(PROG, "cannot set", "TCP_NODELAY");
    return 0;
}
