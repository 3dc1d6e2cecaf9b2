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
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <netdb.h>
#include <unistd.h>

#define PROG "pass-server"

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

int main(int argc, char **argv)
{
    struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai;
    int worker, listener, status = server_args(PROG, argc, argv);

    if (status != 0)
        return status;
    const char *address = argv[1], *port = argv[2], *path = argv[3];
    if (getaddrinfo(address, NULL, &hints, &ai) != 0) {
        fprintf(stderr, PROG ": ADDRESS must be a numeric IPv4 or IPv6 address, not '%s'\n", address);
        return 2;
    }
    freeaddrinfo(ai);
    /* Writing to stdout when it is a closed pipe must not kill us. */
    signal(SIGPIPE, SIG_IGN);

    /* First the worker: without it there is nothing to listen for. */
    if ((worker = connect_worker(path)) < 0)
        return uds_fail(PROG, "cannot connect to the worker at", path);
    /* One blocking listener (common.c: the usual socket, bind, listen). */
    if (listen_tcp(PROG, address, port, 0, &listener, 1) != 1) {
        close(worker);
        return 1;
    }

    /* [server-loop] */
    long failures = 0; /* accept() failures in a row, for one line about them */
    char where[WHERE_MAX];
    format_addr_of(listener, where, sizeof where);
    for (;;) {
        int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue; /* a client that gave up before we took it */
            if (!out_of_descriptors(PROG, where, &failures)) {
                uds_fail(PROG, "cannot accept on", where);
                break;
            }
            sleep(1); /* out of descriptors: pause, do not spin (common.c) */
            continue;
        }
        accepting_again(PROG, &failures);
        int sent = send_fd(worker, conn), err = errno;
        close(conn); /* the worker has its own copy now, or never will */
        if (sent != 0) {
            uds_fail_code(PROG, "cannot pass a connection to the worker at", path, err);
            break;
        }
    }
    /* [server-loop] */

    close(listener);
    close(worker);
    return 1;
}
