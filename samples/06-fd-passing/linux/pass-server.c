/* SPDX-License-Identifier: MIT */
/*
 * pass-server (Linux): accepts TCP connections and passes each one, with
 * SCM_RIGHTS over an AF_UNIX socket, to pass-worker, which serves it.
 *
 * The chapter's minimal sender: blocking, one listening socket, and the
 * default signal actions (Ctrl+C ends it).  fdpass-server is the same idea
 * made to run for months.
 *
 * usage: pass-server ADDRESS PORT SOCKET
 *   ADDRESS  a numeric IPv4 or IPv6 address: 127.0.0.1, ::1, 0.0.0.0 or ::
 *   PORT     0 to 65535 (0: any free port; the one it got is printed)
 *   SOCKET   the path pass-worker listens on
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <netdb.h>
#include <unistd.h>

#define PROG "pass-server"

/* [connect-worker] */
static int connect_worker(const char *path)
{
    struct sockaddr_un addr;
    socklen_t len;
    int s;

    if (uds_addr_path(&addr, &len, path) != 0)
        return -1;
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s >= 0 && connect(s, (struct sockaddr *)&addr, len) != 0) {
        int err = errno; /* close() may change errno */
        close(s);
        errno = err;
        s = -1;
    }
    return s;
}
/* [connect-worker] */

/* [send-fd] */
/* Pass one descriptor.  It rides on one byte of ordinary data: a stream has
 * no message of zero bytes to carry it.  MSG_NOSIGNAL: a worker that has
 * gone gives EPIPE here, not a SIGPIPE that would end us without a word. */
static int send_fd(int worker, int fd)
{
    char byte = 'F';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union { /* a control buffer aligned as a struct cmsghdr must be */
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    ssize_t n;

    memset(&control, 0, sizeof control);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd); /* CMSG_DATA need not be aligned for an int */
    do
        n = sendmsg(worker, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -1;
}
/* [send-fd] */

/* "127.0.0.1:8000" or "[::1]:8000", for messages. */
static void format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        snprintf(buf, cap, "(unknown)");
    else
        snprintf(buf, cap, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

int main(int argc, char **argv)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
    struct addrinfo *ai;
    struct sockaddr_storage ss;
    socklen_t ss_len = sizeof ss;
    char where[NI_MAXHOST + NI_MAXSERV + 4], *end;
    int one = 1, worker, listener, err, status = 1;

    if (argc != 4 || argv[3][0] == '-') {
        fprintf(stderr, "usage: " PROG " ADDRESS PORT SOCKET\n");
        return 2;
    }
    const char *address = argv[1], *port = argv[2], *path = argv[3];
    long port_number = strtol(port, &end, 10);
    if (*port == '\0' || *end != '\0' || port_number < 0 || port_number > 65535) {
        fprintf(stderr, PROG ": PORT must be a number from 0 to 65535, not '%s'\n", port);
        return 2;
    }
    if (getaddrinfo(address, port, &hints, &ai) != 0) {
        fprintf(stderr, PROG ": ADDRESS must be a numeric IPv4 or IPv6 address, not '%s'\n", address);
        return 2;
    }
    /* Writing to stdout when it is a closed pipe must not kill us. */
    signal(SIGPIPE, SIG_IGN);

    /* First the worker: without it there is nothing to listen for. */
    worker = connect_worker(path);
    if (worker < 0) {
        freeaddrinfo(ai);
        return uds_fail(PROG, "cannot connect to the worker at", path);
    }

    /* [listen-tcp] */
    format_addr(ai->ai_addr, ai->ai_addrlen, where, sizeof where);
    listener = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(listener, ai->ai_addr, ai->ai_addrlen) != 0 || listen(listener, SOMAXCONN) != 0) {
        err = errno;
        freeaddrinfo(ai);
        close(worker);
        if (listener >= 0)
            close(listener);
        return uds_fail_code(PROG, "cannot listen on", where, err);
    }
    freeaddrinfo(ai);
    /* With PORT 0 the kernel chose the port: print the one we got. */
    getsockname(listener, (struct sockaddr *)&ss, &ss_len);
    format_addr((struct sockaddr *)&ss, ss_len, where, sizeof where);
    printf(PROG ": listening on %s\n", where);
    fflush(stdout);
    /* [listen-tcp] */

    /* [server-loop] */
    long failures = 0; /* accept() failures in a row, for one line about them */
    for (;;) {
        int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue; /* a client that gave up before we took it */
            if (errno != EMFILE && errno != ENFILE && errno != ENOBUFS && errno != ENOMEM) {
                uds_fail(PROG, "cannot accept on", where);
                break;
            }
            /* Out of descriptors (or memory): the client stays in the
             * backlog and accept() would fail again at once.  Say so once,
             * and pause instead of spinning.  Chapter 07 keeps a spare
             * descriptor for this instead. */
            if (failures++ == 0)
                fprintf(stderr, PROG ": cannot accept on %s: %s; retrying every second\n",
                        where, uds_strerror(errno));
            sleep(1);
            continue;
        }
        if (failures > 0) {
            printf(PROG ": accepting again after %ld failed attempts\n", failures);
            fflush(stdout);
            failures = 0;
        }
        int sent = send_fd(worker, conn);
        err = errno;
        close(conn); /* the worker has its own copy now, or never will */
        if (sent != 0) {
            uds_fail_code(PROG, "cannot pass a connection to the worker at", path, err);
            break;
        }
    }
    /* [server-loop] */

    close(listener);
    close(worker);
    return status;
}
