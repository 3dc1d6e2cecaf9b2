/* SPDX-License-Identifier: MIT */
/*
 * recv-fd: the receiving side of descriptor passing, on its own.
 *
 * Listens on an AF_UNIX stream socket for one sender at a time.  Each byte
 * a sender sends must carry exactly one descriptor (SCM_RIGHTS); for each,
 * recv-fd runs COMMAND with that descriptor as its standard input, output
 * and error, waits for it, and closes its own copy.  Anything else is
 * reported on stderr, every descriptor it carried is closed, and recv-fd
 * goes on.  When the sender closes, it waits for the next one.  Stop it
 * with a signal.
 *
 * usage: recv-fd SOCKET COMMAND [ARGS...]
 *
 * SOLUTION: the starter with recv_fd() completed.  The comments marked
 * "Why" explain each choice.
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#define PROG "recv-fd"

extern char **environ;

static int fail(const char *what, const char *where)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, where, uds_strerror(errno));
    return 1;
}

/* Close every descriptor carried by one control message; returns how many. */
static int close_fds_in(struct cmsghdr *cm)
{
    int n = 0;

    /* TODO 4: close every descriptor of a message we did not want.
     * Why: the kernel has already installed them in our table.  Each one
     * we ignore is a leak, and a hostile sender can repeat it until we run
     * out of descriptors (EMFILE) and cannot accept anyone any more.
     * Why the loop runs on cmsg_len: it says how many ints follow the
     * header, CMSG_LEN(k * sizeof(int)) for k of them. */
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
        return 0;
    for (size_t i = 0; CMSG_LEN((i + 1) * sizeof(int)) <= cm->cmsg_len; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
        close(fd);
        n++;
    }
    return n;
}

/* Receive one byte and the one descriptor it must carry.
 * Returns 1 with *fd set; 0 when the sender closed the connection; -1 on a
 * socket error; -2 for a message that broke the rules (reported, and every
 * descriptor it carried closed). */
static int recv_fd(int conn, int *fd)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg;
    ssize_t n;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;

    /* TODO 1: a control buffer for exactly one descriptor.
     * Why CMSG_SPACE(sizeof(int)): it is the header plus one int plus the
     * padding the next header would need; CMSG_LEN is the same without the
     * trailing padding and is what a header's cmsg_len holds.  Asking for
     * room for one descriptor is a decision: whatever else a sender puts
     * in does not fit, and the kernel tells us so with MSG_CTRUNC.
     * Why the union: the kernel writes a struct cmsghdr at the start, so
     * the buffer must be aligned like one; a bare char array need not be. */
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;

    /* TODO 2: receive, close-on-exec, retrying an interrupted call.
     * Why MSG_CMSG_CLOEXEC: the descriptor is installed with FD_CLOEXEC
     * already set, in the same system call.  Without it, every COMMAND we
     * start inherits the connection once more under its own number (the
     * exercise test sees it in `ls /proc/self/fd`).  In the real worker,
     * which does not wait for its children, it is worse: a child started
     * later inherits connections that are not its own and keeps them open
     * after their own command has finished, so their clients never see
     * the end of the stream.  Setting the flag with fcntl() after the
     * fact leaves a window in which another thread may start a child. */
    do
        n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return (int)n; /* 0: the sender closed; -1: an error in errno */

    /* TODO 3: accept exactly one SCM_RIGHTS message with one descriptor.
     * Why check the level, the type and the length: a control message is
     * whatever the sender (and the socket's options) put there.  Only
     * SOL_SOCKET/SCM_RIGHTS carries descriptors, and only a cmsg_len of
     * exactly CMSG_LEN(sizeof(int)) means one.  On 64-bit Linux two
     * descriptors fit in CMSG_SPACE(sizeof(int)) (the padding makes room),
     * so a sender of two gets no MSG_CTRUNC: only the length tells.
     * Why memcpy: CMSG_DATA need not be aligned for an int. */
    int got = -1, count = 0, unexpected = 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
            cm->cmsg_len == CMSG_LEN(sizeof(int)) && count == 0) {
            memcpy(&got, CMSG_DATA(cm), sizeof got);
            count = 1;
        } else {
            /* Two descriptors, a second message, or a kind we never asked
             * for: close whatever it carried (TODO 4), refuse the byte. */
            count += close_fds_in(cm);
            unexpected = 1;
        }
    }

    /* TODO 5: MSG_CTRUNC means more came than the buffer holds.
     * Why: the kernel closed the descriptors that did not fit, but those
     * that did fit are ours, in the loop above.  Refuse the message
     * rather than use a descriptor that came with others we never saw. */
    if (msg.msg_flags & MSG_CTRUNC)
        unexpected = 1;
    if (unexpected || got < 0) {
        if (got >= 0)
            close(got);
        if (msg.msg_flags & MSG_CTRUNC)
            fprintf(stderr, PROG ": bad message: more descriptors than one"
                    " (control data truncated); closed %d, ignored\n", count);
        else if (count == 0)
            fprintf(stderr, PROG ": bad message: a byte without a descriptor; ignored\n");
        else
            fprintf(stderr, PROG ": bad message: %d descriptors, expected 1;"
                    " closed them, ignored\n", count);
        return -2;
    }
    *fd = got;
    return 1;
}

/* Run COMMAND with fd as its stdin, stdout and stderr, and wait for it. */
static void run_on(int fd, char **command)
{
    posix_spawn_file_actions_t actions;
    pid_t pid;
    int err, st;

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fd, 0);
    posix_spawn_file_actions_adddup2(&actions, fd, 1);
    posix_spawn_file_actions_adddup2(&actions, fd, 2);
    err = posix_spawnp(&pid, command[0], &actions, NULL, command, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (err != 0) {
        errno = err;
        fail("cannot run", command[0]);
        return;
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    struct stat st;
    int listener;

    if (argc < 3) {
        fprintf(stderr, "usage: " PROG " SOCKET COMMAND [ARGS...]\n");
        return 2;
    }
    const char *path = argv[1];
    char **command = argv + 2;
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);
    /* Descriptors inherited from whoever started us must not reach
     * COMMAND either: mark them all close-on-exec (Linux 5.11 and later). */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0)
        return fail("cannot create a socket for", path);
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path); /* an old socket file; never anything else */
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0 || listen(listener, 8) != 0) {
        fail("cannot listen on", path);
        close(listener);
        return 1;
    }
    printf(PROG ": listening on %s\n", path);
    fflush(stdout);

    for (;;) {
        int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            fail("cannot accept on", path);
            break;
        }
        for (;;) {
            int fd = -1, r = recv_fd(conn, &fd);
            if (r == 1) {
                run_on(fd, command);
                close(fd); /* COMMAND had its copies; ours would keep the peer waiting */
            } else if (r == 0 || r == -1) {
                if (r < 0)
                    fail("cannot receive on", path);
                break;
            }
        }
        close(conn);
        printf(PROG ": sender went away; waiting for the next one\n");
        fflush(stdout);
    }
    close(listener);
    unlink(path);
    return 1;
}
