/* SPDX-License-Identifier: MIT */
/*
 * fdpass-server (Linux): accepts TCP connections and hands each one to the
 * worker process, over an AF_UNIX socket, with SCM_RIGHTS.  pass-server
 * made to run unattended (chapter 06, "going further"): every address,
 * stop signals, a worker that restarts, running out of descriptors.
 *
 * Resolves ADDRESS and PORT (IPv4 and IPv6; `-`, `*`, `?`, `:` or an empty
 * ADDRESS mean every address; PORT 0 means any free port), connects to the
 * worker's socket, listens, and passes every accepted connection to the
 * worker with a one-byte message, then closes its own copy.  If the worker
 * goes away, it reconnects with a growing pause, and gives up after
 * RETRY_FOR_MS.  Out of descriptors, it pauses accepting for a second at a
 * time, saying so once.  SIGINT, SIGTERM or SIGHUP stop it.
 *
 * usage: fdpass-server ADDRESS PORT SOCKET
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <poll.h>
#include <time.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#define PROG "fdpass-server"
#define MAX_LISTENERS 8
#define RETRY_FIRST_MS 50    /* first pause before reconnecting */
#define RETRY_MAX_MS 2000    /* the pause doubles up to this */
#define RETRY_FOR_MS 10000   /* then give up after this long in all */

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig) { stop_signal = sig; }

/* [signals] */
/* As in the worker: the stop signals are blocked except inside ppoll(). */
static int block_signals(sigset_t *wait_mask)
{
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* Sends use MSG_NOSIGNAL; ignoring SIGPIPE also covers stdout. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    return sigprocmask(SIG_BLOCK, &block, wait_mask);
}
/* [signals] */

/* [send-fd] */
/* Pass one descriptor with a one-byte message.  SCM_RIGHTS must ride on at
 * least one byte of data: a stream cannot carry a message of none.
 * MSG_NOSIGNAL: a worker that died gives EPIPE, not a fatal SIGPIPE.
 * MSG_DONTWAIT: when the worker's queue is full, EAGAIN, not a wait that
 * no stop signal could interrupt (see send_fd_waiting()). */
static int send_fd(int worker, int fd)
{
    char byte = 'F';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg;
    struct cmsghdr *cm;
    ssize_t n;

    memset(&control, 0, sizeof control);
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);

    do
        n = sendmsg(worker, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -1;
}
/* [send-fd] */

/* The worker is slower than the clients (or stopped): wait for room in its
 * queue, inside ppoll(), so that SIGTERM still ends the server. */
static int send_fd_waiting(int worker, int fd, const sigset_t *wait_mask)
{
    while (send_fd(worker, fd) != 0) {
        struct pollfd p = { .fd = worker, .events = POLLOUT };
        if (errno != EAGAIN)
            return -1;
        if (ppoll(&p, 1, NULL, wait_mask) < 0 && stop_signal)
            return -1;
    }
    return 0;
}

/* [reconnect] */
/* The worker went away: try again after 50 ms, 100 ms, ... at most 2 s
 * apart, for RETRY_FOR_MS in all.  Meanwhile nobody accepts, so new
 * clients wait in the listen backlog instead of being turned away.
 * The pauses are ppoll() calls, so a stop signal still ends the wait. */
static int reconnect_worker(const char *path, const sigset_t *wait_mask)
{
    long pause_ms = RETRY_FIRST_MS, waited_ms = 0;

    for (;;) {
        int s = connect_worker(path);
        if (s >= 0) {
            printf(PROG ": reconnected to the worker at %s\n", path);
            fflush(stdout);
            return s;
        }
        if (waited_ms >= RETRY_FOR_MS) {
            fprintf(stderr, PROG ": no worker at %s for %d s: %s; giving up\n",
                    path, RETRY_FOR_MS / 1000, uds_strerror(errno));
            return -1;
        }
        struct timespec ts = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };
        ppoll(NULL, 0, &ts, wait_mask);
        if (stop_signal)
            return -1;
        waited_ms += pause_ms;
        pause_ms = pause_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : pause_ms * 2;
    }
}
/* [reconnect] */

