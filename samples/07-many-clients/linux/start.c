/* SPDX-License-Identifier: MIT */
/*
 * start.c (Linux): chat-server's start and stop, as chapter 03 taught them.
 * See start.h.
 */
#include "start.h"

#include <stdio.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* [stop] */
sigset_t stop_wait_mask;
static volatile sig_atomic_t stop_signal;
static void on_stop(int sig) { stop_signal = sig; }

int prepare_stop(void)
{
    struct sigaction sa = { .sa_handler = on_stop };
    int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    sigset_t stops;

    sigemptyset(&stops);
    for (int k = 0; k < 3; k++)
        sigaddset(&stops, sigs[k]);
    if (sigprocmask(SIG_BLOCK, &stops, &stop_wait_mask) != 0)
        return -1;
    for (int k = 0; k < 3; k++) {
        sigdelset(&stop_wait_mask, sigs[k]); /* let in while ppoll() waits */
        if (sigaction(sigs[k], &sa, NULL) != 0)
            return -1;
    }
    return 0;
}
/* [stop] */

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

/* [raise-limit] */
/* Every client costs a descriptor, and the soft limit is often 1024.  An
 * unprivileged process may raise it as far as the hard limit. */
void raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl); /* if it fails, we serve fewer */
    }
}
/* [raise-limit] */

static int claim_path(const char *prog, const char *path,
                      const struct sockaddr_un *addr, socklen_t addr_len)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return 0; /* nothing there */
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", prog, path);
        return 1;
    }
    /* Non-blocking, as in chapter 03: a live server whose backlog is full
     * answers EAGAIN at once, where a blocking connect() would wait for
     * room with the stop signals blocked.  Only ECONNREFUSED means stale;
     * anything else (EACCES: another user's server?) means we cannot
     * tell, and the file is left alone. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
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
    if (err != ECONNREFUSED) /* we cannot tell, so we touch nothing */
        return uds_fail(prog, "cannot tell whether a server is live on", path);
    unlink(path); /* a stale socket: its server is gone */
    return 0;
}

uds_socket_t start_listening(const char *prog, const char *path,
                             const struct sockaddr_un *addr, socklen_t addr_len)
{
    if (claim_path(prog, path, addr, addr_len) != 0)
        return -1;
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) {
        uds_fail_socket(prog, path);
        return -1;
    }
    if (bind(listener, (const struct sockaddr *)addr, addr_len) != 0) {
        uds_fail(prog, "cannot bind", path); /* the file is not ours: it stays */
        close(listener);
        return -1;
    }
    if (listen(listener, SOMAXCONN) != 0) {
        uds_fail(prog, "cannot listen on", path);
        close(listener);
        unlink(path);
        return -1;
    }
    return listener;
}
