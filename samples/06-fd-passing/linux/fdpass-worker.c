/* SPDX-License-Identifier: MIT */
/*
 * fdpass-worker (Linux): runs a command on connections that another process
 * accepted.  pass-worker made to run unattended (chapter 06, "going
 * further"): the same socket, checks and messages, plus
 *
 * - SIGINT, SIGTERM or SIGHUP stop it, and it removes its socket file;
 * - it waits for stop signals and ended children in ppoll(), and pauses
 *   for a second when it runs out of descriptors instead of spinning;
 * - several receiving threads, and vfork(), for speed (the bench page);
 *   at most MAX_CHILDREN commands at once: at the limit the receiving
 *   threads wait, and the next connections wait in the socket's queue.
 *
 * usage: fdpass-worker SOCKET COMMAND [ARGS...]
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "fdpass-worker"
#define MAX_THREADS 32   /* receiving threads: two per CPU, at most this many */
#define MAX_CHILDREN 64  /* commands at once, as inetd's max-child */

/* The signal that asks us to stop.  Atomic, not just volatile sig_atomic_t:
 * the receiving threads read it too, and C11 makes a lock-free atomic safe
 * both in a signal handler and between threads. */
static atomic_int stop_signal;

/* The commands running, shared by the receiving threads (which start
 * them) and the main thread (which reaps them). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t room = PTHREAD_COND_INITIALIZER; /* fewer than the limit */
static int children;      /* commands started and not yet reaped */
static int at_limit_said; /* the limit line was printed for this spell */
static int closing;       /* stopping: close what is received, start nothing */
static int finished;      /* receiving threads that have ended */
/* The server broke the rules and is being dropped: the first receiving
 * thread to see it says so, the others (which may have taken more of the
 * same in the meantime) stay silent: one line per connection at most. */
static atomic_int dropping;

static void on_stop(int sig) { stop_signal = sig; }
static void on_child(int sig) { (void)sig; /* only to wake ppoll() */ }

/* [signals] */
/* The stop signals and SIGCHLD stay blocked, except inside ppoll(), which
 * unblocks them atomically while it waits (chapter 03 explains why).  The
 * receiving threads inherit the mask, so every signal comes to the main
 * thread's ppoll(). */
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
    /* Our stdout may be a pipe whose reader has gone: an error, not death. */
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

/* [recv-fd] */
/* pass-worker's recv_fd(), but silent when stopping, and one report per
 * server however many threads see its bad messages.
 * Returns 1 with *fd set; 0 when a connection was lost here; -1 when the
 * server is to be dropped. */
static int recv_fd(int server, int *fd)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    int count = 0, other = 0, d;

    ssize_t n = recvmsg(server, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && !stop_signal)
        uds_fail(PROG, "cannot receive from", "the server");
    if (n <= 0)
        return -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
            other = 1;
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
    if ((msg.msg_flags & MSG_CTRUNC) && count == 0 && !other) {
        fprintf(stderr, PROG ": lost a connection: this worker is out of descriptors"
                " (control data truncated)\n");
        return 0;
    }
    if (atomic_exchange(&dropping, 1))
        return -1; /* another thread has said it */
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
/* Start COMMAND with the connection as descriptors 0, 1 and 2.
 *
 * vfork(), not fork(): the child borrows the worker's memory instead of a
 * copy (not even the page tables are copied), and this thread waits until
 * the child has called execve() or died.  posix_spawn() works the same way
 * underneath and is the safe default, but its child resets every signal,
 * about 120 system calls per start; we know our five.  The bench page has
 * the figures.  The price is the vfork rules: until it execs, the child may
 * only call async-signal-safe functions, touch nothing but its own locals,
 * and leave with _exit(). */
static int spawn_on(int fd, char **command, const sigset_t *child_mask)
{
    volatile int exec_error = 0; /* the child writes it; we read it after */
    pid_t pid = vfork();

    if (pid == 0) {
        /* Our signals are still blocked here, so no handler of ours can
         * run in the child.  Make them default before letting them in. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGINT, &dfl, NULL);
        sigaction(SIGTERM, &dfl, NULL);
        sigaction(SIGHUP, &dfl, NULL);
        sigaction(SIGCHLD, &dfl, NULL);
        sigaction(SIGPIPE, &dfl, NULL);
        /* dup2() clears close-on-exec on the copies, and only on them
         * (fd is never 0, 1 or 2: main() keeps those open). */
        if (dup2(fd, 0) >= 0 && dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0) {
            sigprocmask(SIG_SETMASK, child_mask, NULL);
            execvp(command[0], command);
        }
        exec_error = errno; /* the worker reads this once we are gone */
        _exit(127);
    }
    if (pid < 0)
        return uds_fail(PROG, "cannot start a process for", command[0]);
    if (exec_error != 0) /* the child exited 127; the reaper collects it */
        return uds_fail_code(PROG, "cannot run", command[0], exec_error);
    return 0;
}
/* [spawn] */

/* [reap] */
/* Collect every child that has ended, so none stays a zombie, and make
 * room for the receiving threads.  Called on each turn of the main loop,
 * not only on SIGCHLD: signals of one kind merge, so one SIGCHLD may stand
 * for many children. */
static void reap_children(const char *command)
{
    int st;
    pid_t pid;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        pthread_mutex_lock(&lock);
        if (children > 0)
            children--;
        at_limit_said = 0;
        pthread_cond_broadcast(&room);
        pthread_mutex_unlock(&lock);
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
    pthread_t main_thread;
};

