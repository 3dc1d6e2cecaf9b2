/* SPDX-License-Identifier: MIT */
/*
 * pump.c (Linux): one direction of a relayed connection, moved with
 * splice() where the kernel allows it, and its end passed on (carry(), at
 * the end; see relay.h).
 *
 * A plain copy reads into a buffer of this process and writes it out
 * again: every byte crosses between kernel and user space twice.  splice()
 * moves pages from a socket into a pipe and from the pipe into the other
 * socket, all inside the kernel; the pipe is only the kernel's buffer
 * between the two (splice() needs a pipe on one side of each call).  Where
 * a descriptor does not take splice() (EINVAL: a terminal, say), or no
 * pipe can be had (EMFILE), the plain copy does the job.
 */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK (64 * 1024) /* a pipe's default capacity on Linux */

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* [copy] */
/* The plain copy: read what came, write all of it, until the end. */
static int copy(int from, int to)
{
    char buf[CHUNK];

    for (;;) {
        ssize_t n = read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return (int)n; /* 0 at the end of the stream, -1 on an error */
        if (write_all(to, buf, (size_t)n) != 0)
            return -1;
    }
}
/* [copy] */

/* Empty the pipe with read() and write(), when `to` refused splice(). */
static int drain(int pipe_out, int to, size_t left)
{
    char buf[CHUNK];

    while (left > 0) {
        ssize_t n = read(pipe_out, buf, left < sizeof buf ? left : sizeof buf);
        if (n <= 0 || write_all(to, buf, (size_t)n) != 0)
            return -1;
        left -= (size_t)n;
    }
    return 0;
}

/* [splice] */
static int splice_through(int from, int to, int pipe_in, int pipe_out)
{
    for (int first = 1;; first = 0) {
        ssize_t n = splice(from, NULL, pipe_in, NULL, CHUNK, SPLICE_F_MOVE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EINVAL && first)
            return copy(from, to); /* `from` does not splice */
        if (n <= 0)
            return (int)n;
        for (size_t left = (size_t)n; left > 0;) {
            ssize_t m = splice(pipe_out, NULL, to, NULL, left, SPLICE_F_MOVE);
            if (m < 0 && errno == EINTR)
                continue;
            if (m < 0 && errno == EINVAL)  /* `to` does not splice */
                return drain(pipe_out, to, left) != 0 ? -1 : copy(from, to);
            if (m <= 0)
                return -1;
            left -= (size_t)m;
        }
    }
}
/* [splice] */

int pump(struct side *from, struct side *to)
{
    int p[2];

    /* UDS_RELAY_COPY=1 (set by the bench) measures the plain copy alone. */
    if (getenv("UDS_RELAY_COPY") != NULL || pipe2(p, O_CLOEXEC) != 0)
        return copy(from->in, to->out); /* no pipe: copy all the same */
    int r = splice_through(from->in, to->out, p[1], p[0]);
    int err = errno;
    close(p[0]);
    close(p[1]);
    errno = err;
    return r;
}

/* [carry] */
/* One direction of one connection.  At the sender's end of stream the
 * receiver gets a half-close, not a close: it may still be answering (a
 * client that shuts down writing still reads the whole reply).  On an
 * error the connection is lost: both sides are shut down, which wakes the
 * thread of the other direction. */
void *carry(void *arg)
{
    struct direction *d = arg;

    if (pump(d->from, d->to) == 0) {
        side_end_writing(d->to);
        return NULL;
    }
    d->error = uds_last_error();
    side_abort(d->from);
    side_abort(d->to);
    return NULL;
}
/* [carry] */
