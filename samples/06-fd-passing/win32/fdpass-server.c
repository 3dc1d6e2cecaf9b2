/* SPDX-License-Identifier: MIT */
/*
 * fdpass-server (Windows): accepts TCP connections and hands each one to the
 * worker process, over an AF_UNIX socket, with WSADuplicateSocketW().
 *
 * Resolves ADDRESS and PORT (IPv4 and IPv6; `-`, `*`, `?`, `:` or an empty
 * ADDRESS mean every address; PORT 0 means any free port), connects to the
 * worker's socket, listens, and passes every accepted connection to the
 * worker as a frame holding a WSAPROTOCOL_INFOW; it closes its own copy
 * once the worker has answered that it made its socket from it.
 * If the worker goes away, it reconnects with a growing pause, and gives up
 * after RETRY_FOR_MS.  Ctrl+C, Ctrl+Break or closing the console stop it.
 *
 * usage: fdpass-server ADDRESS PORT SOCKET
 * SOCKET is a Windows path: C:\Users\me\AppData\Local\Temp\fdpass.sock
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <afunix.h>

#define PROG "fdpass-server"
#define MAX_LISTENERS 8
#define RETRY_FIRST_MS 50    /* first pause before reconnecting */
#define RETRY_MAX_MS 2000    /* the pause doubles up to this */
#define RETRY_FOR_MS 10000   /* then give up after this long in all */
#define ACCEPT_PAUSE_MS 1000 /* after accept() fails for want of resources */
#define ACK_TAKEN 1          /* the worker's answer: it made its socket */

/* The console event that asks us to stop.  Atomic, not just volatile: the
 * console handler sets it on a thread of its own, and C11 makes only an
 * atomic safe to share between threads. */
static _Atomic(const char *) stop_signal;
/* uds_wake_pair(): the handler sends a byte on wake[1]; every wait in this
 * program is a WSAPoll() whose set holds wake[0]. */
static SOCKET wake[2] = { INVALID_SOCKET, INVALID_SOCKET };

static const char *signal_name(DWORD event)
{
    switch (event) {
    case CTRL_C_EVENT: return "CTRL_C_EVENT";
    case CTRL_BREAK_EVENT: return "CTRL_BREAK_EVENT";
    case CTRL_CLOSE_EVENT: return "CTRL_CLOSE_EVENT";
    default: return NULL;
    }
}

/* [signals] */
/* As in the worker: Windows calls this on a thread of its own; it notes
 * the event and makes wake[0] readable, which ends any WSAPoll() that the
 * main thread is in, and every later one. */
static BOOL WINAPI on_stop(DWORD event)
{
    const char *name = signal_name(event);

    if (name == NULL)
        return FALSE;
    stop_signal = name;
    send(wake[1], "!", 1, 0);
    /* After a close event Windows ends the process as soon as this returns. */
    if (event == CTRL_CLOSE_EVENT)
        Sleep(INFINITE);
    return TRUE;
}

static int catch_stop_events(void)
{
    if (uds_wake_pair(wake) != 0)
        return -1;
    if (!SetConsoleCtrlHandler(on_stop, TRUE)) {
        WSASetLastError((int)GetLastError());
        return -1;
    }
    return 0;
}

/* Wait until S is ready for EVENTS, or a stop comes: 1, 0 or -1 (error). */
static int wait_ready(SOCKET s, short events)
{
    WSAPOLLFD p[2] = { { .fd = wake[0], .events = POLLRDNORM },
                       { .fd = s, .events = events } };

    while (!stop_signal) {
        if (WSAPoll(p, 2, -1) < 0)
            return -1;
        if (p[1].revents != 0)
            return 1;
    }
    return 0;
}

/* Wait MS milliseconds, or less if a stop comes. */
static void pause_or_stop(int ms)
{
    WSAPOLLFD p = { .fd = wake[0], .events = POLLRDNORM };

    if (!stop_signal)
        WSAPoll(&p, 1, ms);
}
/* [signals] */

/* accept() failures in a row for want of sockets (common.c says so once;
 * the loop pauses, with the stop, before each retry). */
static long accept_failures;

/* The getaddrinfo() error names, for messages like the other errors'.
 * On Windows they are Winsock errors under other names. */
static const char *gai_name(int err)
{
    switch (err) {
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_SERVICE: return "EAI_SERVICE";
    case EAI_MEMORY: return "EAI_MEMORY";
    case EAI_NODATA: return "EAI_NODATA";
    default: return uds_error_name(err) ? uds_error_name(err) : "EAI_?";
    }
}


