/* SPDX-License-Identifier: MIT */
/*
 * common.c (Linux): chapter 06's start-up code, shared by pass-* and
 * fdpass-*.  See common.h.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>
#include <linux/close_range.h>

int server_args(const char *prog, int argc, char **argv)
{
    char *end;

    if (argc != 4 || argv[3][0] == '-') {
        fprintf(stderr, "usage: %s ADDRESS PORT SOCKET\n", prog);
        return 2;
    }
    long port = strtol(argv[2], &end, 10);
    if (argv[2][0] == '\0' || *end != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, "%s: PORT must be a number from 0 to 65535, not '%s'\n", prog, argv[2]);
        return 2;
    }
    return 0;
}

int worker_args(const char *prog, int argc, char **argv,
                struct sockaddr_un *addr, socklen_t *len)
{
    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s SOCKET COMMAND [ARGS...]\n", prog);
        return 2;
    }
    return uds_addr_path(addr, len, argv[1]) == 0 ? 0 : uds_fail(prog, "bad socket path", argv[1]);
}

const char *signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

char *format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        snprintf(buf, cap, "(unknown)");
    else
        snprintf(buf, cap, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
    return buf;
}

char *format_addr_of(int s, char *buf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    getsockname(s, (struct sockaddr *)&ss, &len);
    return format_addr((struct sockaddr *)&ss, len, buf, cap);
}

/* The getaddrinfo() error names, for messages like the other errors'. */
static const char *gai_name(int err)
{
    switch (err) {
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_SERVICE: return "EAI_SERVICE";
    case EAI_MEMORY: return "EAI_MEMORY";
#ifdef EAI_NODATA
    case EAI_NODATA: return "EAI_NODATA";
#endif
    case EAI_SYSTEM: return uds_error_name(errno) ? uds_error_name(errno) : "EAI_SYSTEM";
    default: return "EAI_?";
    }
}

int listen_tcp(const char *prog, const char *address, const char *port,
               int type_flags, int *listeners, int max)
{
    struct addrinfo hints, *list;
    struct sockaddr_storage ss;
    socklen_t ss_len;
    char where[WHERE_MAX];
    int n = 0, one = 1, err;
    int every = address[0] == '\0' || strcmp(address, "-") == 0 || strcmp(address, "*") == 0 ||
                strcmp(address, "?") == 0 || strcmp(address, ":") == 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    err = getaddrinfo(every ? NULL : address, port, &hints, &list);
    if (err != 0) {
        fprintf(stderr, "%s: cannot resolve %s: %s (%s)\n", prog, address, gai_strerror(err),
                gai_name(err));
        return 0;
    }
    for (struct addrinfo *ai = list; ai && n < max; ai = ai->ai_next) {
        /* With PORT 0 the first bind picks a free port; the others reuse
         * it (sin_port and sin6_port sit at the same offset). */
        if (n > 0 && atoi(port) == 0) {
            ss_len = sizeof ss;
            getsockname(listeners[0], (struct sockaddr *)&ss, &ss_len);
            ((struct sockaddr_in *)ai->ai_addr)->sin_port = ((struct sockaddr_in *)&ss)->sin_port;
        }
        format_addr(ai->ai_addr, ai->ai_addrlen, where, sizeof where);
        int s = socket(ai->ai_family, ai->ai_socktype | type_flags | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0) {
            uds_fail(prog, "cannot create a socket for", where);
            continue;
        }
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        /* Keep [::] to IPv6, so that 0.0.0.0 on the same port can coexist. */
        if (ai->ai_family == AF_INET6)
            setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s, SOMAXCONN) != 0) {
            uds_fail(prog, "cannot listen on", where);
            close(s);
            continue;
        }
        /* With PORT 0 the kernel chose the port: print the one we got. */
        printf("%s: listening on %s\n", prog, format_addr_of(s, where, sizeof where));
        listeners[n++] = s;
    }
    freeaddrinfo(list);
    fflush(stdout);
    return n;
}

/* [connect-worker] */
int connect_worker(const char *path)
{
    struct sockaddr_un addr;
    socklen_t len;
    int s;

    if (uds_addr_path(&addr, &len, path) != 0)
        return -1;
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s >= 0 && connect(s, (struct sockaddr *)&addr, len) != 0) {
        int err = errno; /* close() may change errno */
        close(s);
        errno = err;
        s = -1;
    }
    return s;
}
/* [connect-worker] */

