/* SPDX-License-Identifier: MIT */
/*
 * pass-worker (Linux): serves connections another process accepted.  One
 * server at a time connects to SOCKET; each byte it sends carries one
 * descriptor (SCM_RIGHTS), and the worker runs COMMAND with it as standard
 * input, output and error.  The chapter's minimal receiver: blocking, the
 * default signal actions (Ctrl+C ends it; the next start removes the socket
 * file as stale), at most MAX_CHILDREN commands at once.
 *
 * usage: pass-worker SOCKET COMMAND [ARGS...]
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#define PROG "pass-worker"
#define MAX_CHILDREN 8 /* commands at once; the next connections wait their turn */

/* [recv-fd] */
/* Receive one byte and the one descriptor it must carry.  Returns 1 with
 * *fd set; 0 when a connection was lost here; -1 when the server is to be
 * dropped: it closed, failed, or broke the rules (every descriptor closed). */
static int recv_fd(int server, int *fd)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union { /* room for one descriptor, aligned as a struct cmsghdr must be */
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    int count = 0, other = 0, d;

    /* MSG_CMSG_CLOEXEC: close-on-exec from the first moment, so that no
     * command inherits a connection that is not its own. */
    ssize_t n = recvmsg(server, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0)
        uds_fail(PROG, "cannot receive from", "the server");
    if (n <= 0)
        return -1;
    /* The kernel has already put every descriptor of the message in our
     * table: keep the first, close the others, or they leak. */
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
            other = 1; /* credentials, say, which we never asked for */
            continue;
        }
        for (size_t i = 0; CMSG_LEN((i + 1) * sizeof(int)) <= cm->cmsg_len; i++) {
            memcpy(&d, CMSG_DATA(cm) + i * sizeof(int), sizeof d);
            if (count++ == 0)
                *fd = d;
            else
                close(d);
        }
    }
    if (count == 1 && !other && !(msg.msg_flags & MSG_CTRUNC))
        return 1;
    if (count > 0)
        close(*fd);
    /* MSG_CTRUNC with nothing in a buffer that holds one: not the sender's
     * excess, but no descriptor left here (EMFILE); the connection is lost. */
    if ((msg.msg_flags & MSG_CTRUNC) && count == 0 && !other) {
        fprintf(stderr, PROG ": lost a connection: this worker is out of descriptors"
                " (control data truncated)\n");
        return 0;
    }
    if (msg.msg_flags & MSG_CTRUNC)
        fprintf(stderr, PROG ": bad message from the server: more descriptors than one"
                " (control data truncated); closed %d, dropping the server\n", count);
    else if (count == 0)
        fprintf(stderr, PROG ": bad message from the server: %s; dropping the server\n",
                other ? "control data that is not SCM_RIGHTS" : "a byte without a descriptor");
    else
        fprintf(stderr, PROG ": bad message from the server: %d descriptors, expected 1;"
                " closed them, dropping the server\n", count);
    return -1;
}
/* [recv-fd] */

/* [spawn] */
/* Start COMMAND with the connection as descriptors 0, 1 and 2. */
static int spawn_on(int fd, char **command)
{
    pid_t pid = fork();

    if (pid == 0) {
        /* Our stderr, kept aside close-on-exec to report a failed exec. */
        int log = fcntl(2, F_DUPFD_CLOEXEC, 3);
        signal(SIGPIPE, SIG_DFL); /* the command starts as under a shell */
        if (dup2(fd, 0) >= 0 && dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0)
            execvp(command[0], command); /* dup2() cleared close-on-exec */
        dprintf(log, PROG ": cannot run %s: %s\n", command[0], uds_strerror(errno));
        _exit(127);
    }
    return pid < 0 ? uds_fail(PROG, "cannot start a process for", command[0]) : 0;
}
/* [spawn] */

/* Chapter 03's rule: remove a stale socket file, never a live worker's
 * socket, never anything that is not a socket. */