/* The wildcard spellings of the classic version: they mean "every address". */
static const char *wildcard(const char *address)
{
    if (address[0] == '\0' || strcmp(address, "-") == 0 || strcmp(address, "*") == 0 ||
        strcmp(address, "?") == 0 || strcmp(address, ":") == 0)
        return NULL;
    return address;
}

/* [listen-tcp] */
/* Listen on every address ADDRESS resolves to.  With PORT 0 the first
 * bind picks a free port and the others reuse it, so one number reaches
 * them all.  Returns the number of listeners, 0 after a reported error. */
static int listen_tcp(const char *address, const char *port, SOCKET *listeners)
{
    struct addrinfo hints, *list;
    char where[NI_MAXHOST + NI_MAXSERV + 4];
    int n = 0, err;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    err = getaddrinfo(wildcard(address), port, &hints, &list);
    if (err != 0) {
        /* Windows' text ends in ".  ", which the other messages do not. */
        char text[256];
        snprintf(text, sizeof text, "%s", gai_strerror(err));
        for (size_t i = strlen(text); i > 0 && (text[i - 1] == ' ' || text[i - 1] == '.'); i--)
            text[i - 1] = '\0';
        fprintf(stderr, PROG ": cannot resolve %s: %s (%s)\n", address, text, gai_name(err));
        return 0;
    }
    for (struct addrinfo *ai = list; ai && n < MAX_LISTENERS; ai = ai->ai_next) {
        DWORD one = 1;
        u_long on = 1;
        format_addr(ai->ai_addr, (socklen_t)ai->ai_addrlen, where, sizeof where);
        /* WSASocketW() without WSA_FLAG_OVERLAPPED, where socket() would
         * set it: an accepted socket takes its listener's attributes, and
         * the command will read and write it with plain ReadFile() and
         * WriteFile(), which need a handle without overlapped I/O.  Not
         * inheritable, as the counterpart of SOCK_CLOEXEC. */
        SOCKET s = WSASocketW(ai->ai_family, ai->ai_socktype, ai->ai_protocol,
                              NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET) {
            uds_fail(PROG, "cannot create a socket for", where);
            continue;
        }
        /* No SO_REUSEADDR: on Windows it would let another program bind
         * the same port while we listen on it. */
        if (ai->ai_family == AF_INET6)
            setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&one, sizeof one);
        if (n > 0 && atoi(port) == 0) {
            struct sockaddr_storage first;
            socklen_t len = sizeof first;
            getsockname(listeners[0], (struct sockaddr *)&first, &len);
            /* sin_port and sin6_port sit at the same offset. */
            ((struct sockaddr_in *)ai->ai_addr)->sin_port =
                ((struct sockaddr_in *)&first)->sin_port;
            format_addr(ai->ai_addr, (socklen_t)ai->ai_addrlen, where, sizeof where);
        }
        /* Non-blocking: a client that resets between WSAPoll() and
         * accept() must not leave us blocked in accept(). */
        if (bind(s, ai->ai_addr, (int)ai->ai_addrlen) != 0 || listen(s, SOMAXCONN) != 0
            || ioctlsocket(s, FIONBIO, &on) != 0) {
            uds_fail(PROG, "cannot listen on", where);
            closesocket(s);
            continue;
        }
        listeners[n++] = s;
    }
    freeaddrinfo(list);
    return n;
}
/* [listen-tcp] */

/* connect_worker() (common.c), then non-blocking, as MSG_DONTWAIT makes
 * each of the Linux twin's sends: send_fd_waiting() waits for room itself,
 * with the stop. */
static SOCKET connect_worker_nb(const char *path, DWORD *pid)
{
    u_long on = 1;
    SOCKET s = connect_worker(path, pid);

    if (s != INVALID_SOCKET && ioctlsocket(s, FIONBIO, &on) != 0) {
        int err = WSAGetLastError();
        closesocket(s);
        WSASetLastError(err);
        s = INVALID_SOCKET;
    }
    return s;
}

/* [send-fd] */
/* Pass one socket.  There is no SCM_RIGHTS: WSADuplicateSocketW() prepares
 * the socket for the worker's process, and fills in the WSAPROTOCOL_INFOW
 * the worker needs to take it up; the AF_UNIX stream only carries those
 * bytes, framed, since a stream keeps no boundaries. */
