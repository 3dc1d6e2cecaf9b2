/* SPDX-License-Identifier: MIT */
/*
 * ends.c (Linux): the two ends of uds-relay (see relay.h): what FROM and
 * TO mean, listening, accepting, connecting, starting a command, and
 * the stop.  What earlier chapters taught, gathered here so that
 * uds-relay.c holds only the relay.
 */
#include "relay.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int place_parse(const char *prog, char **argv, int is_from, struct place *p)
{
    const char *arg = argv[0];

    memset(p, 0, sizeof *p);
    p->spec = arg;
    if (strncmp(arg, "unix:", 5) == 0 && arg[5] != '\0') {
        p->kind = PLACE_UNIX;
        p->path = arg + 5;
        return 0;
    }
    if (is_from && strcmp(arg, "stdio") == 0) {
        p->kind = PLACE_STDIO;
        return 0;
    }
    if (!is_from && strncmp(arg, "exec:", 5) == 0 && arg[5] != '\0') {
        p->kind = PLACE_EXEC;
        argv[0] += 5; /* the program's name, without "exec:" */
        p->argv = argv;
        return 0;
    }
    /* tcp:HOST:PORT, the port after the last colon; [::1] for IPv6. */
    const char *colon = strrchr(arg, ':');
    if (strncmp(arg, "tcp:", 4) == 0 && colon > arg + 4 && colon[1] != '\0') {
        const char *host = arg + 4;
        size_t n = (size_t)(colon - host);
        if (host[0] == '[' && colon[-1] == ']')
            host++, n -= 2;
        if (n > 0 && n < sizeof p->host) {
            p->kind = PLACE_TCP;
            memcpy(p->host, host, n);
            p->port = colon + 1;
            return 0;
        }
    }
    fprintf(stderr, "%s: %s must be unix:PATH, tcp:HOST:PORT or %s, not '%s'\n",
            prog, is_from ? "FROM" : "TO", is_from ? "stdio" : "exec:PROGRAM", arg);
    return -1;
}

int parse_args(const char *prog, const char *usage, int argc, char **argv,
               struct place *from, struct place *to, int *any_address)
{
    static const char *const known[] = { "--any-address", NULL };

    /* Options come first; the words of an exec: command are its own. */
    int words = 1;
    while (words < argc && strncmp(argv[words], "exec:", 5) != 0)
        words++;
    int opt = uds_options(prog, words < argc ? words + 1 : argc, argv, known, usage);
    if (opt >= 0)
        return opt;
    int i = 1;
    *any_address = 0;
    if (i < argc && strcmp(argv[i], "--any-address") == 0)
        *any_address = 1, i++;
    if (argc - i < 2 || (argc - i > 2 && strncmp(argv[i + 1], "exec:", 5) != 0)) {
        fprintf(stderr, "%s\n", usage);
        return 2;
    }
    if (place_parse(prog, argv + i, 1, from) != 0 || place_parse(prog, argv + i + 1, 0, to) != 0)
        return 2;
    return -1;
}

/* [loopback] */
/* A socket file is guarded by the file system: its directory's and its own
 * permissions decide who may connect.  A TCP port has no such guard: any
 * user of the machine may connect to a loopback port, and anyone on the
 * network to a port on any other address.  So the TCP side listens on
 * loopback only, unless the user asked for more. */
static int is_loopback(const struct sockaddr *a)
{
    if (a->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)a)->sin_addr.s_addr) >> 24) == 127;
    if (a->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)a)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a6)
               || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
    }
    return 0;
}
/* [loopback] */

/* getaddrinfo()'s error as the kit prints it. */
static int fail_lookup(const char *prog, const char *what, const struct place *p, int err)
{
    if (err == EAI_SYSTEM)
        return uds_fail(prog, what, p->spec);
    fprintf(stderr, "%s: %s %s: %s\n", prog, what, p->spec, gai_strerror(err));
    return 1;
}

/* A unix: listener may replace a stale socket file, never anything else,
 * nor the socket of a live server (chapter 03). */
static int claim_path(const char *prog, const char *path,
                      const struct sockaddr_un *addr, socklen_t len)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", prog, path);
        return -1;
    }
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int live = probe >= 0 && connect(probe, (const struct sockaddr *)addr, len) == 0;
    if (probe >= 0)
        close(probe);
    if (live) {
        fprintf(stderr, "%s: another server is live on %s; not starting\n", prog, path);
        return -1;
    }
    unlink(path);
    return 0;
}

uds_socket_t place_listen(const char *prog, const struct place *p, int any_address)
{
    struct sockaddr_un addr;
    socklen_t len;
    struct rlimit rl;
    int s = -1;

    /* Each connection costs up to six descriptors (two sockets and the two
     * pipes of each splice()): take as many as the hard limit allows. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl); /* if it fails, we serve fewer */
    }
    if (p->kind == PLACE_UNIX) {
        if (uds_addr_path(&addr, &len, p->path) != 0) {
            uds_fail(prog, "bad socket path", p->path);
            return -1;
        }
        if (claim_path(prog, p->path, &addr, len) != 0)
            return -1;
        s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s < 0) {
            uds_fail_socket(prog, p->path);
            return -1;
        }
        if (bind(s, (struct sockaddr *)&addr, len) != 0) {
            uds_fail(prog, "cannot bind", p->path);
            close(s);
            return -1;
        }
    } else {
        struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
                                  .ai_socktype = SOCK_STREAM }, *ai;
        int on = 1, err = getaddrinfo(p->host, p->port, &hints, &ai);
        if (err != 0)
            return fail_lookup(prog, "cannot resolve", p, err), -1;
        if (!any_address && !is_loopback(ai->ai_addr)) {
            fprintf(stderr, "%s: refusing to listen on %s: not a loopback address, and a TCP port"
                    " is not guarded by file permissions (--any-address allows it)\n", prog, p->spec);
            freeaddrinfo(ai);
            return -1;
        }
        s = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0
            || bind(s, ai->ai_addr, ai->ai_addrlen) != 0) {
            uds_fail(prog, "cannot bind", p->spec);
            freeaddrinfo(ai);
            if (s >= 0)
                close(s);
            return -1;
        }
        freeaddrinfo(ai);
    }
    if (listen(s, SOMAXCONN) != 0) {
        uds_fail(prog, "cannot listen on", p->spec);
        place_unlisten(p, s);
        return -1;
    }
    char name[300];
    place_name(p, s, name, sizeof name);
    fprintf(stderr, "%s: listening on %s\n", prog, name);
    return s;
}

