/* SPDX-License-Identifier: MIT */
/*
 * uds-relay (Linux): accepts connections on one side (FROM) and, for each,
 * connects to the other (TO), copying the bytes both ways at once.
 *
 * FROM is unix:PATH, tcp:HOST:PORT or stdio (the one connection on this
 * process's standard input and output); TO is unix:PATH, tcp:HOST:PORT or
 * exec:PROGRAM [ARG...] (a command whose standard input and output carry
 * the bytes).  Chapter 08 uses it to reach a Windows socket from WSL 2:
 *     uds-relay unix:/tmp/app.sock exec:uds-relay.exe stdio unix:C:\app.sock
 * One thread per direction of each connection, each in a plain blocking
 * loop (pump.c); the main thread only accepts, and waits in ppoll() for a
 * stop signal.  Its log goes to standard error: standard output may be a
 * connection.
 *
 * usage: uds-relay [--any-address] FROM TO [ARG...]
 */
#include "uds.h"
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PROG "uds-relay"
#define USAGE "usage: " PROG " [--any-address] unix:PATH|tcp:HOST:PORT|stdio" \
    " unix:PATH|tcp:HOST:PORT|exec:PROGRAM [ARG...]"

static struct place to;     /* where every connection goes */
static int ended[2];        /* a pipe: a connection that ends writes a byte */

struct connection {
    unsigned long id;
    struct side client, server;
};

/* [carry] */
/* One direction of one connection.  At the sender's end of stream the
 * receiver gets a half-close, not a close: it may still be answering (a
 * client that shuts down writing still reads the whole reply).  On an
 * error the connection is lost: both sides are shut down, which wakes the
 * thread of the other direction. */
struct direction { struct side *from, *to; int error; };

static void *carry(void *arg)
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

/* [serve] */
/* A connection's own thread: connect to TO, carry one direction here and
 * the other in a second thread, then close both sides. */
static void *serve(void *arg)
{
    struct connection *c = arg;
    char tag[40];
    pthread_t down_thread;
    int err = -1;

    snprintf(tag, sizeof tag, "connection %lu", c->id);
    if (place_open(PROG, tag, &to, &c->server) == 0) {
        struct direction up = { &c->client, &c->server, 0 };
        struct direction down = { &c->server, &c->client, 0 };
        err = pthread_create(&down_thread, NULL, carry, &down);
        if (err == 0) {
            carry(&up);
            pthread_join(down_thread, NULL);
            err = up.error ? up.error : down.error;
        }
        if (err != 0)
            uds_fail_code(PROG, "lost", tag, err);
        side_close(&c->server);
    }
    side_close(&c->client);
    free(c);
    /* Tell the main thread: it may be waiting for a descriptor to free. */
    if (write(ended[1], "", 1) < 0) { /* full: it has been told already */ }
    return err == 0 ? NULL : (void *)"lost"; /* FROM stdio: the exit status */
}
/* [serve] */

/* [accept] */
/* Accept every waiting client and give each a thread.  When accept() fails
 * for want of descriptors (EMFILE, ENFILE) or memory, trying again at once
 * would fail again: the caller stops watching the listener until a
 * connection ends (return 1). */
static int accept_all(uds_socket_t listener, unsigned long *count)
{
    for (;;) {
        int s = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (s < 0 && (errno == ECONNABORTED || errno == EINTR))
            continue; /* that client left before we took it */
        struct connection *c = s < 0 ? NULL : calloc(1, sizeof *c);
        pthread_t t;
        int err = s < 0 ? errno : c == NULL ? ENOMEM : 0;
        if (c != NULL) {
            c->id = ++*count;
            side_socket(&c->client, s);
            err = pthread_create(&t, NULL, serve, c);
        }
        if (err == 0) {
            pthread_detach(t);
            continue;
        }
        if (s >= 0)
            close(s);
        free(c);
        uds_fail_code(PROG, "cannot accept a connection on", "the listener", err);
        fprintf(stderr, PROG ": accepting paused until a connection ends\n");
        return 1;
    }
}
/* [accept] */

int main(int argc, char **argv)
{
    struct place from;
    int any_address = 0, paused = 0, status = 0;
    unsigned long count = 0;
    char name[300];
    static pthread_t stdio_thread; /* FROM stdio: its one connection */

    int opt = parse_args(PROG, USAGE, argc, argv, &from, &to, &any_address);
    if (opt >= 0)
        return opt; /* --help, or a usage error */

    /* A peer that vanishes must not kill the relay: writes to it fail with
     * EPIPE instead of raising SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (uds_prepare_stop() != 0 || pipe2(ended, O_CLOEXEC | O_NONBLOCK) != 0)
        return uds_fail(PROG, "cannot set up", "the stop");
    /* [main-loop] */
    uds_socket_t listener = UDS_INVALID_SOCKET;
    if (from.kind == PLACE_STDIO) {
        struct connection *c = calloc(1, sizeof *c);
        pthread_t t;
        if (c == NULL)
            return uds_fail(PROG, "cannot serve", "stdio");
        c->id = ++count;
        side_stdio(&c->client);
        if ((errno = pthread_create(&t, NULL, serve, c)) != 0)
            return uds_fail(PROG, "cannot serve", "stdio");
        stdio_thread = t;
    } else {
        listener = place_listen(PROG, &from, any_address);
        if (listener == UDS_INVALID_SOCKET)
            return 1;
        place_name(&from, listener, name, sizeof name);
        fprintf(stderr, PROG ": listening on %s\n", name);
    }
    while (!uds_stop_requested()) {
        struct pollfd fds[2] = {
            { .fd = paused ? -1 : listener, .events = POLLIN },
            { .fd = ended[0], .events = POLLIN },
        };
        if (ppoll(fds, 2, NULL, uds_stop_wait_mask()) < 0) {
            if (errno == EINTR)
                continue; /* a stop signal: the loop looks at the flag */
            status = uds_fail(PROG, "cannot wait on", from.spec);
            break;
        }
        if (fds[1].revents != 0) {
            char drain[64];
            while (read(ended[0], drain, sizeof drain) > 0) {}
            if (from.kind == PLACE_STDIO) { /* its one connection is over */
                void *failed;
                pthread_join(stdio_thread, &failed);
                status = failed != NULL;
                break;
            }
            paused = 0;
        }
        if (!paused && (fds[0].revents & POLLIN))
            paused = accept_all(listener, &count);
    }
    /* [main-loop] */
    /* Connections still open end with the process. */
    if (listener != UDS_INVALID_SOCKET)
        place_unlisten(&from, listener);
    if (uds_stop_requested())
        fprintf(stderr, PROG ": stopping on %s\n", uds_stop_requested());
    uds_stop_done();
    return status;
}
