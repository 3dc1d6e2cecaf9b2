/* SPDX-License-Identifier: MIT */
/*
 * ends.c (Windows): the two ends of uds-relay (see relay.h): what FROM and
 * TO mean, listening, accepting, connecting, starting a command, and
 * the stop.  What earlier chapters taught, gathered here so that
 * uds-relay.c holds only the relay.
 *
 * Every socket here is made with WSA_FLAG_NO_HANDLE_INHERIT, the
 * counterpart of SOCK_CLOEXEC: Winsock sockets are inheritable by default,
 * and a command started for one connection must not keep the sockets of
 * the others open (Microsoft Learn: WSASocketW).
 */
#include "relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A socket of this process only: never inherited by a command. */
static SOCKET private_socket(int family)
{
    return WSASocketW(family, SOCK_STREAM, 0, NULL, 0,
                      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

/* A unix: listener may replace a stale socket file, never anything else,
 * nor the socket of a live server (chapter 03).  Windows has no S_ISSOCK:
 * a socket file is a reparse point with a tag of its own. */
static int claim_path(const char *prog, const char *path,
                      const struct sockaddr_un *addr, socklen_t len)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    if (found == INVALID_HANDLE_VALUE)
        return 0;
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", prog, path);
        return -1;
    }
    SOCKET probe = private_socket(AF_UNIX);
    int live = probe != INVALID_SOCKET
               && connect(probe, (const struct sockaddr *)addr, len) == 0;
    if (probe != INVALID_SOCKET)
        closesocket(probe);
    if (live) {
        fprintf(stderr, "%s: another server is live on %s; not starting\n", prog, path);
        return -1;
    }
    DeleteFileA(path);
    return 0;
}

uds_socket_t place_listen(const char *prog, const struct place *p, int any_address)
{
    struct sockaddr_un addr;
    socklen_t len;
    u_long on = 1;
    SOCKET s = INVALID_SOCKET;

    /* (Where the Linux twin raises RLIMIT_NOFILE: Windows has none.) */
    if (p->kind == PLACE_UNIX) {
        if (uds_addr_path(&addr, &len, p->path) != 0) {
            uds_fail(prog, "bad socket path", p->path);
            return INVALID_SOCKET;
        }
        if (claim_path(prog, p->path, &addr, len) != 0)
            return INVALID_SOCKET;
        s = private_socket(AF_UNIX);
        if (s == INVALID_SOCKET) {
            uds_fail_socket(prog, p->path);
            return INVALID_SOCKET;
        }
        if (bind(s, (struct sockaddr *)&addr, len) != 0) {
            uds_fail(prog, "cannot bind", p->path);
            closesocket(s);
            return INVALID_SOCKET;
        }
    } else {
        struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *ai;
        int err = getaddrinfo(p->host, p->port, &hints, &ai);
        if (err != 0) {
            uds_fail_code(prog, "cannot resolve", p->spec, err);
            return INVALID_SOCKET;
        }
        if (!any_address && !is_loopback(ai->ai_addr)) {
            fprintf(stderr, "%s: refusing to listen on %s: not a loopback address, and a TCP port"
                    " is not guarded by file permissions (--any-address allows it)\n", prog, p->spec);
            freeaddrinfo(ai);
            return INVALID_SOCKET;
        }
        /* SO_EXCLUSIVEADDRUSE: on Windows, SO_REUSEADDR would let another
         * program bind the same port and take connections from us. */
        s = private_socket(ai->ai_family);
        if (s == INVALID_SOCKET
            || setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on, sizeof on) != 0
            || bind(s, ai->ai_addr, (int)ai->ai_addrlen) != 0) {
            uds_fail(prog, "cannot bind", p->spec);
            freeaddrinfo(ai);
            if (s != INVALID_SOCKET)
                closesocket(s);
            return INVALID_SOCKET;
        }
        freeaddrinfo(ai);
    }
    /* Non-blocking, so that accepting ends at WSAEWOULDBLOCK. */
    if (listen(s, SOMAXCONN) != 0 || ioctlsocket(s, FIONBIO, &on) != 0) {
        uds_fail(prog, "cannot listen on", p->spec);
        place_unlisten(p, s);
        return INVALID_SOCKET;
    }
    char name[300];
    place_name(p, s, name, sizeof name);
    fprintf(stderr, "%s: listening on %s\n", prog, name);
    return s;
}

