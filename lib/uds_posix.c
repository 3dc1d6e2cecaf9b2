/* SPDX-License-Identifier: MIT */
/* The POSIX (Linux) part of the helper library. */
#include "uds.h"
#include "uds_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>

/* Without MSG_NOSIGNAL, uds_send_some() could not keep its promise that a
 * closed peer gives EPIPE instead of a fatal SIGPIPE: say so at build time. */
#ifndef MSG_NOSIGNAL
#error "this system has no MSG_NOSIGNAL (POSIX.1-2008): lib/uds_posix.c needs it"
#endif

int uds_startup(void)
{
    return 0; /* POSIX sockets need no set-up. */
}

void uds_cleanup(void)
{
}

int uds_close(uds_socket_t s)
{
    /* Not retried on EINTR: on Linux the descriptor is gone either way,
     * and a retry could close one that another thread just opened. */
    return close(s);
}

int uds_last_error(void)
{
    return errno;
}

void uds_set_error(int err)
{
    errno = err;
}

long uds_send_some(uds_socket_t s, const void *buf, size_t len)
{
    ssize_t n;

    /* MSG_NOSIGNAL: a closed peer gives EPIPE here instead of a SIGPIPE
     * that would kill the whole process. */
    do
        n = send(s, buf, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return (long)n;
}

long uds_recv_some(uds_socket_t s, void *buf, size_t len)
{
    ssize_t n;

    do
        n = recv(s, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return (long)n;
}

void uds_system_text(int err, char *buf, size_t cap)
{
    /* strerror_r, not strerror: thread-safe, and glibc's strerror keeps a
     * malloc'd buffer for unknown codes that leak checkers report. */
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    char tmp[128];
    snprintf(buf, cap, "%s", strerror_r(err, tmp, sizeof tmp)); /* GNU: returns the text */
#else
    if (strerror_r(err, buf, cap) != 0) /* POSIX: fills buf */
        snprintf(buf, cap, "Unknown error %d", err);
#endif
}

#define E(code) { code, #code }
const struct uds_error_entry uds_error_table[] = {
    E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(EBADF), E(EAGAIN), E(ENOMEM),
    E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(ENOTDIR), E(EISDIR),
    E(EINVAL), E(ENFILE), E(EMFILE), E(ENOSPC), E(EROFS), E(EPIPE),
    E(ENAMETOOLONG), E(ELOOP), E(EPROTO), E(ENOTSOCK), E(EDESTADDRREQ),
    E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
    E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL),
    E(ENETUNREACH), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN),
    E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTUNREACH),
    E(EALREADY), E(EINPROGRESS), E(ENXIO), E(ESRCH), E(ECHILD), E(ENOSYS),
    E(ENOTEMPTY), E(ESPIPE), E(EXDEV), E(ENODEV), E(E2BIG),
    { 0, NULL }
};

int uds_peer_is_self(uds_socket_t s, long *peer_uid)
{
    uid_t uid;
#if defined(SO_PEERCRED) && defined(__linux__)
    /* The credentials the peer had when it called connect() (or
     * socketpair()): recorded by the kernel, not sent by the peer. */
    struct ucred cred;
    socklen_t len = sizeof cred;

    if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return -1;
    uid = cred.uid;
#else
    gid_t gid;

    if (getpeereid(s, &uid, &gid) != 0)
        return -1;
#endif
    if (peer_uid != NULL)
        *peer_uid = (long)uid;
    return uid == geteuid() ? 1 : 0;
}

/* The stop mechanism of chapter 03, for the chapters that do not teach it
 * (see uds.h). */
static sigset_t stop_wait_mask;
static volatile sig_atomic_t stop_signal;

/* Only records the signal: the program's wait sees it when ppoll() ends. */
static void on_stop(int sig)
{
    stop_signal = sig;
}

int uds_prepare_stop(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    sigset_t stops;
    int err;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&stops);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        sigaddset(&stops, sigs[k]);
    /* Blocked first, then caught: no stop signal can come before the
     * handler is in place and kill the process.  pthread_sigmask(), not
     * sigprocmask(): the latter is unspecified once there are threads. */
    err = pthread_sigmask(SIG_BLOCK, &stops, &stop_wait_mask);
    if (err != 0) {
        errno = err; /* pthread_sigmask() returns its error */
        return -1;
    }
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        sigdelset(&stop_wait_mask, sigs[k]); /* let in while ppoll() waits */
        if (sigaction(sigs[k], &sa, NULL) != 0)
            return -1;
    }
    return 0;
}

const char *uds_stop_requested(void)
{
    switch (stop_signal) {
    case 0: return NULL;
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: return "SIGTERM";
    }
}

const sigset_t *uds_stop_wait_mask(void)
{
    return &stop_wait_mask;
}

void uds_stop_done(void)
{
    /* Nothing to undo: the signals stay blocked until the process ends,
     * so none can kill it in the middle of its last words. */
}
