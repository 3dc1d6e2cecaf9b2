/* SPDX-License-Identifier: MIT */
/*
 * fdpass-server (Linux): accepts TCP connections and hands each one to the
 * worker process, over an AF_UNIX socket, with SCM_RIGHTS.
 *
 * Resolves ADDRESS and PORT (IPv4 and IPv6; `-`, `*`, `?`, `:` or an empty
 * ADDRESS mean every address; PORT 0 means any free port), connects to the
 * worker's socket, listens, and passes every accepted connection to the
 * worker with a one-byte message, then closes its own copy.  If the worker
 * goes away, it reconnects with a growing pause, and gives up after
 * RETRY_FOR_MS.  SIGINT, SIGTERM or SIGHUP stop it.
 *
 * usage: fdpass-server ADDRESS PORT SOCKET
 */
#include "uds.h"

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

static int fail(const char *what, const char *where)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, where, uds_strerror(errno));
    return 1;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

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

/* The getaddrinfo() error names, for messages like the other errors'. */
static const char *gai_name(int err)
{
    switch (err) {
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_SERVICE: return "EAI_SERVICE";
    case EAI_MEMORY: return "EAI_MEMORY";
#ifdef EAI_NODATA
    case EAI_NODATA: return "EAI_NODATA";
#endif
    case EAI_SYSTEM: return uds_error_name(errno) ? uds_error_name(errno) : "EAI_SYSTEM";
    default: return "EAI_?";
    }
}

/* "127.0.0.1:8080" or "[::1]:8080", for messages. */
static char *format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        snprintf(buf, cap, "(unknown)");
    else
        snprintf(buf, cap, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
    return buf;
}

/* The wildcard spellings of the classic version: they mean "every address". */
static const char *wildcard(const char *address)
{
    if (address[0] == '\0' || strcmp(address, "-") == 0 || strcmp(address, "*") == 0 ||
        strcmp(address, "?") == 0 || strcmp(address, ":") == 0)
        return NULL;
    return address;
}

/* [listen-tcp] */
/* Listen on every address ADDRESS resolves to.  With PORT 0 the first
 * bind picks a free port and the others reuse it, so one number reaches
 * them all.  Returns the number of listeners, 0 after a reported error. */
static int listen_tcp(const char *address, const char *port, int *listeners)
{
    struct addrinfo hints, *list;
    char where[NI_MAXHOST + NI_MAXSERV + 4];
    int n = 0, err;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    err = getaddrinfo(wildcard(address), port, &hints, &list);
    if (err != 0) {
        fprintf(stderr, PROG ": cannot resolve %s: %s (%s)\n",
                address, gai_strerror(err), gai_name(err));
        return 0;
    }
    for (struct addrinfo *ai = list; ai && n < MAX_LISTENERS; ai = ai->ai_next) {
        int one = 1;
        format_addr(ai->ai_addr, ai->ai_addrlen, where, sizeof where);
        /* Non-blocking: a client that resets before accept() must not
         * leave us blocked in it.  Close-on-exec, as every descriptor. */
        int s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                       ai->ai_protocol);
        if (s < 0) {
            fail("cannot create a socket for", where);
            continue;
        }
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        /* Keep [::] to IPv6, so that 0.0.0.0 on the same port can coexist. */
        if (ai->ai_family == AF_INET6)
            setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (n > 0 && atoi(port) == 0) {
            struct sockaddr_storage first;
            socklen_t len = sizeof first;
            getsockname(listeners[0], (struct sockaddr *)&first, &len);
            /* sin_port and sin6_port sit at the same offset. */
            ((struct sockaddr_in *)ai->ai_addr)->sin_port =
                ((struct sockaddr_in *)&first)->sin_port;
            format_addr(ai->ai_addr, ai->ai_addrlen, where, sizeof where);
        }
        if (bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s, SOMAXCONN) != 0) {
            fail("cannot listen on", where);
            close(s);
            continue;
        }
        listeners[n++] = s;
    }
    freeaddrinfo(list);
    return n;
}
/* [listen-tcp] */

/* [connect-worker] */
static int connect_worker(const char *path)
{
    struct sockaddr_un addr;
    socklen_t len;
    int s;

    if (uds_addr_path(&addr, &len, path) != 0)
        return -1;
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    if (connect(s, (struct sockaddr *)&addr, len) != 0) {
        int err = errno;
        close(s);
        errno = err;
        return -1;
    }
    return s;
}
/* [connect-worker] */

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

    if (argc != 4) {
        fprintf(stderr, "usage: " PROG " ADDRESS PORT SOCKET\n");
        return 2;
    }
    const char *address = argv[1], *port = argv[2], *path = argv[3];
    char *end;
    long port_number = strtol(port, &end, 10);
    if (*port == '\0' || *end != '\0' || port_number < 0 || port_number > 65535) {
        fprintf(stderr, PROG ": PORT must be a number from 0 to 65535, not '%s'\n", port);
        return 2;
    }
    if (block_signals(&wait_mask) != 0)
        return fail("cannot block signals in", PROG);

    /* First the worker: without it there is nothing to listen for. */
    worker = connect_worker(path);
    if (worker < 0)
        return fail("cannot connect to the worker at", path);
    n = listen_tcp(address, port, listeners);
    if (n == 0) {
        close(worker);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        getsockname(listeners[i], (struct sockaddr *)&ss, &len);
        printf(PROG ": listening on %s\n",
               format_addr((struct sockaddr *)&ss, len, where, sizeof where));
    }
    fflush(stdout);

    /* [server-loop] */
    while (!stop_signal && worker >= 0) {
        for (int i = 0; i < n; i++)
            p[i] = (struct pollfd){ .fd = listeners[i], .events = POLLIN };
        /* The worker never writes: its socket turns readable only when
         * it closes, so we notice at once, not at the next connection. */
        p[n] = (struct pollfd){ .fd = worker, .events = POLLIN };
        if (ppoll(p, (nfds_t)n + 1, NULL, &wait_mask) < 0) {
            if (errno == EINTR)
                continue;
            status = fail("cannot wait on", "the listening sockets");
            break;
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
                /* Nothing there after all (the client gave up), or it
                 * was aborted: neither is a reason to stop serving. */
                if (errno != EAGAIN && errno != ECONNABORTED)
                    fail("cannot accept on", "a listening socket");
                continue;
            }
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