void place_name(const struct place *p, uds_socket_t listener, char *buf, size_t cap)
{
    struct sockaddr_storage a;
    int len = sizeof a;
    char host[64], port[16];

    if (p->kind == PLACE_TCP && getsockname(listener, (struct sockaddr *)&a, &len) == 0
        && getnameinfo((struct sockaddr *)&a, (socklen_t)len, host, sizeof host, port, sizeof port,
                       NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        snprintf(buf, cap, a.ss_family == AF_INET6 ? "tcp:[%s]:%s" : "tcp:%s:%s", host, port);
    else
        snprintf(buf, cap, "%s", p->spec);
}

void place_unlisten(const struct place *p, uds_socket_t listener)
{
    closesocket(listener);
    if (p->kind == PLACE_UNIX)
        DeleteFileA(p->path); /* ours: place_listen() bound it */
}

/* Append ARG to LINE, quoted so that the child's C runtime splits it back
 * unchanged: Windows passes a child one string, not an array (backslashes
 * count only before a quote).  0, or -1 if it does not fit. */
static int append_arg(char *line, size_t cap, size_t *len, const char *arg)
{
    size_t n = *len;
    int quote = *arg == '\0' || strpbrk(arg, " \t\"") != NULL;

    if (n > 0 && n < cap)
        line[n++] = ' ';
    if (quote && n < cap)
        line[n++] = '"';
    for (const char *c = arg;; c++) {
        size_t slashes = 0;
        while (*c == '\\')
            c++, slashes++;
        /* Backslashes before a quote, or before the closing quote, double. */
        size_t times = (*c == '"' || (*c == '\0' && quote)) ? 2 : 1;
        for (size_t k = 0; k < slashes * times && n < cap; k++)
            line[n++] = '\\';
        if (*c == '\0')
            break;
        if (*c == '"' && n < cap)
            line[n++] = '\\';
        if (n < cap)
            line[n++] = *c;
    }
    if (quote && n < cap)
        line[n++] = '"';
    if (n >= cap)
        return -1;
    line[n] = '\0';
    *len = n;
    return 0;
}

/* [exec] */
/* exec:PROGRAM: Windows gives a child its standard input and output as
 * handles, and what every program expects there is a file or a pipe, so
 * the command gets two anonymous pipes.  (A pipe cannot be waited for with
 * WSAPoll(): one more reason for the relay's thread per direction.)  A
 * handle reaches a child only by inheritance, and inheritance is all or
 * nothing: PROC_THREAD_ATTRIBUTE_HANDLE_LIST narrows it to this command's
 * own pipe ends and standard error, so that a command started for one
 * connection holds no other connection's pipes or sockets open. */
static int spawn(const char *prog, const char *tag, const struct place *p, struct side *s)
{
    static char line[32768]; /* the longest command line Windows takes */
    char what[80];
    HANDLE to_child[2], from_child[2], err = NULL, list[3];
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T size = 0;
    size_t len = 0;
    DWORD code = 0;
    int ok = 1;

    snprintf(what, sizeof what, "%s: cannot run", tag);
    for (char **a = p->argv; *a != NULL && ok; a++)
        ok = append_arg(line, sizeof line, &len, *a) == 0;
    if (!ok)
        return uds_fail_code(prog, what, p->argv[0], ERROR_FILENAME_EXCED_RANGE), -1;
    if (!CreatePipe(&to_child[0], &to_child[1], NULL, 0))
        return uds_fail_code(prog, what, p->argv[0], (int)GetLastError()), -1;
    if (!CreatePipe(&from_child[0], &from_child[1], NULL, 0)) {
        code = GetLastError();
        CloseHandle(to_child[0]);
        CloseHandle(to_child[1]);
        return uds_fail_code(prog, what, p->argv[0], (int)code), -1;
    }
    /* The list may name only inheritable handles: the child's ends, and a
     * copy of our standard error (the child's messages go with ours). */
    SetHandleInformation(to_child[0], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    SetHandleInformation(from_child[1], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    list[0] = to_child[0];
    list[1] = from_child[1];
    if (!DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_ERROR_HANDLE),
                         GetCurrentProcess(), &err, 0, TRUE, DUPLICATE_SAME_ACCESS))
        err = NULL;
    list[2] = err;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size); /* asks for the size */
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = malloc(size);
    ok = attrs != NULL && InitializeProcThreadAttributeList(attrs, 1, 0, &size);
    if (ok && !UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                         list, (err != NULL ? 3 : 2) * sizeof list[0], NULL, NULL)) {
        DeleteProcThreadAttributeList(attrs);
        ok = 0;
    }
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = to_child[0];
    si.StartupInfo.hStdOutput = from_child[1];
    si.StartupInfo.hStdError = err;
    si.lpAttributeList = attrs;
    if (ok) {
        ok = CreateProcessA(NULL, line, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT,
                            NULL, NULL, &si.StartupInfo, &pi);
        code = GetLastError();
        DeleteProcThreadAttributeList(attrs);
    } else {
        code = GetLastError();
    }
    free(attrs);
    /* The child has its ends; ours would keep its input from ending. */
    CloseHandle(to_child[0]);
    CloseHandle(from_child[1]);
    if (err != NULL)
        CloseHandle(err);
    if (!ok) {
        CloseHandle(to_child[1]);
        CloseHandle(from_child[0]);
        return uds_fail_code(prog, what, p->argv[0], (int)code), -1;
    }
    CloseHandle(pi.hThread);
    s->sock = INVALID_SOCKET;
    s->in = from_child[0];
    s->out = to_child[1];
    s->child = pi.hProcess;
    return 0;
}
/* [exec] */

