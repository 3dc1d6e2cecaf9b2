/* SPDX-License-Identifier: MIT */
/*
 * pump.c (Windows): one direction of a relayed connection, and its end
 * passed on (carry(), at the end; see relay.h).
 *
 * Windows has no splice(): every byte is read into a buffer of this
 * process and written out again.  A side is a socket (recv() and send())
 * or, for the standard input and output and a command's pipes, a handle
 * (ReadFile() and WriteFile()).
 */
#include "relay.h"

#include <stdlib.h>

#define CHUNK (64 * 1024)

/* Read some bytes: their count, 0 at the end of the stream, or -1. */
static long take(struct side *s, char *buf, size_t len)
{
    DWORD n;

    if (s->sock != INVALID_SOCKET)
        return uds_recv_some(s->sock, buf, len);
    if (ReadFile(s->in, buf, (DWORD)len, &n, NULL))
        return (long)n; /* 0: the end of a file */
    DWORD err = GetLastError();
    if (err == ERROR_BROKEN_PIPE || err == ERROR_HANDLE_EOF)
        return 0; /* the writer closed the pipe: the end of the stream */
    uds_set_error((int)err);
    return -1;
}

/* Write all the bytes: 0, or -1. */
static int give(struct side *s, const char *buf, size_t len)
{
    DWORD n;

    if (s->sock != INVALID_SOCKET)
        return uds_send_all(s->sock, buf, len);
    for (; len > 0; buf += n, len -= n)
        if (!WriteFile(s->out, buf, (DWORD)len, &n, NULL)) {
            uds_set_error((int)GetLastError());
            return -1;
        }
    return 0;
}

/* [copy] */
/* The plain copy: read what came, write all of it, until the end. */
int pump(struct side *from, struct side *to)
{
    char *buf = malloc(CHUNK); /* off the thread's stack, which is 1 MiB */

    if (buf == NULL) {
        uds_set_error(WSAENOBUFS);
        return -1;
    }
    for (;;) {
        long n = take(from, buf, CHUNK);
        if (n <= 0 || give(to, buf, (size_t)n) != 0) {
            free(buf);
            return n == 0 ? 0 : -1;
        }
    }
}
/* [copy] */

/* [carry] */
/* One direction of one connection.  At the sender's end of stream the
 * receiver gets a half-close, not a close: it may still be answering (a
 * client that shuts down writing still reads the whole reply).  On an
 * error the connection is lost: both sides are shut down, which wakes the
 * thread of the other direction. */
DWORD WINAPI carry(void *arg)
{
    struct direction *d = arg;

    if (pump(d->from, d->to) == 0) {
        side_end_writing(d->to);
        return 0;
    }
    d->error = uds_last_error();
    side_abort(d->from);
    side_abort(d->to);
    return 0;
}
/* [carry] */
