/* SPDX-License-Identifier: MIT */
/*
 * fdpass-worker (Linux): runs a command on connections that another process
 * accepted.
 *
 * Listens on an AF_UNIX stream socket for one server at a time.  Each byte
 * the server sends carries one descriptor (SCM_RIGHTS): a connection it has
 * accepted.  For each, the worker starts COMMAND with that connection as its
 * standard input, output and error, like inetd, and closes its own copy.
 * When the server goes away, it waits for the next one.  SIGINT, SIGTERM or
 * SIGHUP stop it; it removes its socket file on the way out.
 *
 * usage: fdpass-worker SOCKET COMMAND [ARGS...]
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#define PROG "fdpass-worker"
#define MAX_THREADS 32 /* receiving threads: two per CPU, at most this many */

/* The signal that asks us to stop.  Atomic, not just volatile sig_atomic_t:
 * the receiving threads read it too, and C11 makes a lock-free atomic safe
 * both in a signal handler and between threads. */
static atomic_int stop_signal;

static int fail(const char *what, const char *where)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, where, uds_strerror(errno));
    return 1;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

static void on_stop(int sig) { stop_signal = sig; }
static void on_child(int sig) { (void)sig; /* only to wake ppoll() */ }

/* [signals] */
/* The stop signals and SIGCHLD stay blocked, except inside ppoll(), which
 * unblocks them atomically while it waits.  So a signal can only arrive
 * there: it interrupts the wait (EINTR) and the loop sees the flag at once.
 * A flag checked before a plain poll() would leave a window in which a
 * signal is noted and then slept through. */
static int block_signals(sigset_t *wait_mask)
{
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    /* The worker never writes to a socket, but its stdout may be a pipe
     * whose reader has gone: that is an error to report, not a death. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGCHLD);
    return sigprocmask(SIG_BLOCK, &block, wait_mask);
}
/* [signals] */

/* Same rule as chapter 01: remove an old socket file, never anything else. */
static int remove_old_socket(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : fail("cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    return unlink(path) == 0 ? 0 : fail("cannot remove old socket", path);
}

/* Close every descriptor carried by one control message. */
static int close_fds_in(struct cmsghdr *cm)
{
    int n = 0;

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

/* [recv-fd] */
/* Receive one byte and the one descriptor it must carry.
 * Returns 1 with *fd set; 0 when the server closed the connection; -1 on a
 * socket error; -2 for a message that broke the rules (reported, and every
 * descriptor it carried closed), after which the worker goes on. */
static int recv_fd(int conn, int *fd)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    /* Room for exactly one descriptor, aligned as a cmsghdr must be. */
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg;
    ssize_t n;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;

    /* MSG_CMSG_CLOEXEC: the descriptor arrives close-on-exec, so no child
     * that another thread starts before we close it inherits it. */
    do
        n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return (int)n;

    int got = -1, count = 0, unexpected = 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
            cm->cmsg_len == CMSG_LEN(sizeof(int)) && count == 0) {
            memcpy(&got, CMSG_DATA(cm), sizeof got);
            count = 1;
        } else {
            /* Two descriptors, a second message, or one we never asked
             * for: close whatever it carried, or it leaks for good. */
            count += close_fds_in(cm);
            unexpected = 1;
        }
    }
    /* MSG_CTRUNC: more came than the buffer holds.  The kernel closed what
     * did not fit; what did fit is ours to close. */
    if (msg.msg_flags & MSG_CTRUNC)
        unexpected = 1;
    if (unexpected || got < 0) {
        if (got >= 0)
            close(got);
        if (msg.msg_flags & MSG_CTRUNC)
            fprintf(stderr, PROG ": bad message from the server: more descriptors than one"
                    " (control data truncated); closed %d, ignored\n", count);
        else if (count == 0)
            fprintf(stderr, PROG ": bad message from the server: a byte without a descriptor; ignored\n");
        else
            fprintf(stderr, PROG ": bad message from the server: %d descriptors, expected 1;"
                    " closed them, ignored\n", count);
        return -2;
    }
    *fd = got;
    return 1;
}
/* [recv-fd] */

