/* SPDX-License-Identifier: MIT */
/*
 * sockets.h: the transports of uds-bench that are sockets made through a
 * listener (AF_UNIX and TCP on the loopback), a part of transport.c.  One
 * file per platform: linux/sockets.c, win32/sockets.c.
 */
#ifndef SOCKETS_H
#define SOCKETS_H

#include "transport.h"

/* Make L the end of a channel that is the one socket S. */
void link_socket(struct link *l, uds_socket_t s);

/* Two connected ends of an AF_UNIX socket of TYPE (SOCK_STREAM; on Linux
 * also SOCK_SEQPACKET), through a listener on a path of our own that is
 * removed at once.  0, or 1 after printing why not. */
int unix_pair(int type, struct link *mine, struct link *peer);

/* Two connected ends of TCP on 127.0.0.1, with Nagle's algorithm off on
 * both when NODELAY.  0, or 1 after printing why not. */
int tcp_pair(int nodelay, struct link *mine, struct link *peer);

#endif
