/* SPDX-License-Identifier: MIT */
/*
 * fd-sender: a test peer for chapter 06 that plays the server's part,
 * badly on purpose.  It connects to a worker's socket and, for each MODE in
 * turn, sends one byte with:
 *
 *   good   one descriptor: the end of a socket pair whose other end it
 *          keeps; it shuts down its sending side, reads what the worker's
 *          command answers until end of stream, and prints it on one line
 *          (newlines turned into spaces) as "good: ANSWER";
 *   none   no descriptor at all;
 *   two    two descriptors in one control message;
 *   many   four descriptors, more than the worker's control buffer holds.
 *
 * For none, two and many it then checks that every descriptor it sent was
 * closed unused (its other end reads end of stream with no data), and
 * prints "MODE: N descriptors closed unused".  With no MODE it connects
 * and closes at once.  Exits 0 when every mode ended as described, 1 if
 * not, 2 on a usage error.  No mode waits more than TIMEOUT_MS.
 *
 * usage: fd-sender SOCKET [good|none|two|many]...
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#define PROG "fd-sender"
#define TIMEOUT_MS 10000
#define MAX_FDS 4

/* Send one byte carrying nfds descriptors (none when nfds is 0). */
static int send_fds(int s, const int *fds, int nfds)
{
    char byte = 'F';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
    } control;
    struct msghdr msg;

    memset(&control, 0, sizeof control);
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (nfds > 0) {
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
    }
    return sendmsg(s, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* Read from fd until end of stream; returns bytes read, -1 on error or
 * timeout (errno ETIMEDOUT: the other end is still open somewhere). */
static long read_to_end(int fd, char *buf, size_t cap)
{
    size_t len = 0;

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, TIMEOUT_MS);
        if (r == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (r < 0 && errno == EINTR)
            continue;
        char scratch[256];
        long n = uds_recv_some(fd, len < cap ? buf + len : scratch,
                               len < cap ? cap - len : sizeof scratch);
        if (n < 0)
            return -1;
        if (n == 0)
            return (long)len;
        if (len < cap)
            len += (size_t)n;
    }
}

static int mode_good(int s)
{
    int sv[2];
    char buf[1024];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        perror(PROG ": socketpair");
        return 1;
    }
    int sent = send_fds(s, &sv[1], 1);
    int err = errno;
    close(sv[1]); /* from now on only the worker's command holds that end */
    if (sent != 0) {
        fprintf(stderr, PROG ": good: cannot send: %s\n", uds_strerror(err));
        close(sv[0]);
        return 1;
    }
    /* Nothing to say: the command's stdin reads end of stream at once.
     * (Sending bytes it never reads would make its exit a reset.) */
    shutdown(sv[0], SHUT_WR);
    long n = read_to_end(sv[0], buf, sizeof buf - 1);
    err = errno;
    close(sv[0]);
    if (n < 0) {
        fprintf(stderr, PROG ": good: no end of stream: %s\n", uds_strerror(err));
        return 1;
    }
    if (n == 0) {
        printf("good: closed with no answer\n");
        return 1;
    }
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
    for (char *c = buf; *c; c++)
        if (*c == '\n')
            *c = ' ';
    printf("good: %s\n", buf);
    return 0;
}

/* Send nfds descriptors (maybe none) and check they all come back closed. */
static int mode_bad(int s, const char *mode, int nfds)
{
    int mine[MAX_FDS], theirs[MAX_FDS], status = 0;

    for (int i = 0; i < nfds; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
            perror(PROG ": socketpair");
            return 1;
        }
        mine[i] = sv[0];
        theirs[i] = sv[1];
    }
    int sent = send_fds(s, theirs, nfds);
    int err = errno;
    for (int i = 0; i < nfds; i++)
        close(theirs[i]);
    if (sent != 0) {
        fprintf(stderr, PROG ": %s: cannot send: %s\n", mode, uds_strerror(err));
        status = 1;
    }
    /* Wait for all of them at once, so that a leak costs one timeout. */
    struct pollfd p[MAX_FDS];
    int waiting = sent == 0 ? nfds : 0;
    for (int i = 0; i < nfds; i++)
        p[i] = (struct pollfd){ .fd = sent == 0 ? mine[i] : -1, .events = POLLIN };
    while (waiting > 0) {
        int r = poll(p, (nfds_t)nfds, TIMEOUT_MS);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (int i = 0; i < nfds; i++) {
            char buf[64];
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            if (uds_recv_some(p[i].fd, buf, sizeof buf) != 0) {
                fprintf(stderr, PROG ": %s: descriptor %d of %d was used (data came back)\n",
                        mode, i + 1, nfds);
                status = 1;
            }
            p[i].fd = -1;
            waiting--;
        }
    }
    for (int i = 0; i < nfds; i++) {
        if (p[i].fd >= 0) {
            fprintf(stderr, PROG ": %s: descriptor %d of %d was not closed (leaked?)\n",
                    mode, i + 1, nfds);
            status = 1;
        }
        close(mine[i]);
    }
    if (status == 0) {
        if (nfds == 0)
            printf("%s: sent a byte without a descriptor\n", mode);
        else
            printf("%s: %d descriptors closed unused\n", mode, nfds);
    }
    return status;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t len;
    int s, status = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: " PROG " SOCKET [good|none|two|many]...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "good") && strcmp(argv[i], "none") &&
            strcmp(argv[i], "two") && strcmp(argv[i], "many")) {
            fprintf(stderr, PROG ": unknown mode '%s'\n", argv[i]);
            return 2;
        }
    if (uds_addr_path(&addr, &len, argv[1]) != 0 ||
        (s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        fprintf(stderr, PROG ": %s: %s\n", argv[1], uds_strerror(errno));
        return 1;
    }
    if (connect(s, (struct sockaddr *)&addr, len) != 0) {
        fprintf(stderr, PROG ": cannot connect to %s: %s\n", argv[1], uds_strerror(errno));
        close(s);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "good") == 0)
            status |= mode_good(s);
        else
            status |= mode_bad(s, argv[i], strcmp(argv[i], "none") == 0 ? 0
                                         : strcmp(argv[i], "two") == 0 ? 2 : 4);
        fflush(stdout);
    }
    close(s);
    return status;
}
