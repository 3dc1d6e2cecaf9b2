/* SPDX-License-Identifier: MIT */
/*
 * start.c (Linux): chat-server's start, as chapter 03 taught it (the stop
 * is the library's uds_prepare_stop(): see start.h).
 */
#include "start.h"

#include <stdio.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

    /* Only ENOENT means the path is free: any other error (ENOTDIR,
     * EACCES, ELOOP...) means we cannot look, so we touch nothing. */
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(prog, "cannot check", path);
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
