/* SPDX-License-Identifier: MIT */
/*
 * buffers.c: the per-client buffers of chat-server (see buffers.h).  The
 * same file on Linux and Windows: it touches memory, never a socket.
 */
#include "buffers.h"

#include <stdlib.h>
#include <string.h>

struct client *client_new(uds_socket_t sock)
{
    struct client *c = calloc(1, sizeof *c);

    if (c != NULL)
        c->sock = sock;
    return c;
}

void client_free(struct client *c)
{
    free(c->out);
    free(c);
}

/* [next-line] */
char *client_next_line(struct client *c)
{
    char *start = c->in + c->in_next;
    size_t left = c->in_len - c->in_next;
    char *nl = memchr(start, '\n', left);

    if (nl == NULL) {
        /* No whole line left: move the unfinished one to the front, so
         * that the next recv() has the rest of `in` to fill. */
        memmove(c->in, start, left);
        c->in_len = left;
        c->in_next = 0;
        return NULL;
    }
    *nl = '\0';
    c->in_next = (size_t)(nl + 1 - c->in);
    return start;
}
/* [next-line] */

/* [queue] */
int client_queue(struct client *c, const char *buf, size_t len)
{
    /* The cap is the back-pressure: a client that does not read must not
     * make the server hold an ever-growing pile of bytes for it. */
    if (len > CHAT_OUT_MAX - c->out_len)
        return -1;
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + len)
            cap *= 2;
        char *bigger = realloc(c->out, cap);
        if (bigger == NULL)
            return -1;
        c->out = bigger;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, buf, len);
    c->out_len += len;
    return 0;
}

void client_sent(struct client *c, size_t n)
{
    /* Whatever the socket did not take stays, at the front, for the next
     * POLLOUT: a partial send() loses nothing. */
    memmove(c->out, c->out + n, c->out_len - n);
    c->out_len -= n;
}
/* [queue] */