int place_open(const char *prog, const char *tag, const struct place *p, struct side *s)
{
    char what[80];
    SOCKET fd = INVALID_SOCKET;

    memset(s, 0, sizeof *s);
    snprintf(what, sizeof what, "%s: cannot connect to", tag);
    if (p->kind == PLACE_EXEC)
        return spawn(prog, tag, p, s);
    if (p->kind == PLACE_UNIX) {
        struct sockaddr_un addr;
        socklen_t len;
        if (uds_addr_path(&addr, &len, p->path) != 0)
            return uds_fail(prog, what, p->spec), -1;
        fd = private_socket(AF_UNIX);
        if (fd == INVALID_SOCKET)
            return uds_fail_socket(prog, p->path), -1;
        if (connect(fd, (struct sockaddr *)&addr, len) != 0) {
            uds_fail(prog, what, p->spec);
            closesocket(fd);
            return -1;
        }
    } else {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
        int err = getaddrinfo(p->host, p->port, &hints, &ai);
        if (err != 0)
            return uds_fail_code(prog, what, p->spec, err), -1;
        fd = private_socket(ai->ai_family);
        if (fd != INVALID_SOCKET && connect(fd, ai->ai_addr, (int)ai->ai_addrlen) != 0) {
            uds_fail(prog, what, p->spec);
            closesocket(fd);
            freeaddrinfo(ai);
            return -1;
        }
        freeaddrinfo(ai);
        if (fd == INVALID_SOCKET)
            return uds_fail(prog, what, p->spec), -1;
    }
    side_socket(s, fd);
    return 0;
}

int side_stdio(struct side *s)
{
    s->sock = INVALID_SOCKET;
    s->in = GetStdHandle(STD_INPUT_HANDLE);
    s->out = GetStdHandle(STD_OUTPUT_HANDLE);
    s->child = NULL;
    return GetFileType(s->out) == FILE_TYPE_PIPE;
}

void side_socket(struct side *s, uds_socket_t sock)
{
    u_long off = 0;

    /* An accepted socket inherits the listener's non-blocking mode; the
     * threads that carry it block (Microsoft Learn: accept). */
    ioctlsocket(sock, FIONBIO, &off);
    s->sock = sock;
    s->in = s->out = NULL;
    s->child = NULL;
}

/* [half-close] */
void side_end_writing(struct side *s)
{
    /* A socket is shut down for writing only; a pipe has no half: our end
     * is closed, and the reader sees the end of its input. */
    if (s->sock != INVALID_SOCKET) {
        shutdown(s->sock, SD_SEND);
    } else if (s->out != NULL) {
        CloseHandle(s->out);
        s->out = NULL;
    }
}
/* [half-close] */

void side_abort(struct side *s)
{
    /* A thread blocked on a command's pipe wakes when the command ends. */
    if (s->sock != INVALID_SOCKET)
        shutdown(s->sock, SD_BOTH);
    else if (s->child != NULL)
        TerminateProcess(s->child, 1);
}

void side_close(struct side *s)
{
    if (s->sock != INVALID_SOCKET) {
        closesocket(s->sock);
        return;
    }
    if (s->child == NULL)
        return; /* the standard handles: the process ends soon */
    CloseHandle(s->in);
    if (s->out != NULL)
        CloseHandle(s->out);
    WaitForSingleObject(s->child, INFINITE); /* it saw the end of its input */
    CloseHandle(s->child);
}

/* [accept] */
int accept_all(const char *prog, uds_socket_t listener, int (*start)(struct side client))
{
    struct side client;

    for (;;) {
        SOCKET s = accept(listener, NULL, NULL);
        if (s == INVALID_SOCKET && WSAGetLastError() == WSAEWOULDBLOCK)
            return 0;
        if (s == INVALID_SOCKET && WSAGetLastError() == WSAECONNRESET)
            continue; /* that client left before we took it */
        int err = s == INVALID_SOCKET ? WSAGetLastError() : 0;
        if (s != INVALID_SOCKET) {
            side_socket(&client, s);
            if ((err = start(client)) == 0)
                continue;
            closesocket(s);
        }
        /* WSAEMFILE, WSAENOBUFS... */
        uds_fail_code(prog, "cannot accept a connection on", "the listener", err);
        fprintf(stderr, "%s: accepting paused until a connection ends\n", prog);
        return 1;
    }
}
/* [accept] */
