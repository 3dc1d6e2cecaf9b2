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
 * EXERCISE: complete recv_fd() and close_fds_in(), TODO 1 to 5 (TASK.md).
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

    /* TODO 4: only a SOL_SOCKET message of type SCM_RIGHTS carries
     * descriptors.  For one, close each int stored from CMSG_DATA(cm)
     * onwards (as many as fit in cm->cmsg_len; CMSG_LEN(k * sizeof(int))
     * is the length of a message with k of them; copy each out with
     * memcpy, since CMSG_DATA need not be aligned for an int), counting
     * them in n. */
    (void)cm;
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

    /* TODO 1: give msg a control buffer with room for exactly one
     * descriptor: CMSG_SPACE(sizeof(int)) bytes, aligned like a struct
     * cmsghdr (a union of a struct cmsghdr and the char array does it).
     * Point msg.msg_control at it and set msg.msg_controllen. */

    /* TODO 2: receive with recvmsg() instead of recv() (recv() throws any
     * descriptor away), with the flag that makes a received descriptor
     * close-on-exec as it arrives, and call it again while it fails with
     * EINTR. */
    n = recv(conn, &byte, 1, 0);
    if (n <= 0)
        return (int)n; /* 0: the sender closed; -1: an error in errno */

    int got = -1, count = 0, unexpected = 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        /* TODO 3: the first message that is of level SOL_SOCKET, of type
         * SCM_RIGHTS and of length exactly CMSG_LEN(sizeof(int)) is the one
         * we want: copy its descriptor from CMSG_DATA(cm) into got (with
         * memcpy), set count to 1, and skip the two lines below for it. */
        count += close_fds_in(cm); /* anything else: close what it carried */
        unexpected = 1;
    }

    /* TODO 5: if the kernel set MSG_CTRUNC in msg.msg_flags, more came than
     * the buffer holds: set unexpected, so that the message is refused. */

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