/* [spawn] */
/* Start COMMAND with the connection as descriptors 0, 1 and 2.
 *
 * vfork(), not fork(): the child borrows the worker's memory instead of a
 * copy (not even the page tables are copied), and this thread waits until
 * the child has called execve() or died.  glibc's posix_spawn() works the
 * same way underneath, and is the safe default (the exercise uses it), but
 * its child resets every signal one by one, about 120 system calls per
 * start (count them with strace -f), because it cannot know which ones
 * matter.  We do: the four we catch, and SIGPIPE, which we ignore.  The
 * chapter's bench measured the difference.
 *
 * The price is the vfork rules.  The child shares our memory, so until it
 * execs it may only call async-signal-safe functions, touch nothing but
 * its own locals, and leave with _exit(), never return or exit(). */
static int spawn_on(int fd, char **command, const sigset_t *child_mask)
{
    volatile int exec_error = 0; /* the child writes it; we read it after */
    pid_t pid = vfork();

    if (pid == 0) {
        /* Our signals are still blocked here, so no handler of ours can
         * run in the child.  Make them default before letting them in:
         * the command starts as it would under a shell. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGINT, &dfl, NULL);
        sigaction(SIGTERM, &dfl, NULL);
        sigaction(SIGHUP, &dfl, NULL);
        sigaction(SIGCHLD, &dfl, NULL);
        sigaction(SIGPIPE, &dfl, NULL);
        /* dup2() clears close-on-exec on the copies, and only on them. */
        if (dup2(fd, 0) >= 0 && dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0) {
            sigprocmask(SIG_SETMASK, child_mask, NULL);
            execvp(command[0], command);
        }
        exec_error = errno; /* the worker reads this once we are gone */
        _exit(127);
    }
    if (pid < 0)
        return fail("cannot start a process for", command[0]);
    if (exec_error != 0) {
        /* The child has exited with 127, as a shell's does for a command
         * it cannot run; the reaper collects it like any other (and
         * reports that status too).  Here we can say why. */
        errno = exec_error;
        return fail("cannot run", command[0]);
    }
    return 0;
}
/* [spawn] */

/* [reap] */
/* Collect every child that has ended, so none stays a zombie.  Called on
 * each turn of the loop, not only on SIGCHLD: signals of the same kind
 * merge, so one SIGCHLD may stand for many children. */
static void reap_children(const char *command)
{
    int st;
    pid_t pid;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (WIFSIGNALED(st))
            fprintf(stderr, PROG ": %s (pid %ld) was killed by signal %d\n",
                    command, (long)pid, WTERMSIG(st));
        else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
            fprintf(stderr, PROG ": %s (pid %ld) exited with status %d\n",
                    command, (long)pid, WEXITSTATUS(st));
    }
}
/* [reap] */

/* What the receiving threads share: the server's connection and the rest. */
struct server {
    int conn;
    char **command;
    const sigset_t *child_mask;
};

/* [receive-loop] */
/* Receive descriptors from the server and run the command on each, until
 * the server goes away (or the main thread shuts the connection down to
 * stop us).  Each receiving thread runs this loop on the same connection:
 * one recvmsg() takes one whole message, its descriptor included, so no
 * two threads ever get the same connection. */
static void *receive_loop(void *arg)
{
    const struct server *sv = arg;
    int fd = -1, r;

    while ((r = recv_fd(sv->conn, &fd)) != 0) {
        if (r == -1) {
            if (!stop_signal)
                fail("cannot receive from", "the server");
            break;
        }
        if (r == 1) {
            if (!stop_signal) /* stopping: close what is still queued */
                spawn_on(fd, sv->command, sv->child_mask);
            close(fd); /* the child has its copies; ours would keep it open */
        }
    }
    return NULL;
}
/* [receive-loop] */

/* [threads] */
/* Serve one server, with two receiving threads per CPU.  Why threads:
 * vfork() suspends the calling thread until the child has called execve().
 * With a single loop, every hand-over waits for the previous child to get
 * a CPU and exec, and on a busy machine the CPUs sit idle meanwhile: the
 * chapter's bench measured them idle a fifth of the time.  Two loops per
 * CPU, so that while one waits for its child another is receiving, keep
 * them busy.  It stays one process: one listener, one set of children. */