static int claim_path(const char *path, const struct sockaddr_un *addr, socklen_t len)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(PROG, "cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    /* Only connect() tells whether a worker is behind it.  Non-blocking: a
     * live worker with a full backlog answers EAGAIN instead of a wait. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int r = probe < 0 ? -1 : connect(probe, (const struct sockaddr *)addr, len), err = errno;
    if (probe >= 0)
        close(probe);
    if (r == 0 || err == EAGAIN) {
        fprintf(stderr, PROG ": another worker is live on %s; not starting\n", path);
        return 1;
    }
    if (err != ECONNREFUSED) /* unsure: leave it alone */
        return uds_fail_code(PROG, "cannot tell whether a worker is live on", path, err);
    if (unlink(path) != 0)
        return uds_fail(PROG, "cannot remove stale socket", path);
    printf(PROG ": removed stale socket %s\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int listener, null, children = 0;
    long failures = 0; /* accept() failures in a row, for one line about them */

    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: " PROG " SOCKET COMMAND [ARGS...]\n");
        return 2;
    }
    const char *path = argv[1];
    char **command = argv + 2;
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [worker-setup] */
    /* 0, 1 and 2 must be open, or the next descriptor we get (a socket, a
     * connection) lands there: a command's stdio, or our own stderr. */
    while ((null = open("/dev/null", O_RDWR)) >= 0 && null <= 2)
        ;
    if (null < 0)
        return uds_fail(PROG, "cannot open", "/dev/null");
    close(null);
    /* Whatever else we inherited must not reach the commands (Linux 5.11). */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is an error, not our death */
    if (claim_path(path, &addr, addr_len) != 0)
        return 1;
    if ((listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return uds_fail(PROG, "cannot create a socket for", path);
    /* Mode 0600: whoever can connect can make us run COMMAND. */
    mode_t old_mask = umask(0177);
    int bound = bind(listener, (struct sockaddr *)&addr, addr_len);
    umask(old_mask);
    if (bound != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, bound != 0 ? "cannot bind" : "cannot listen on", path);
        if (bound == 0)
            unlink(path);
        close(listener);
        return 1;
    }
    /* [worker-setup] */
    printf(PROG ": listening on %s\n", path);
    fflush(stdout);

    /* [worker-loop] */
    for (;;) {
        int server = accept4(listener, NULL, NULL, SOCK_CLOEXEC), fd = -1, r;
        long uid = -1;

        if (server < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                if (failures++ == 0) /* out of descriptors: say so once, pause */
                    fprintf(stderr, PROG ": cannot accept on %s: %s; retrying every second\n",
                            path, uds_strerror(errno));
                sleep(1);
            } else if (errno != EINTR && errno != ECONNABORTED) {
                break;
            }
            continue;
        }
        if (failures > 0)
            printf(PROG ": accepting again after %ld failed attempts\n", failures);
        failures = 0;
        /* The kernel says who connected (chapter 04): our own user only. */
        if (uds_peer_is_self(server, &uid) != 1) {
            fprintf(stderr, PROG ": refused a server of uid %ld: not this worker's user\n", uid);
            close(server);
            continue;
        }
        printf(PROG ": server connected\n");
        fflush(stdout);
        while ((r = recv_fd(server, &fd)) >= 0) {
            if (r == 0)
                continue;
            /* At the limit, wait for a command to end first: meanwhile the
             * next connections wait in our socket's queue. */
            while (children >= MAX_CHILDREN && wait(NULL) > 0)
                children--;
            if (spawn_on(fd, command) == 0)
                children++;
            close(fd); /* the command has its copies; ours would keep it open */
            while (waitpid(-1, NULL, WNOHANG) > 0) /* no zombies */
                children--;
        }
        close(server);
        printf(PROG ": server went away; waiting for the next one\n");
        fflush(stdout);
    }
    /* [worker-loop] */

    uds_fail(PROG, "cannot accept on", path);
    close(listener);
    unlink(path);
    return 1;
}
