/* SPDX-License-Identifier: MIT */
/*
 * whoami-client (Linux): ask a server who it thinks we are.
 *
 * Prints who this process is, connects, and prints the server's first
 * line.  A line starting with "refused:" means the server will not serve
 * us: the client stops there, with exit status 1.  Otherwise it sends one
 * message, "whoami", with its credentials attached (SCM_CREDENTIALS),
 * says it has sent everything (shutdown), and prints all the server sends
 * until the server closes.  It is also a client for private-server.
 *
 * usage: whoami-client SOCKET_PATH      (@NAME for an abstract address)
 */
#include "uds.h"
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "whoami-client"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* [send-request] */
/* Send "whoami\n" with an SCM_CREDENTIALS control message.  We may claim
 * only our own pid, uid and gid (root may claim any): the kernel checks the
 * claim, and sendmsg() fails with EPERM for a false one. */
static int send_request(int sock)
{
    char text[] = "whoami\n";
    struct ucred me = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof me)]; } control;
    struct iovec iov = { .iov_base = text, .iov_len = sizeof text - 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };

    memset(&control, 0, sizeof control);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof me);
    memcpy(CMSG_DATA(c), &me, sizeof me);
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == (long)iov.iov_len ? 0 : -1;
}
/* [send-request] */

/* Read one line (a byte at a time: it never reads past the newline).
 * Returns its length, 0 when the server closed before a line began, -1 on
 * an error: ECONNRESET when it closed in the middle of one. */
static long read_line(int sock, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        long r = uds_recv_some(sock, buf + n, 1);
        if (r == 0 && n > 0)
            errno = ECONNRESET;
        if (r <= 0)
            return n > 0 ? -1 : r;
        if (buf[n++] == '\n')
            break;
    }
    buf[n] = '\0';
    return (long)n;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char line[512];

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    printf("I am pid %ld, uid %u, gid %u\n", (long)getpid(),
           (unsigned)getuid(), (unsigned)getgid());
    fflush(stdout);

    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0)
        return uds_fail_socket(PROG, path);
    int r = 1;
    long n;
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot connect to", path);
        goto out;
    }
    /* [first-line] */
    /* The server speaks first: either who we are, or why it refuses us. */
    n = read_line(sock, line, sizeof line);
    if (n <= 0) {
        if (n == 0)
            fprintf(stderr, PROG ": %s closed the connection without a word\n", path);
        else
            uds_fail(PROG, "cannot receive from", path);
        goto out;
    }
    fputs(line, stdout);
    if (strncmp(line, "refused:", 8) == 0)
        goto out; /* nothing sent, so the server's close is clean */
    /* [first-line] */
    if (send_request(sock) != 0 || shutdown(sock, SHUT_WR) != 0) {
        uds_fail(PROG, "cannot send to", path);
        goto out;
    }
    while ((n = read_line(sock, line, sizeof line)) > 0)
        fputs(line, stdout);
    if (n < 0)
        uds_fail(PROG, "cannot receive from", path);
    else
        r = 0;
out:
    close(sock);
    return r;
}