#define FRAME_SIZE (UDS_FRAME_HEADER + sizeof(WSAPROTOCOL_INFOW))
static int send_fd(DWORD pid, SOCKET fd, unsigned char frame[FRAME_SIZE])
{
    WSAPROTOCOL_INFOW info;

    if (WSADuplicateSocketW(fd, pid, &info) != 0)
        return -1;
    uds_frame_encode(frame, sizeof info);
    memcpy(frame + UDS_FRAME_HEADER, &info, sizeof info);
    return 0;
}
/* [send-fd] */

/* The worker is slower than the clients (or stopped): its socket does not
 * block, so send the frame piece by piece, and wait for room, or a stop,
 * in between.  A stop half-way leaves half a frame; the worker then sees
 * the connection end in the middle of it, and drops it. */
static int send_fd_waiting(SOCKET worker, DWORD pid, SOCKET fd)
{
    unsigned char frame[FRAME_SIZE];
    size_t sent = 0;

    if (send_fd(pid, fd, frame) != 0)
        return -1;
    while (sent < sizeof frame) {
        long n = uds_send_some(worker, frame + sent, sizeof frame - sent);
        if (n > 0) {
            sent += (size_t)n;
            continue;
        }
        if (WSAGetLastError() != WSAEWOULDBLOCK)
            return -1;
        int r = wait_ready(worker, POLLWRNORM);
        if (r <= 0) {
            if (r == 0)
                WSASetLastError(WSAEINTR);
            return -1;
        }
    }
    return 0;
}

/* [wait-ack] */
/* Hand FD to the worker and wait for its one-byte answer: it has made its
 * own socket from the frame (ACK_TAKEN) or could not.  Only then may the
 * caller close FD: in Microsoft's hand-over sequence the source closes
 * its socket after the target's WSASocketW(), not before.  Returns 1 when
 * taken, 0 when refused, -1 on an error or a stop. */
static int pass_fd(SOCKET worker, DWORD pid, SOCKET fd)
{
    unsigned char ack;

    if (send_fd_waiting(worker, pid, fd) != 0)
        return -1;
    for (;;) {
        int r = wait_ready(worker, POLLRDNORM);
        if (r <= 0) {
            if (r == 0)
                WSASetLastError(WSAEINTR);
            return -1;
        }
        long n = uds_recv_some(worker, &ack, 1);
        if (n == 1)
            return ack == ACK_TAKEN;
        if (n == 0)
            WSASetLastError(WSAECONNRESET); /* the worker went away first */
        if (n == 0 || WSAGetLastError() != WSAEWOULDBLOCK)
            return -1;
    }
}
/* [wait-ack] */

/* [reconnect] */
/* The worker went away: try again after 50 ms, 100 ms, ... at most 2 s
 * apart, for RETRY_FOR_MS in all.  Meanwhile nobody accepts, so new
 * clients wait in the listen backlog instead of being turned away.
 * A stop ends the pauses. */
static SOCKET reconnect_worker(const char *path, DWORD *pid)
{
    long pause_ms = RETRY_FIRST_MS, waited_ms = 0;

    for (;;) {
        SOCKET s = connect_worker_nb(path, pid);
        if (s != INVALID_SOCKET) {
            printf(PROG ": reconnected to the worker at %s\n", path);
            fflush(stdout);
            return s;
        }
        if (waited_ms >= RETRY_FOR_MS) {
            fprintf(stderr, PROG ": no worker at %s for %d s: %s; giving up\n",
                    path, RETRY_FOR_MS / 1000, uds_strerror(WSAGetLastError()));
            return INVALID_SOCKET;
        }
        pause_or_stop((int)pause_ms);
        if (stop_signal)
            return INVALID_SOCKET;
        waited_ms += pause_ms;
        pause_ms = pause_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : pause_ms * 2;
    }
}
/* [reconnect] */

