/* SPDX-License-Identifier: MIT */
/*
 * frame.c: length-prefixed messages on a stream.  The same code on Linux
 * and Windows: it calls only the helper library's send and receive.
 */
#include "frame.h"

#include <stdio.h>

/* [read-full] */
/* Read exactly len bytes, however many recv() calls that takes: a stream
 * hands over whatever has arrived so far, which may be half of a length
 * or a piece of a body.  Returns how many bytes came before the peer
 * closed (len when all of them did), or -1 on an error. */
static long read_full(uds_socket_t s, unsigned char *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        long n = uds_recv_some(s, buf + got, len - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* the peer closed its end */
        got += (size_t)n;
    }
    return (long)got;
}
/* [read-full] */

/* [frame-read] */
int frame_read(uds_socket_t s, unsigned char *buf, size_t *len)
{
    unsigned char head[4];
    long n = read_full(s, head, sizeof head);

    if (n < 0)
        return -1;
    if (n == 0)
        return 0; /* closed between frames: the normal end */
    if (n < 4) {  /* closed in the middle of the length */
        *len = (size_t)n;
        uds_set_error(UDS_ECONNRESET);
        return -1;
    }
    /* Network byte order: the most significant byte comes first. */
    uint32_t size = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16
                  | (uint32_t)head[2] << 8 | (uint32_t)head[3];
    if (size > FRAME_MAX) { /* never trust a length before checking it */
        *len = size;
        uds_set_error(UDS_EMSGSIZE);
        return -1;
    }
    n = read_full(s, buf, size);
    if (n < 0)
        return -1;
    if ((size_t)n < size) { /* closed in the middle of the body */
        *len = 4 + (size_t)n;
        uds_set_error(UDS_ECONNRESET);
        return -1;
    }
    *len = size;
    return 1;
}
/* [frame-read] */

/* [frame-write] */
int frame_write(uds_socket_t s, const void *buf, size_t len)
{
    unsigned char head[4];

    if (len > FRAME_MAX) {
        uds_set_error(UDS_EMSGSIZE);
        return -1;
    }
    head[0] = (unsigned char)(len >> 24);
    head[1] = (unsigned char)(len >> 16);
    head[2] = (unsigned char)(len >> 8);
    head[3] = (unsigned char)len;
    if (uds_send_all(s, head, sizeof head) != 0)
        return -1;
    return uds_send_all(s, buf, len);
}
/* [frame-write] */

int frame_fail(const char *prog, const char *who, size_t len)
{
    char what[80];
    int err = uds_last_error();

    if (err == UDS_EMSGSIZE)
        snprintf(what, sizeof what, "frame of %zu bytes (over %u) from", len, FRAME_MAX);
    else if (err == UDS_ECONNRESET)
        snprintf(what, sizeof what, "connection closed %zu bytes into a frame by", len);
    else
        snprintf(what, sizeof what, "cannot receive a frame from");
    return uds_fail_code(prog, what, who, err);
}
