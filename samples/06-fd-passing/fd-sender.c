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
 *   many   four descriptors, more than the worker's control buffer holds;
 *   flood  eight descriptors, more than exercise 06's buffer holds too;
 *   batch  three sockets in one message, like good for each: prints
 *          "batch: A / B / C", each the answer or "closed unused";
 *   mixed  a socket, the writing end of a pipe, a socket, in one message:
 *          prints "mixed: A / B / C" the same way (the pipe's part is
 *          "closed unused" when nobody wrote to it, "used: TEXT" if not);
 *   bytes  4096 bytes of data and no descriptor at all, then waits for the
 *          worker to drop the connection: "bytes: dropped by the worker";
 *   holdN  N good descriptors (at most 256), one message each, all kept
 *          open: prints "holdN: N sent", then waits for a line (or the end)
 *          on standard input, sends "x\n" on each and shuts it down, and
 *          prints "holdN: K of N answered" (answered: "x" came back, as
 *          with cat as the command).  For tests of a limit on commands.
 *
 * For none, two and many it then checks that every descriptor it sent was
 * closed unused (its other end reads end of stream with no data), and
 * prints "MODE: N descriptors closed unused".  With no MODE it connects
 * and closes at once.  Exits 0 when every mode ended as described, 1 if
 * not, 2 on a usage error.  No mode waits more than TIMEOUT_MS.
 *
 * usage: fd-sender SOCKET [MODE]...
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <unistd.h>

#define PROG "fd-sender"
#define TIMEOUT_MS 60000 /* a watchdog: generous, for a loaded machine under valgrind */
#define MAX_FDS 8

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
        ssize_t n; /* read(), not recv(): fd may be a pipe */
        do
            n = read(fd, len < cap ? buf + len : scratch, len < cap ? cap - len : sizeof scratch);
        while (n < 0 && errno == EINTR);
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

/* One answer of a batch, read to the end: the text, or "closed unused". */
static int answer(int fd, int is_socket, char *out, size_t cap)
{
    char buf[512];

    if (is_socket)
        shutdown(fd, SHUT_WR); /* nothing to say: the command reads end of stream */
    long n = read_to_end(fd, buf, sizeof buf - 1);
    if (n < 0) {
        snprintf(out, cap, "no end of stream (%s)", uds_strerror(errno));
        return 1;
    }
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
    for (char *c = buf; *c; c++)
        if (*c == '\n')
            *c = ' ';
    if (n == 0)
        snprintf(out, cap, "closed unused");
    else
        snprintf(out, cap, "%s%s", is_socket ? "" : "used: ", buf);
    return 0;
}

/* Send one message with a descriptor per letter of KINDS ('s' the end of
 * a socket pair, 'p' the writing end of a pipe), then report each. */
static int mode_batch(int s, const char *mode, const char *kinds)
{
    int mine[MAX_FDS] = { 0 }, theirs[MAX_FDS] = { 0 }, n = (int)strlen(kinds), status = 0;
    char line[1024] = "", one[600];

    for (int i = 0; i < n; i++) {
        int sv[2];
        if ((kinds[i] == 's' ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)
                             : pipe2(sv, O_CLOEXEC)) != 0) {
            perror(PROG ": socketpair or pipe");
            return 1;
        }
        mine[i] = sv[0];
        theirs[i] = sv[1];
    }
    int sent = send_fds(s, theirs, n), err = errno;
    for (int i = 0; i < n; i++)
        close(theirs[i]);
    if (sent != 0)
        fprintf(stderr, PROG ": %s: cannot send: %s\n", mode, uds_strerror(err));
    for (int i = 0; i < n; i++) {
        if (sent == 0)
            status |= answer(mine[i], kinds[i] == 's', one, sizeof one);
        close(mine[i]);
        if (sent == 0)
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s", i ? " / " : "", one);
    }
    if (sent != 0)
        return 1;
    printf("%s: %s\n", mode, line);
    return status;
}

/* Data without descriptors: a worker must drop us, not log every byte. */
static int mode_bytes(int s)
{
    char data[4096], buf[64];

    memset(data, 'x', sizeof data);
    if (uds_send_all(s, data, sizeof data) != 0 && errno != EPIPE && errno != ECONNRESET) {
        fprintf(stderr, PROG ": bytes: cannot send: %s\n", uds_strerror(errno));
        return 1;
    }
    if (read_to_end(s, buf, sizeof buf) < 0 && errno != ECONNRESET) {
        fprintf(stderr, PROG ": bytes: not dropped: %s\n", uds_strerror(errno));
        return 1;
    }
    printf("bytes: dropped by the worker\n");
    return 0;
}

/* Hold N connections at the worker's commands at once, then let them go. */
static int mode_hold(int s, const char *mode, int n)
{
    static int mine[256];
    char line[64], buf[64];
    int sent = 0, answered = 0;

    for (; sent < n; sent++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            break;
        int r = send_fds(s, &sv[1], 1);
        close(sv[1]);
        mine[sent] = sv[0];
        if (r != 0) {
            close(sv[0]);
            break;
        }
    }
    printf("%s: %d sent\n", mode, sent);
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL)
        clearerr(stdin);
    for (int i = 0; i < sent; i++) {
        uds_send_all(mine[i], "x\n", 2);
        shutdown(mine[i], SHUT_WR);
        long got = read_to_end(mine[i], buf, sizeof buf);
        answered += got == 2 && memcmp(buf, "x\n", 2) == 0;
        close(mine[i]);
    }
    printf("%s: %d of %d answered\n", mode, answered, n);
    return answered == n ? 0 : 1;
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
        if (strcmp(argv[i], "good") && strcmp(argv[i], "none") && strcmp(argv[i], "two") &&
            strcmp(argv[i], "many") && strcmp(argv[i], "flood") && strcmp(argv[i], "batch") &&
            strcmp(argv[i], "mixed") && strcmp(argv[i], "bytes") &&
            !(strncmp(argv[i], "hold", 4) == 0 && atoi(argv[i] + 4) > 0 && atoi(argv[i] + 4) <= 256)) {
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
        else if (strcmp(argv[i], "batch") == 0)
            status |= mode_batch(s, "batch", "sss");
        else if (strcmp(argv[i], "mixed") == 0)
            status |= mode_batch(s, "mixed", "sps");
        else if (strcmp(argv[i], "bytes") == 0)
            status |= mode_bytes(s);
        else if (strncmp(argv[i], "hold", 4) == 0)
            status |= mode_hold(s, argv[i], atoi(argv[i] + 4));
        else
            status |= mode_bad(s, argv[i], strcmp(argv[i], "none") == 0 ? 0
                                         : strcmp(argv[i], "two") == 0 ? 2
                                         : strcmp(argv[i], "many") == 0 ? 4 : 8);
        fflush(stdout);
    }
    close(s);
    return status;
}
