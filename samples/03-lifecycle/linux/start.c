/* SPDX-License-Identifier: MIT */
/*
 * start.c (Linux): upcase-server's correct start (the live-server check,
 * the stale file) and its stop signals.  See start.h.
 */
#include "start.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* [stop-signals] */
/* The handler only records which signal came; the server's wait_for()
 * does the work.  Outside wait_for() these signals are blocked, so one
 * that arrives while the server is busy waits, pending, until the next
 * wait_for(). */
sigset_t wait_mask; /* the mask while waiting: stop signals let in */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* Block the stop signals, and catch them: from now on they can only
 * arrive inside ppoll().  Returns 0 (the Win32 twin's can fail). */
int prepare_stop(void)
{
    struct sigaction sa;
    sigset_t stops;

    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    sigprocmask(SIG_BLOCK, &stops, &wait_mask);
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGHUP);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    return 0;
}
/* [stop-signals] */

const char *stop_requested(void)
{
    switch (stop_signal) {
    case 0: return NULL;
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: return "SIGTERM";
    }
}

void stop_done(void) { /* nothing to undo on Linux */ }

/* Every wait goes through wait_for(), so recv() and send() must never
 * block: with a non-blocking socket they take what is there and return. */
int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* [claim-path] */
/* May this server bind PATH?  Returns 0 when it may (the path is free, or
 * was a stale socket file and has been removed), 1 when it must not start.
 * Nothing is created before the path has been looked at. */
static int claim_socket_path(const char *prog, const char *path,
                             const struct sockaddr_un *addr, socklen_t addr_len)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(prog, "cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", prog, path);
        return 1;
    }
    /* A socket file says nothing about whether a server is behind it: the
     * only way to know is to knock.  A live server accepts (and sees a
     * client that leaves at once); a dead one leaves ECONNREFUSED.  The
     * knock is non-blocking: a blocking connect() to a live server whose
     * backlog is full would wait for room, with our stop signals blocked.
     * Non-blocking, Linux answers at once, EAGAIN for a full backlog,
     * which only a live server can have. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (probe < 0)
        return uds_fail_socket(prog, path);
    int r = connect(probe, (const struct sockaddr *)addr, addr_len);
    int err = errno;
    close(probe);
    if (r == 0 || err == EAGAIN || err == EINPROGRESS) {
        fprintf(stderr, "%s: another server is live on %s; not starting\n", prog, path);
        return 1;
    }
    errno = err;
    if (err != ECONNREFUSED) /* e.g. EACCES: we cannot tell, so we touch nothing */
        return uds_fail(prog, "cannot tell whether a server is live on", path);
    if (unlink(path) != 0)
        return uds_fail(prog, "cannot remove stale socket", path);
    printf("removed stale socket %s\n", path);
    return 0;
}
/* [claim-path] */

int start_listening(const char *prog, const char *path,
                    const struct sockaddr_un *addr, socklen_t addr_len)
{
    if (claim_socket_path(prog, path, addr, addr_len) != 0)
        return -1;
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0) {
        uds_fail_socket(prog, path);
        return -1;
    }
    if (bind(listener, (const struct sockaddr *)addr, addr_len) != 0) {
        uds_fail(prog, "cannot bind", path); /* the file is not ours: it stays */
        close(listener);
        return -1;
    }
    if (listen(listener, 8) != 0 || set_nonblocking(listener) != 0) {
        uds_fail(prog, "cannot listen on", path);
        close(listener);
        unlink(path);
        return -1;
    }
    return listener;
}
