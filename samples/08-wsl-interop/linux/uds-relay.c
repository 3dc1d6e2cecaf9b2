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
 * loop (carry() in pump.c); the main thread only accepts, and waits in
 * ppoll() for a stop signal.  Its log goes to standard error: standard
 * output may be a connection.
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

static struct place from, to; /* where connections come from and go to */
static int ended[2];          /* a pipe: a connection that ends writes a byte */
static unsigned long count;   /* connections so far */
static pthread_t stdio_thread; /* FROM stdio: its one connection */

struct connection { unsigned long id; struct side client, server; };

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

/* [start] */
/* Give a new connection its thread (accept_all() calls it for each
 * client).  0, or an error code. */
static int start(struct side client)
{
    struct connection *c = calloc(1, sizeof *c);
    pthread_t t;
    int err = c == NULL ? ENOMEM : 0;

    if (c != NULL) {
        *c = (struct connection){ .id = ++count, .client = client };
        err = pthread_create(&t, NULL, serve, c);
    }
    if (err != 0)
        free(c);
    else if (from.kind == PLACE_STDIO)
        stdio_thread = t; /* the main thread joins it, for the exit status */
    else
        pthread_detach(t);
    return err;
}
/* [start] */

int main(int argc, char **argv)
{
    struct side client;
    int any_address = 0, paused = 0, status = 0, err, watch_out = 0;
    uds_socket_t listener = UDS_INVALID_SOCKET;

    int opt = parse_args(PROG, USAGE, argc, argv, &from, &to, &any_address);
    if (opt >= 0)
        return opt; /* --help, or a usage error */

    /* A peer that vanishes must not kill the relay: writes to it fail with
     * EPIPE instead of raising SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (uds_prepare_stop() != 0 || pipe2(ended, O_CLOEXEC | O_NONBLOCK) != 0)
        return uds_fail(PROG, "cannot set up", "the stop");
    /* [main-loop] */
    if (from.kind == PLACE_STDIO) {
        watch_out = side_stdio(&client); /* our output is a pipe */
        if ((err = start(client)) != 0)
            return uds_fail_code(PROG, "cannot serve", "stdio", err);
    } else if ((listener = place_listen(PROG, &from, any_address)) == UDS_INVALID_SOCKET) {
        return 1; /* it has said why */
    }
    while (!uds_stop_requested()) {
        struct pollfd fds[3] = {
            { .fd = ended[0], .events = POLLIN },
            { .fd = paused ? -1 : listener, .events = POLLIN },
            /* FROM stdio, our output a pipe: POLLERR when it has lost its
             * reader, which the thread reading our input may never learn. */
            { .fd = watch_out ? 1 : -1 },
        };
        if (ppoll(fds, 3, NULL, uds_stop_wait_mask()) < 0) {
            if (errno == EINTR)
                continue; /* a stop signal: the loop looks at the flag */
            status = uds_fail(PROG, "cannot wait on", from.spec);
            break;
        }
        if (fds[2].revents & POLLERR) {
            status = uds_fail_code(PROG, "lost", "connection 1", EPIPE);
            break;
        }
        if (fds[2].revents & POLLNVAL)
            watch_out = 0; /* closed: the end of our output was passed on */
        if (fds[0].revents != 0) {
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
        if (!paused && (fds[1].revents & POLLIN))
            paused = accept_all(PROG, listener, start);
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
