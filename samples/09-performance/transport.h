/* SPDX-License-Identifier: MIT */
/*
 * transport.h: the channels uds-bench compares, behind one small
 * interface.  One file per platform: linux/transport.c, win32/transport.c
 * (with sockets.c: the sockets that need a listener).  What else the
 * benchmark needs from the platform is in platform.h and machine.h.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include "uds.h"

#include <stddef.h>

/* One end of a two-way channel between the two sides of a measurement. */
struct link {
#ifdef _WIN32
    SOCKET sock;            /* a socket, or INVALID_SOCKET for a pipe */
    HANDLE in, out;         /* a pipe's ends: one handle for a named pipe */
#else
    int in, out;            /* one descriptor for a socket, two for pipes */
#endif
    size_t max_write;       /* the largest write, 0 for any: a SOCK_SEQPACKET
                               record must fit the socket's send buffer */
};

/* Every transport of this platform, in the order the table shows them. */
extern const char *const transport_names[];

/* 1 if transport `name` exists on this platform, else 0. */
int transport_known(const char *name);

/* 1 if this system can open transport `name` (Windows without AF_UNIX
 * cannot open "unix"), else 0. */
int transport_available(const char *name);

/* Connect two ends of transport `name`.  0, or 1 after printing why not. */
int transport_open(const char *name, struct link *mine, struct link *peer);

/* One read or write: the byte count, 0 at the end of the data, -1 with
 * the error in uds_last_error(). */
long link_read(struct link *l, void *buf, size_t len);
long link_write(struct link *l, const void *buf, size_t len);
void link_close(struct link *l);

#endif