/* Chapter 03's rule: remove a stale socket file, never a live worker's
 * socket, never anything that is not a socket. */
static int claim_path(const char *prog, const char *path, const struct sockaddr_un *addr,
                      socklen_t len)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(prog, "cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", prog, path);
        return 1;
    }
    /* Only connect() tells whether a worker is behind it.  Non-blocking: a
     * live worker with a full backlog answers EAGAIN instead of a wait. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int r = probe < 0 ? -1 : connect(probe, (const struct sockaddr *)addr, len), err = errno;
    if (probe >= 0)
        close(probe);
    if (r == 0 || err == EAGAIN) {
        fprintf(stderr, "%s: another worker is live on %s; not starting\n", prog, path);
        return 1;
    }
    if (err != ECONNREFUSED) /* unsure: leave it alone */
        return uds_fail_code(prog, "cannot tell whether a worker is live on", path, err);
    if (unlink(path) != 0)
        return uds_fail(prog, "cannot remove stale socket", path);
    printf("%s: removed stale socket %s\n", prog, path);
    return 0;
}

/* [worker-setup] */
int worker_listen(const char *prog, const char *path, const struct sockaddr_un *addr,
                  socklen_t len, int type_flags)
{
    int null, listener;

    /* 0, 1 and 2 must be open, or the next descriptor we get (a socket, a
     * connection) lands there: a command's stdio, or our own stderr. */
    while ((null = open("/dev/null", O_RDWR)) >= 0 && null <= 2)
        ;
    if (null < 0)
        return uds_fail(prog, "cannot open", "/dev/null"), -1;
    close(null);
    /* Whatever else we inherited (from a shell, make, a service manager)
     * must not reach the commands either (Linux 5.11 and later; on older
     * kernels this fails and changes nothing). */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (claim_path(prog, path, addr, len) != 0)
        return -1;
    if ((listener = socket(AF_UNIX, SOCK_STREAM | type_flags | SOCK_CLOEXEC, 0)) < 0)
        return uds_fail(prog, "cannot create a socket for", path), -1;
    /* Mode 0600: whoever can connect can make us run COMMAND. */
    mode_t old_mask = umask(0177);
    int bound = bind(listener, (const struct sockaddr *)addr, len);
    umask(old_mask);
    if (bound != 0 || listen(listener, 8) != 0) {
        uds_fail(prog, bound != 0 ? "cannot bind" : "cannot listen on", path);
        if (bound == 0)
            unlink(path);
        close(listener);
        return -1;
    }
    printf("%s: listening on %s\n", prog, path);
    fflush(stdout);
    return listener;
}
/* [worker-setup] */

int out_of_descriptors(const char *prog, const char *where, long *failures)
{
    if (errno != EMFILE && errno != ENFILE && errno != ENOBUFS && errno != ENOMEM)
        return 0;
    /* The client stays in the backlog and accept() would fail again at
     * once: say so once, and let the caller pause instead of spinning.
     * Chapter 07 keeps a spare descriptor for this instead. */
    if ((*failures)++ == 0)
        fprintf(stderr, "%s: cannot accept on %s: %s; retrying every second\n",
                prog, where, uds_strerror(errno));
    return 1;
}

void accepting_again(const char *prog, long *failures)
{
    if (*failures > 0) {
        printf("%s: accepting again after %ld failed attempts\n", prog, *failures);
        fflush(stdout);
    }
    *failures = 0;
}

int accept_server(const char *prog, int listener, const char *where, long *failures)
{
    long uid = -1;
    int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);

    if (conn < 0) {
        if (out_of_descriptors(prog, where, failures) || errno == EINTR || errno == EAGAIN ||
            errno == ECONNABORTED)
            return -1;
        return uds_fail(prog, "cannot accept on", where), -2;
    }
    accepting_again(prog, failures);
    /* The kernel says who connected (chapter 04): our own user only, for
     * whoever connects can make us run COMMAND. */
    if (uds_peer_is_self(conn, &uid) != 1) {
        fprintf(stderr, "%s: refused a server of uid %ld: not this worker's user\n", prog, uid);
        close(conn);
        return -1;
    }
    printf("%s: server connected\n", prog);
    fflush(stdout);
    return conn;
}
