/* SPDX-License-Identifier: MIT */
/*
 * pass-worker (Linux): serves connections another process accepted.  A
 * server connects to SOCKET; each byte it sends carries one descriptor
 * (SCM_RIGHTS), and the worker runs COMMAND with it as standard input,
 * output and error.  The chapter's minimal receiver: blocking, the default
 * signal actions, at most MAX_CHILDREN commands at once.
 *
 * usage: pass-worker SOCKET COMMAND [ARGS...]
 */
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int listener, children = 0, status = worker_args(PROG, argc, argv, &addr, &addr_len);
    long failures = 0; /* accept() failures in a row, for one line about them */
    if (status != 0)
        return status;
    const char *path = argv[1];
    char **command = argv + 2;
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is an error, not our death */
    /* stdio guard, chapter 03's claim of PATH, a private socket: common.c */
    if ((listener = worker_listen(PROG, path, &addr, addr_len, 0)) < 0)
        return 1;

    /* [worker-loop] */
    for (;;) {
        int server = accept_server(PROG, listener, path, &failures), fd = -1, r;
        if (server == -2)
            break;
        if (server < 0) {
            if (failures > 0)
                sleep(1); /* out of descriptors: pause, do not spin */
            continue;
        }
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

    close(listener);
    unlink(path);
    return 1;
}