static void serve_server(int conn, char **command, const sigset_t *wait_mask)
{
    struct server sv = { .conn = conn, .command = command, .child_mask = wait_mask };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int wanted = cpus < 1 ? 2 : cpus > MAX_THREADS / 2 ? MAX_THREADS : 2 * (int)cpus;
    pthread_t threads[MAX_THREADS];
    int started = 0;

    /* The threads inherit our signal mask, so the signals stay blocked in
     * them for good: they all come to this thread, in its ppoll(). */
    for (int i = 0; i < wanted; i++) {
        int err = pthread_create(&threads[started], NULL, receive_loop, &sv);
        if (err != 0) {
            errno = err; /* fewer threads are only slower: go on with those */
            fail("cannot start a receiving thread for", "the server");
            break;
        }
        started++;
    }
    if (started == 0)
        receive_loop(&sv); /* no thread at all: receive here instead */

    /* This thread waits for a signal, or for the server to hang up
     * (POLLRDHUP: not for data, which is the receiving threads' job). */
    while (started > 0 && !stop_signal) {
        struct pollfd p = { .fd = conn, .events = POLLRDHUP };

        reap_children(command[0]);
        if (ppoll(&p, 1, NULL, wait_mask) > 0)
            break; /* the server hung up: the threads see the end of stream */
        if (errno != EINTR) {
            fail("cannot wait on", "the server's connection");
            break;
        }
    }
    /* Wake the threads out of recvmsg(): after a shutdown they still get
     * what is queued (and close it unused when stopping), then the end. */
    shutdown(conn, SHUT_RD);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}
/* [threads] */

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    sigset_t wait_mask;
    int listener;

    if (argc < 3) {
        fprintf(stderr, "usage: " PROG " SOCKET COMMAND [ARGS...]\n");
        return 2;
    }
    const char *path = argv[1];
    char **command = argv + 2;
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);
    if (block_signals(&wait_mask) != 0)
        return fail("cannot block signals in", PROG);

    /* [worker-setup] */
    /* Whatever descriptors we inherited from whoever started us (a shell,
     * make, a service manager) must not reach the commands we run either.
     * (Linux 5.11 and later; on older kernels this fails and changes nothing.) */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    /* SOCK_CLOEXEC here and on accept: the children must not inherit the
     * worker's sockets, or the server could never see the worker close. */
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0)
        return fail("cannot create a socket for", path);
    if (remove_old_socket(path) != 0) {
        close(listener);
        return 1;
    }
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot bind", path);
        close(listener);
        return 1;
    }
    if (listen(listener, 8) != 0) {
        fail("cannot listen on", path);
        close(listener);
        unlink(path);
        return 1;
    }
    /* [worker-setup] */
    printf(PROG ": listening on %s\n", path);
    fflush(stdout);

    /* [worker-loop] */
    while (!stop_signal) {
        /* One server at a time: while one is connected, the next waits
         * in the listen backlog. */
        struct pollfd p = { .fd = listener, .events = POLLIN };

        reap_children(command[0]);
        if (ppoll(&p, 1, NULL, &wait_mask) < 0) {
            if (errno == EINTR)
                continue; /* a signal: the loop's test and reap see to it */
            fail("cannot wait on", path);
            break;
        }
        int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0) {
            fail("cannot accept on", path);
            continue;
        }
        printf(PROG ": server connected\n");
        fflush(stdout);
        serve_server(conn, command, &wait_mask);
        close(conn);
        if (!stop_signal) {
            printf(PROG ": server went away; waiting for the next one\n");
            fflush(stdout);
        }
    }
    /* [worker-loop] */

    if (stop_signal)
        printf(PROG ": stopping on %s\n", signal_name(stop_signal));
    reap_children(command[0]);
    close(listener);
    unlink(path);
    return stop_signal ? 0 : 1;
}