int main(int argc, char **argv)
{
    WSAPOLLFD p[MAX_LISTENERS + 2];
    SOCKET listeners[MAX_LISTENERS];
    char where[NI_MAXHOST + NI_MAXSERV + 4];
    char names[MAX_LISTENERS][NI_MAXHOST + NI_MAXSERV + 4]; /* the listeners' */
    SOCKET worker;
    DWORD worker_pid = 0;
    int n, status = 0;

    /* An argument that starts with '-' is an option, and there are none;
     * a lone "-" as ADDRESS is one of the wildcard's spellings. */
    if (argc == 4 && argv[1][0] == '-' && argv[1][1] != '\0')
        argc = 0; /* server_args() then prints the usage line */
    if ((status = server_args(PROG, argc, argv)) != 0)
        return status;
    const char *address = argv[1], *port = argv[2], *path = argv[3];
    if (catch_stop_events() != 0)
        return uds_fail(PROG, "cannot catch console events in", PROG);

    /* First the worker: without it there is nothing to listen for. */
    worker = connect_worker_nb(path, &worker_pid);
    if (worker == INVALID_SOCKET) {
        if (WSAGetLastError() == WSAEAFNOSUPPORT)
            return uds_fail_socket(PROG, path);
        return uds_fail(PROG, "cannot connect to the worker at", path);
    }
    n = listen_tcp(address, port, listeners);
    if (n == 0) {
        closesocket(worker);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        getsockname(listeners[i], (struct sockaddr *)&ss, &len);
        printf(PROG ": listening on %s\n",
               format_addr((struct sockaddr *)&ss, len, names[i], sizeof names[i]));
    }
    fflush(stdout);

    /* [server-loop] */
    while (!stop_signal && worker != INVALID_SOCKET) {
        /* The wake socket, the listeners, and the worker's socket: the
         * worker writes only to answer a frame, so outside pass_fd() it
         * turns readable only when it closes, and we notice at once. */
        p[0] = (WSAPOLLFD){ .fd = wake[0], .events = POLLRDNORM };
        for (int i = 0; i < n; i++)
            p[i + 1] = (WSAPOLLFD){ .fd = listeners[i], .events = POLLRDNORM };
        p[n + 1] = (WSAPOLLFD){ .fd = worker, .events = POLLRDNORM };
        if (WSAPoll(p, (ULONG)n + 2, -1) < 0) {
            status = uds_fail(PROG, "cannot wait on", "the listening sockets");
            break;
        }
        if (stop_signal)
            break;
        if (p[n + 1].revents != 0) {
            fprintf(stderr, PROG ": the worker at %s went away; reconnecting\n", path);
            closesocket(worker);
            worker = reconnect_worker(path, &worker_pid);
            continue;
        }
        for (int i = 0; i < n && worker != INVALID_SOCKET && !stop_signal; i++) {
            struct sockaddr_storage peer;
            socklen_t peer_len = sizeof peer;
            u_long off = 0;

            if (p[i + 1].revents == 0)
                continue;
            SOCKET conn = accept(listeners[i], (struct sockaddr *)&peer, &peer_len);
            if (conn == INVALID_SOCKET) {
                int err = WSAGetLastError();
                if (out_of_descriptors(PROG, names[i], err, &accept_failures))
                    pause_or_stop(ACCEPT_PAUSE_MS);
                else if (err != WSAEWOULDBLOCK && err != WSAECONNRESET)
                    uds_fail(PROG, "cannot accept on", names[i]);
                continue;
            }
            accepting_again(PROG, &accept_failures);
            /* accept() gives the new socket its listener's non-blocking
             * mode; the command expects a plain socket. */
            ioctlsocket(conn, FIONBIO, &off);
            int r = pass_fd(worker, worker_pid, conn), err = WSAGetLastError();
            closesocket(conn); /* after the answer: the worker has its own copy, or never will */
            format_addr((struct sockaddr *)&peer, peer_len, where, sizeof where);
            if (r == 0)
                fprintf(stderr, PROG ": the worker could not take the connection from %s;"
                        " closed it\n", where);
            if (r < 0 && !stop_signal) {
                fprintf(stderr, PROG ": cannot pass the connection from %s to the worker at %s: %s;"
                        " closed it\n", where, path, uds_strerror(err));
                closesocket(worker);
                worker = reconnect_worker(path, &worker_pid);
            }
        }
    }
    /* [server-loop] */

    if (stop_signal)
        printf(PROG ": stopping on %s\n", stop_signal);
    else if (worker == INVALID_SOCKET)
        status = 1;
    for (int i = 0; i < n; i++)
        closesocket(listeners[i]);
    if (worker != INVALID_SOCKET)
        closesocket(worker);
    /* No handler may send on the wake pair after uds_cleanup() has ended
     * Winsock: from here a Ctrl+C ends the process, as by default. */
    SetConsoleCtrlHandler(on_stop, FALSE);
    uds_cleanup();
    return status;
}
