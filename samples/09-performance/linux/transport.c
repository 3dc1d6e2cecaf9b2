/* SPDX-License-Identifier: MIT */
/*
 * transport.c (Linux): the channels uds-bench compares (see transport.h).
 * Sockets and pipes are all file descriptors here, so one read() and one
 * write() serve every transport.  The sockets that need a listener, AF_UNIX
 * and TCP, are made in sockets.c.
 */
#include "sockets.h"
#include "transport.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROG "uds-bench"

const char *const transport_names[] = {
    "unix", "seqpacket", "socketpair", "pipe", "tcp", "tcp-nodelay", NULL
};

int transport_known(const char *name)
{
    for (const char *const *t = transport_names; *t != NULL; t++)
        if (strcmp(*t, name) == 0)
            return 1;
    return 0;
}

int transport_available(const char *name)
{
    return transport_known(name);
}

int transport_open(const char *name, struct link *mine, struct link *peer)
{
    int sv[2], there[2], back[2];

    if (strcmp(name, "unix") == 0)
        return unix_pair(SOCK_STREAM, mine, peer);
    if (strcmp(name, "seqpacket") == 0) {
        if (unix_pair(SOCK_SEQPACKET, mine, peer) != 0)
            return 1;
        /* One record must fit the send buffer (about 200 KiB by default). */
        mine->max_write = peer->max_write = 65536;
        return 0;
    }
    if (strcmp(name, "socketpair") == 0) {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
            return uds_fail(PROG, "cannot create", "a socketpair");
        link_socket(mine, sv[0]);
        link_socket(peer, sv[1]);
        return 0;
    }
    if (strcmp(name, "pipe") == 0) {
        /* A pipe goes one way: one each way makes a two-way channel. */
        if (pipe(there) != 0)
            return uds_fail(PROG, "cannot create", "a pipe");
        if (pipe(back) != 0) {
            close(there[0]), close(there[1]);
            return uds_fail(PROG, "cannot create", "a pipe");
        }
        mine->out = there[1], peer->in = there[0];
        peer->out = back[1], mine->in = back[0];
        mine->max_write = peer->max_write = 0;
        return 0;
    }
    return tcp_pair(strcmp(name, "tcp-nodelay") == 0, mine, peer);
}

long link_read(struct link *l, void *buf, size_t len)
{
    return (long)read(l->in, buf, len);
}

long link_write(struct link *l, const void *buf, size_t len)
{
    return (long)write(l->out, buf, len);
}

void link_close(struct link *l)
{
    if (l->out != l->in)
        close(l->out);
    close(l->in);
}
