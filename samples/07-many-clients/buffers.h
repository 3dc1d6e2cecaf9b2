/* SPDX-License-Identifier: MIT */
/*
 * buffers.h: what chat-server keeps for each client, on Linux and Windows
 * alike.  A non-blocking socket takes and gives whatever it can, so every
 * client needs two buffers: the bytes received that are not yet a whole
 * line, and the bytes waiting until its socket can take them.
 */
#ifndef BUFFERS_H
#define BUFFERS_H

#include "uds.h"

#include <stddef.h>

#define CHAT_NAME_MAX 32           /* a name has 1 to 31 bytes */
#define CHAT_LINE_MAX 1024         /* a line has at most 1023 bytes and its newline */
#define CHAT_OUT_MAX (64 * 1024)   /* a client that lets more wait is cut off */

/* [client-struct] */
struct client {
    uds_socket_t sock;
    char name[CHAT_NAME_MAX];  /* empty until the client's first line */
    char in[CHAT_LINE_MAX];    /* received bytes not yet taken as lines */
    size_t in_len;             /* bytes held in `in` */
    size_t in_next;            /* where in `in` the next line starts */
    char *out;                 /* bytes waiting for the socket to take them */
    size_t out_len, out_cap;
};
/* [client-struct] */

/* A client for an accepted socket, with empty buffers; NULL if out of memory. */
struct client *client_new(uds_socket_t sock);

/* Free the buffers (the caller closes the socket). */
void client_free(struct client *c);

/* The next whole line in `in`, its newline replaced by a NUL; or NULL when
 * none is complete yet (then `in` holds only the start of the next line). */
char *client_next_line(struct client *c);

/* Append bytes for the client to `out`.  Returns 0, or -1 when they would
 * make more than CHAT_OUT_MAX bytes wait (or memory runs out). */
int client_queue(struct client *c, const char *buf, size_t len);

/* Drop the first n bytes of `out`: the socket has taken them. */
void client_sent(struct client *c, size_t n);

#endif
