/* SPDX-License-Identifier: MIT */
/*
 * pump.c (Windows): one direction of a relayed connection (see relay.h).
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
