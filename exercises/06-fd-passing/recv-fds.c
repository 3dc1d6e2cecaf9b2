/* SPDX-License-Identifier: MIT */
/*
 * recv-fds: a worker whose sender may pass several connections at once.
 *
 * Listens on an AF_UNIX stream socket for one sender at a time.  Each byte
 * a sender sends may carry from 1 to MAX_FDS descriptors, in one
 * SCM_RIGHTS message.  recv-fds runs COMMAND on every descriptor that is a
 * stream socket, with it as standard input, output and error, and waits
 * for it; any other descriptor (a pipe, a file, a datagram socket) is
 * closed unused and reported.  A byte without a descriptor, or more
 * descriptors than MAX_FDS, is reported and refused, and every descriptor
 * it carried is closed.  When the sender closes, recv-fds waits for the
 * next one.  Stop it with a signal.
 *
 * usage: recv-fds SOCKET COMMAND [ARGS...]
 *
 * EXERCISE: complete the five TODOs (see TASK.md); everything else is
 * written for you.
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#define PROG "recv-fds"
#define MAX_FDS 4 /* descriptors one message may carry */

extern char **environ;

/* Receive one byte and the descriptors it carries, at most MAX_FDS, into
 * fds[].  Returns how many (0 for a byte without any); -1 when the sender
 * closed the connection or on an error (see errno); -2 for a message that
 * was refused (reported, and every descriptor it carried closed). */
static int recv_fds(int conn, int fds[MAX_FDS])
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg;
    int count = 0;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;

    /* TODO 1: a control buffer with room for MAX_FDS descriptors, aligned
     * like a struct cmsghdr, in msg.msg_control and msg.msg_controllen. */

    /* TODO 2: receive with recvmsg(), so that the descriptors arrive
     * close-on-exec (MSG_CMSG_CLOEXEC); call it again on EINTR.
     * (recv() receives the byte, and the kernel throws the rest away.) */
    ssize_t n = recv(conn, &byte, 1, 0);
    if (n <= 0)
        return -1; /* 0: the sender closed; -1: an error in errno */

    /* TODO 3: take every descriptor of every SOL_SOCKET / SCM_RIGHTS
     * message into fds[] (cmsg_len says how many ints follow the header),
     * counting them in count. */

    /* TODO 4: if the kernel set MSG_CTRUNC, more came than the buffer
     * holds: close every descriptor you took, report, and refuse with
     *     fprintf(stderr, PROG ": bad message: more than %d descriptors"
     *             " (control data truncated); closed %d, ignored\n", MAX_FDS, count);
     *     return -2; */

    (void)fds;
    return count;
}

/* TODO 5: is fd a stream socket?  1 if it is, 0 if not (a pipe, a file, a
 * datagram socket).  Ask the kernel for the socket's type: getsockopt()
 * with SO_TYPE, which fails on anything that is not a socket. */
static int is_stream_socket(int fd)
{
    (void)fd;
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
        uds_fail_code(PROG, "cannot run", command[0], err);
        return;
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
}

/* Serve one sender until it closes. */
static void serve(int conn, char **command)
{
    int fds[MAX_FDS], n;

    while ((n = recv_fds(conn, fds)) != -1) {
        if (n == 0)
            fprintf(stderr, PROG ": bad message: a byte without a descriptor; ignored\n");
        for (int i = 0; i < n; i++) {
            if (is_stream_socket(fds[i]))
                run_on(fds[i], command);
            else
                fprintf(stderr, PROG ": descriptor %d of %d is not a stream socket;"
                        " closed it\n", i + 1, n);
            close(fds[i]); /* COMMAND had its copies; ours would keep it open */
        }
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int listener;

    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: " PROG " SOCKET COMMAND [ARGS...]\n");
        return 2;
    }
    const char *path = argv[1];
    char **command = argv + 2;
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    /* Descriptors inherited from whoever started us must not reach
     * COMMAND either: mark them all close-on-exec (Linux 5.11 and later). */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

    /* bind() never replaces an existing file: a path in use (by a live
     * worker, or a stale socket) gives EADDRINUSE, and nothing is removed. */
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0)
        return uds_fail(PROG, "cannot create a socket for", path);
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
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
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        serve(conn, command);
        close(conn);
        printf(PROG ": sender went away; waiting for the next one\n");
        fflush(stdout);
    }
    close(listener);
    unlink(path);
    return 1;
}