int main(int argc, char **argv)
{
    struct pollfd p[MAX_LISTENERS + 1];
    int listeners[MAX_LISTENERS];
    char where[NI_MAXHOST + NI_MAXSERV + 4];
    sigset_t wait_mask;
    int n, worker, status = 0;

    if ((status = server_args(PROG, argc, argv)) != 0)
        return status;
    const char *address = argv[1], *port = argv[2], *path = argv[3];
    if (block_signals(&wait_mask) != 0)
        return uds_fail(PROG, "cannot block signals in", PROG);

    /* First the worker: without it there is nothing to listen for. */
    worker = connect_worker(path);
    if (worker < 0)
        return uds_fail(PROG, "cannot connect to the worker at", path);
    /* Non-blocking: a client that resets before accept() must not leave
     * us blocked in it. */
    n = listen_tcp(PROG, address, port, SOCK_NONBLOCK, listeners, MAX_LISTENERS);
    if (n == 0) {
        close(worker);
        return 1;
    }

    /* [server-loop] */
    long failures = 0; /* accept() failures in a row for lack of descriptors */
    while (!stop_signal && worker >= 0) {
        /* After such a failure, a second's pause: the listeners are left
         * out of the wait (they stay readable, and accept() would fail
         * again at once), but signals still end it. */
        struct timespec pause = { 1, 0 };
        for (int i = 0; i < n; i++)
            p[i] = (struct pollfd){ .fd = failures ? -1 : listeners[i], .events = POLLIN };
        /* The worker never writes: its socket turns readable only when
         * it closes, so we notice at once, not at the next connection. */
        p[n] = (struct pollfd){ .fd = worker, .events = POLLIN };
        int ready = ppoll(p, (nfds_t)n + 1, failures ? &pause : NULL, &wait_mask);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            status = uds_fail(PROG, "cannot wait on", "the listening sockets");
            break;
        }
        if (ready == 0) { /* the pause is over: try every listener again */
            for (int i = 0; i < n; i++)
                p[i].revents = POLLIN;
        }
        if (p[n].revents) {
            fprintf(stderr, PROG ": the worker at %s went away; reconnecting\n", path);
            close(worker);
            worker = reconnect_worker(path, &wait_mask);
            continue;
        }
        for (int i = 0; i < n && worker >= 0 && !stop_signal; i++) {
            struct sockaddr_storage peer;
            socklen_t peer_len = sizeof peer;

            if (!p[i].revents)
                continue;
            int conn = accept4(listeners[i], (struct sockaddr *)&peer, &peer_len, SOCK_CLOEXEC);
            if (conn < 0) {
                format_addr_of(listeners[i], where, sizeof where);
                if (out_of_descriptors(PROG, where, &failures))
                    break; /* pause (above) */
                /* Nothing there after all (the client gave up), or it
                 * was aborted: neither is a reason to stop serving. */
                if (errno != EAGAIN && errno != ECONNABORTED)
                    uds_fail(PROG, "cannot accept on", where);
                continue;
            }
            accepting_again(PROG, &failures);
            int sent = send_fd_waiting(worker, conn, &wait_mask), err = errno;
            close(conn); /* the worker has its own copy now, or never will */
            if (sent != 0 && !stop_signal) {
                fprintf(stderr, PROG ": cannot pass the connection from %s to the worker at %s: %s;"
                        " closed it\n", format_addr((struct sockaddr *)&peer, peer_len,
                                                    where, sizeof where),
                        path, uds_strerror(err));
                close(worker);
                worker = reconnect_worker(path, &wait_mask);
            }
        }
    }
    /* [server-loop] */

    if (stop_signal)
        printf(PROG ": stopping on %s\n", signal_name(stop_signal));
    else if (worker < 0)
        status = 1;
    for (int i = 0; i < n; i++)
        close(listeners[i]);
    if (worker >= 0)
        close(worker);
    return status;
}
