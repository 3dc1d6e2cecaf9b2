/* SPDX-License-Identifier: MIT */
/*
 * upcase-server (Linux): a server with a whole life, start to stop.
 *
 * Each client sends some bytes, then half-closes its side; the server sends
 * them back with the ASCII letters a-z turned into A-Z (every other byte,
 * UTF-8 included, is left alone), then closes.  It starts safely over the
 * socket file of a server that died, refuses to start over a live one, and
 * stops cleanly on SIGINT, SIGTERM or SIGHUP, removing its socket file.
 *
 * usage: upcase-server SOCKET_PATH
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "upcase-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* [stop-signals] */
/* The handler only records which signal came; the main loop does the work.
 * Outside wait_for() these signals are blocked, so one that arrives while
 * the server is busy waits, pending, until the next wait_for(). */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

static sigset_t wait_mask; /* the mask while waiting: stop signals let in */

/* Block the stop signals, and catch them: from now on they can only
 * arrive inside ppoll().  Returns 0 (the Win32 twin's can fail). */
static int prepare_stop(void)
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

static const char *stop_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}
/* [stop-signals] */

/* [wait-for] */
/* Wait until fd is ready for events.  Returns 1 when it is, 0 when a stop
 * signal came, -1 on error.  ppoll() unblocks the stop signals and waits
 * in one atomic step: a signal that came just before is delivered as ppoll
 * starts, so it cannot slip in between a check of the flag and the wait. */
static int wait_for(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };

    for (;;) {
        if (stop_signal)
            return 0;
        if (ppoll(&p, 1, NULL, &wait_mask) > 0)
            return 1;
        if (errno != EINTR)
            return -1;
        /* EINTR: a handler ran; the loop looks at the flag again. */
    }
}
/* [wait-for] */

/* Every wait goes through wait_for(), so recv() and send() must never
 * block: with a non-blocking socket they take what is there and return. */
static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* [claim-path] */
/* May this server bind PATH?  Returns 0 when it may (the path is free, or
 * was a stale socket file and has been removed), 1 when it must not start.
 * Nothing is created before the path has been looked at. */
static int claim_socket_path(const char *path, const struct sockaddr_un *addr,
                             socklen_t addr_len)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(PROG, "cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
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
        return uds_fail_socket(PROG, path);
    int r = connect(probe, (const struct sockaddr *)addr, addr_len);
    int err = errno;
    close(probe);
    if (r == 0 || err == EAGAIN || err == EINPROGRESS) {
        fprintf(stderr, PROG ": another server is live on %s; not starting\n", path);
        return 1;
    }
    errno = err;
    if (err != ECONNREFUSED) /* e.g. EACCES: we cannot tell, so we touch nothing */
        return uds_fail(PROG, "cannot tell whether a server is live on", path);
    if (unlink(path) != 0)
        return uds_fail(PROG, "cannot remove stale socket", path);
    printf("removed stale socket %s\n", path);
    return 0;
}
/* [claim-path] */

/* Flush the log.  Returns 1 when it went out; 0, with *status set to 1,
 * when stdout is gone (EPIPE: its reader has closed), and the server stops
 * as if asked to, removing its socket file. */
static int log_written(int *status)
{
    if (fflush(stdout) == 0)
        return 1;
    *status = uds_fail(PROG, "cannot write", "standard output");
    return 0;
}

#define STOPPED (-2)

/* Serve one client: upper-case its bytes as they come, until it says it has
 * sent everything (recv() returns 0).  Returns the byte count, -1 on an
 * error (in errno), or STOPPED when a stop signal came first. */
static long upcase(int client)
{
    char buf[65536];
    long total = 0;

    /* [upcase-loop] */
    for (;;) {
        int w = wait_for(client, POLLIN);
        if (w <= 0)
            return w == 0 ? STOPPED : -1;
        long n = recv(client, buf, sizeof buf, 0);
        if (n == 0)
            return total; /* the client's shutdown(SHUT_WR): that's all */
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            return -1;
        }
        for (long i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (char)(buf[i] - 'a' + 'A');
        /* Reply before reading more: the server holds at most one buffer,
         * however big the file.  This cannot deadlock only because the
         * client reads while it sends (see upcase-client). */
        for (long off = 0; off < n;) {
            w = wait_for(client, POLLOUT);
            if (w <= 0)
                return w == 0 ? STOPPED : -1;
            /* MSG_NOSIGNAL: a client that has gone gives EPIPE here, not
             * a SIGPIPE that would kill the whole server. */
            long m = send(client, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
            if (m < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                return -1;
            if (m > 0)
                off += m;
        }
        total += n;
    }
    /* [upcase-loop] */
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int listener;
    int status = 0;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [log-pipe] */
    /* The log on stdout may be a pipe whose reader has gone (`| head`).
     * Writing there raises SIGPIPE, which would kill the server and leave
     * its socket file behind.  Ignored, the write fails with EPIPE instead,
     * and the server stops cleanly (see log_written()). */
    signal(SIGPIPE, SIG_IGN);
    /* [log-pipe] */

    /* Before the socket file exists, so that no signal can end the server
     * between bind() and the code that removes the file again. */
    if (prepare_stop() != 0)
        return uds_fail(PROG, "cannot prepare", "to stop");

    /* [server-setup] */
    if (claim_socket_path(path, &addr, addr_len) != 0)
        return 1;
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, path);
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot bind", path);
        close(listener);
        return 1;
    }
    if (listen(listener, 8) != 0 || set_nonblocking(listener) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        close(listener);
        unlink(path);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);

    /* [accept-loop] */
    long served = 0;
    while (log_written(&status)) {
        int w = wait_for(listener, POLLIN);
        if (w == 0)
            break; /* a stop signal */
        if (w < 0) {
            status = uds_fail(PROG, "cannot wait on", path);
            break;
        }
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED)
                continue; /* the client left before we took it */
            status = uds_fail(PROG, "cannot accept on", path);
            break;
        }
        served++;
        long n = set_nonblocking(client) == 0 ? upcase(client) : -1;
        if (n == STOPPED)
            printf("client %ld: cut off, the server is stopping\n", served);
        else if (n < 0)
            fprintf(stderr, PROG ": client %ld: %s\n", served, uds_strerror(uds_last_error()));
        else
            printf("client %ld: upcased %ld bytes\n", served, n);
        /* Closing tells the client: that's the whole reply. */
        close(client);
    }
    /* [accept-loop] */

    /* [cleanup] */
    close(listener);
    /* The file outlives the socket: remove it, or the next start must
     * decide whether it is stale. */
    unlink(path);
    if (stop_signal)
        printf("stopping on %s; removed %s\n", stop_name(stop_signal), path);
    else
        printf("stopping; removed %s\n", path);
    /* [cleanup] */
    uds_cleanup();
    return status;
}