void place_name(const struct place *p, uds_socket_t listener, char *buf, size_t cap)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    char host[64], port[16];

    if (p->kind == PLACE_TCP && getsockname(listener, (struct sockaddr *)&a, &len) == 0
        && getnameinfo((struct sockaddr *)&a, len, host, sizeof host, port, sizeof port,
                       NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        snprintf(buf, cap, a.ss_family == AF_INET6 ? "tcp:[%s]:%s" : "tcp:%s:%s", host, port);
    else
        snprintf(buf, cap, "%s", p->spec);
}

void place_unlisten(const struct place *p, uds_socket_t listener)
{
    close(listener);
    if (p->kind == PLACE_UNIX)
        unlink(p->path); /* ours: place_listen() bound it */
}

/* [exec] */
/* exec:PROGRAM: the child's standard input and output are one end of a
 * socketpair, so that the relay copies to it as to any socket, and a
 * half-close (shutdown) reaches it as the end of its input.  posix_spawn()
 * is fork() and exec() done safely in a program with threads; the child
 * gets the default signal mask and SIGPIPE back, which the relay changed. */
static int spawn(const char *prog, const char *tag, const struct place *p, struct side *s)
{
    int sv[2], err;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, pipe_sig;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return uds_fail(prog, tag, "cannot make a socketpair"), -1;
    sigemptyset(&none);
    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0); /* dup2 clears CLOEXEC */
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe_sig);
    err = posix_spawnp(&s->child, p->argv[0], &fa, &attr, p->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    if (err != 0) {
        close(sv[0]);
        char what[80];
        snprintf(what, sizeof what, "%s: cannot run", tag);
        return uds_fail_code(prog, what, p->argv[0], err), -1;
    }
    s->in = s->out = sv[0];
    return 0;
}
/* [exec] */

int place_open(const char *prog, const char *tag, const struct place *p, struct side *s)
{
    char what[80];
    int fd = -1;

    memset(s, 0, sizeof *s);
    snprintf(what, sizeof what, "%s: cannot connect to", tag);
    if (p->kind == PLACE_EXEC)
        return spawn(prog, tag, p, s);
    if (p->kind == PLACE_UNIX) {
        struct sockaddr_un addr;
        socklen_t len;
        if (uds_addr_path(&addr, &len, p->path) != 0)
            return uds_fail(prog, what, p->spec), -1;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, len) != 0) {
            uds_fail(prog, what, p->spec);
            close(fd);
            return -1;
        }
    } else {
        struct addrinfo hints = { .ai_flags = AI_NUMERICSERV, .ai_socktype = SOCK_STREAM }, *ai;
        int err = getaddrinfo(p->host, p->port, &hints, &ai);
        if (err != 0)
            return fail_lookup(prog, what, p, err), -1;
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            uds_fail(prog, what, p->spec);
            close(fd);
            freeaddrinfo(ai);
            return -1;
        }
        freeaddrinfo(ai);
    }
    if (fd < 0)
        return uds_fail(prog, what, p->spec), -1;
    s->in = s->out = fd;
    return 0;
}

int side_stdio(struct side *s)
{
    struct stat st;

    s->in = 0;
    s->out = 1;
    s->child = 0;
    return fstat(1, &st) == 0 && S_ISFIFO(st.st_mode);
}

void side_socket(struct side *s, uds_socket_t sock)
{
    s->in = s->out = sock;
    s->child = 0;
}

/* [half-close] */
void side_end_writing(struct side *s)
{
    /* A socket (our standard output too, when it is one) is shut down for
     * writing only; anything else has no half: it is closed. */
    if (shutdown(s->out, SHUT_WR) != 0 && errno == ENOTSOCK && s->out != s->in) {
        close(s->out);
        s->out = -1;
    }
}
/* [half-close] */

void side_abort(struct side *s)
{
    shutdown(s->in, SHUT_RDWR);
    if (s->out != s->in && s->out >= 0)
        shutdown(s->out, SHUT_RDWR);
}

void side_close(struct side *s)
{
    /* The standard input and output stay open: the process ends soon. */
    if (s->in > 2)
        close(s->in);
    if (s->out > 2 && s->out != s->in)
        close(s->out);
    if (s->child > 0)
        waitpid(s->child, NULL, 0); /* it saw the end of its input */
}

/* [accept] */
int accept_all(const char *prog, uds_socket_t listener, int (*start)(struct side client))
{
    struct side client;

    for (;;) {
        int s = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (s < 0 && (errno == ECONNABORTED || errno == EINTR))
            continue; /* that client left before we took it */
        int err = s < 0 ? errno : 0;
        if (s >= 0) {
            side_socket(&client, s);
            if ((err = start(client)) == 0)
                continue;
            close(s);
        }
        /* EMFILE, ENFILE, ENOMEM... */
        uds_fail_code(prog, "cannot accept a connection on", "the listener", err);
        fprintf(stderr, "%s: accepting paused until a connection ends\n", prog);
        return 1;
    }
}
/* [accept] */