/* [receive-loop] */
/* Wait for room below MAX_CHILDREN; 1 when a command may start (counted),
 * 0 when stopping.  The main thread's reaper makes the room. */
static int take_slot(void)
{
    pthread_mutex_lock(&lock);
    if (children >= MAX_CHILDREN && !closing && !at_limit_said) {
        printf(PROG ": %d commands running, the limit; the next connections wait\n", children);
        fflush(stdout);
        at_limit_said = 1;
    }
    while (children >= MAX_CHILDREN && !closing)
        pthread_cond_wait(&room, &lock);
    int ok = !closing;
    children += ok;
    pthread_mutex_unlock(&lock);
    return ok;
}

/* Receive descriptors and run the command on each, until the server goes
 * away or is dropped.  Each receiving thread runs this loop on the same
 * connection: one recvmsg() takes one whole message, its descriptor
 * included, so no two threads ever get the same connection. */
static void *receive_loop(void *arg)
{
    const struct server *sv = arg;
    int fd = -1, r;

    while ((r = recv_fd(sv->conn, &fd)) >= 0) {
        if (r == 0)
            continue;
        if (take_slot() && spawn_on(fd, sv->command, sv->child_mask) != 0) {
            pthread_mutex_lock(&lock); /* nothing started: give the slot back */
            children--;
            pthread_mutex_unlock(&lock);
        }
        close(fd); /* the child has its copies; ours would keep it open */
    }
    /* Dropped or gone: end the other threads' recvmsg() too, and wake the
     * main thread (SIGCHLD's handler does nothing but end its ppoll()). */
    shutdown(sv->conn, SHUT_RDWR);
    pthread_mutex_lock(&lock);
    finished++;
    pthread_mutex_unlock(&lock);
    pthread_kill(sv->main_thread, SIGCHLD);
    return NULL;
}
/* [receive-loop] */

/* [threads] */
/* Serve one server, with two receiving threads per CPU.  Why threads:
 * vfork() suspends the calling thread until the child has called execve(),
 * and with a single loop the CPUs sat idle meanwhile (the bench page has
 * the figures).  The main thread reaps, and waits for a stop signal, an
 * ended child, or the end of the server's connection. */
static void serve_server(int conn, char **command, const sigset_t *wait_mask)
{
    struct server sv = { .conn = conn, .command = command, .child_mask = wait_mask,
                         .main_thread = pthread_self() };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int wanted = cpus < 1 ? 2 : cpus > MAX_THREADS / 2 ? MAX_THREADS : 2 * (int)cpus;
    pthread_t threads[MAX_THREADS];
    int started = 0, err = 0, hung_up = 0;

    pthread_mutex_lock(&lock);
    closing = finished = 0;
    dropping = 0;
    pthread_mutex_unlock(&lock);
    while (started < wanted && (err = pthread_create(&threads[started], NULL, receive_loop, &sv)) == 0)
        started++;
    if (started == 0) { /* none at all: drop this server, stay responsive */
        uds_fail_code(PROG, "cannot start a receiving thread for", "the server", err);
        return;
    }

    for (;;) {
        struct pollfd p = { .fd = hung_up ? -1 : conn, .events = POLLRDHUP };

        reap_children(command[0]);
        if (stop_signal) {
            pthread_mutex_lock(&lock);
            closing = 1; /* threads waiting at the limit: close, start nothing */
            pthread_cond_broadcast(&room);
            pthread_mutex_unlock(&lock);
        }
        if (stop_signal || hung_up)
            shutdown(conn, SHUT_RD); /* threads get what is queued, then the end */
        pthread_mutex_lock(&lock);
        int all_done = finished == started;
        pthread_mutex_unlock(&lock);
        if (all_done)
            break;
        if (ppoll(&p, 1, NULL, wait_mask) > 0)
            hung_up = 1; /* the server hung up, or a thread dropped it */
    }
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}
/* [threads] */

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    sigset_t wait_mask;
    int listener, status = worker_args(PROG, argc, argv, &addr, &addr_len);
    long failures = 0; /* accept() failures in a row for lack of descriptors */

    if (status != 0)
        return status;
    const char *path = argv[1];
    char **command = argv + 2;
    if (block_signals(&wait_mask) != 0)
        return uds_fail(PROG, "cannot block signals in", PROG);
    /* As pass-worker's (common.c), but non-blocking: we wait in ppoll(). */
    if ((listener = worker_listen(PROG, path, &addr, addr_len, SOCK_NONBLOCK)) < 0)
        return 1;

    /* [worker-loop] */
    while (!stop_signal) {
        /* One server at a time: while one is connected, the next waits in
         * the listen backlog.  After running out of descriptors, a second's
         * pause, with the listener out of the wait. */
        struct pollfd p = { .fd = failures ? -1 : listener, .events = POLLIN };
        struct timespec pause = { 1, 0 };

        reap_children(command[0]);
        if (ppoll(&p, 1, failures ? &pause : NULL, &wait_mask) < 0) {
            if (errno == EINTR)
                continue; /* a signal: the loop's test and reap see to it */
            uds_fail(PROG, "cannot wait on", path);
            break;
        }
        int conn = accept_server(PROG, listener, path, &failures);
        if (conn == -2)
            break;
        if (conn < 0)
            continue;
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
