/* SPDX-License-Identifier: MIT */
/*
 * fdpass-worker (Windows): runs a command on connections that another process
 * accepted.
 *
 * Listens on an AF_UNIX stream socket for one server at a time.  Each frame
 * the server sends carries one WSAPROTOCOL_INFOW: a connection it has
 * accepted and duplicated for this process.  For each, the worker rebuilds
 * the socket, answers with one byte (the server closes its copy only then),
 * and starts COMMAND with it as its standard input, output and error, like
 * inetd, and closes its own copy.  When the server goes away, it waits for
 * the next one.  It refuses to start over a live worker's socket.  Ctrl+C,
 * Ctrl+Break or closing the console stop it; it removes its socket file on
 * the way out.
 *
 * usage: fdpass-worker SOCKET COMMAND [ARGS...]
 * SOCKET is a Windows path: C:\Users\me\AppData\Local\Temp\fdpass.sock
 */
#include "common.h"
#include "command-line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <winsock2.h>
#include <windows.h>
#include <afunix.h>

#define PROG "fdpass-worker"

/* The one-byte answer to each frame: the socket was made, or was not. */
#define ACK_TAKEN 1
#define ACK_REFUSED 0

/* After accept() fails for want of resources, wait this long before the
 * next try (or less, if a stop comes). */
#define ACCEPT_PAUSE_MS 1000
#define MAX_CHILDREN 63  /* commands at once, as inetd's max-child (see children) */

/* The console event that asks us to stop.  Atomic, not just volatile: the
 * console handler sets it on a thread of its own, and C11 makes only an
 * atomic safe to share between threads. */
static _Atomic(const char *) stop_signal;
/* uds_wake_pair(): the handler sends a byte on wake[1]; every wait in this
 * program is a WSAPoll() whose set holds wake[0]. */
static SOCKET wake[2] = { INVALID_SOCKET, INVALID_SOCKET };
/* Set with the wake byte: the one wait that is not a WSAPoll(), for a
 * command to end at the limit, waits for it beside the processes. */
static HANDLE stop_event;

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
/* Windows has no signals to block.  Its counterparts of SIGINT and friends
 * are console events, which Windows delivers by calling this handler on a
 * thread of its own, while the main thread waits in WSAPoll().  Nothing
 * that thread can do interrupts a WSAPoll() except making one of its
 * sockets readable: so it notes the event, then sends one byte on the wake
 * pair.  The byte is never read, so wake[0] stays readable and every later
 * wait returns at once too: the flag cannot be set and then slept through. */
static BOOL WINAPI on_stop(DWORD event)
{
    const char *name = signal_name(event);

    if (name == NULL)
        return FALSE; /* not ours: let the next handler (the default) have it */
    stop_signal = name;
    send(wake[1], "!", 1, 0);
    SetEvent(stop_event);
    /* After a close event Windows ends the process as soon as this returns:
     * wait here instead, and let main() clean up and end it. */
    if (event == CTRL_CLOSE_EVENT)
        Sleep(INFINITE);
    return TRUE;
}

/* Make the wake pair, then ask for the console events.  Returns 0, or -1
 * with the reason in WSAGetLastError(). */
static int catch_stop_events(void)
{
    if (uds_wake_pair(wake) != 0)
        return -1;
    if ((stop_event = CreateEventW(NULL, TRUE, FALSE, NULL)) == NULL) {
        WSASetLastError((int)GetLastError());
        return -1;
    }
    if (!SetConsoleCtrlHandler(on_stop, TRUE)) {
        WSASetLastError((int)GetLastError());
        return -1;
    }
    return 0;
}

/* Wait until S is ready for EVENTS (POLLRDNORM: data, a connection to
 * accept, or the peer's end; POLLWRNORM: room to send), or a stop comes.
 * Returns 1 when ready, 0 for a stop, -1 on an error. */
static int wait_ready(SOCKET s, short events)
{
    WSAPOLLFD p[2] = { { .fd = wake[0], .events = POLLRDNORM },
                       { .fd = s, .events = events } };

    while (!stop_signal) {
        if (WSAPoll(p, 2, -1) < 0)
            return -1;
        if (p[1].revents != 0) /* POLLHUP and POLLERR count: the call will say */
            return 1;
    }
    return 0;
}
/* [signals] */

/* Wait MS milliseconds, or less if a stop comes. */
static void pause_or_stop(int ms)
{
    WSAPOLLFD p = { .fd = wake[0], .events = POLLRDNORM };

    if (!stop_signal)
        WSAPoll(&p, 1, ms);
}

/* Receive exactly LEN bytes, with the stop in every wait: a server that
 * sends half a frame and then nothing must not hold the worker where
 * Ctrl+C cannot reach it.  Returns 1; 0 when the stream ended before the
 * first byte; -1 on an error, a stop (WSAEINTR) or an end in the middle
 * (WSAECONNRESET).  S is a blocking socket: after WSAPoll() says it is
 * readable, one recv() returns what is there without waiting. */
static int recv_whole(SOCKET s, void *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        int r = wait_ready(s, POLLRDNORM);
        if (r <= 0) {
            if (r == 0)
                WSASetLastError(WSAEINTR);
            return -1;
        }
        long n = uds_recv_some(s, (char *)buf + got, len - got);
        if (n < 0)
            return -1;
        if (n == 0) {
            if (got == 0)
                return 0;
            WSASetLastError(WSAECONNRESET);
            return -1;
        }
        got += (size_t)n;
    }
    return 1;
}

/* accept() failures in a row for want of sockets (common.c says so once;
 * the loop pauses, with the stop, before each retry). */
static long accept_failures;


/* Answer a frame with one byte, with the stop in the wait for room. */
static int send_ack(SOCKET conn, unsigned char ack)
{
    int r = wait_ready(conn, POLLWRNORM);

    if (r <= 0) {
        if (r == 0)
            WSASetLastError(WSAEINTR);
        return -1;
    }
    return uds_send_all(conn, &ack, 1);
}

/* [recv-fd] */
/* Receive one frame, rebuild the socket it describes, and answer it
 * (ACK_TAKEN or ACK_REFUSED).  Returns 1 with *fd set; 0 when a connection
 * was lost here; -1 when the server is to be dropped: it closed, failed,
 * broke the rules (one line), or a stop came.  As in pass-worker, plus
 * the stop in every wait. */
static int recv_fd(SOCKET conn, SOCKET *fd)
{
    unsigned char header[UDS_FRAME_HEADER];
    WSAPROTOCOL_INFOW info;
    int r, err;

    *fd = INVALID_SOCKET;
    r = recv_whole(conn, header, sizeof header);
    /* A frame longer than one WSAPROTOCOL_INFOW is refused unread: the
     * stream has lost its place, so the server is dropped. */
    long len = r == 1 ? uds_frame_decode(header, sizeof info) : 0;
    if (r == 1 && len < 0) {
        fprintf(stderr, PROG ": bad message from the server: a frame longer than one"
                " WSAPROTOCOL_INFOW; dropping the server\n");
        return -1;
    }
    if (r == 1 && (r = recv_whole(conn, &info, (size_t)len)) == 0)
        WSASetLastError(WSAECONNRESET), r = -1; /* the end came inside a frame */
    if (r < 0 && !stop_signal)
        uds_fail(PROG, "cannot receive from", "the server");
    if (r <= 0)
        return -1;
    r = -1;
    /* Only a TCP connection whose provider makes file handles (not every
     * layered provider does) can be a command's standard handles. */
    if (len != sizeof info)
        fprintf(stderr, PROG ": bad message from the server: a frame of %ld bytes,"
                " expected %zu (one WSAPROTOCOL_INFOW); dropping the server\n", len, sizeof info);
    else if ((info.iAddressFamily != AF_INET && info.iAddressFamily != AF_INET6)
             || info.iSocketType != SOCK_STREAM || !(info.dwServiceFlags1 & XP1_IFS_HANDLES))
        fprintf(stderr, PROG ": bad message from the server: not a TCP connection that"
                " can be a file handle; dropping the server\n");
    /* No WSA_FLAG_OVERLAPPED: the command will use this socket with plain
     * ReadFile() and WriteFile(), which need a synchronous handle (settled
     * when the server made its listener: the duplicate shares the accepted
     * socket).  WSA_FLAG_NO_HANDLE_INHERIT: the counterpart of
     * MSG_CMSG_CLOEXEC. */
    else if ((*fd = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                               &info, 0, WSA_FLAG_NO_HANDLE_INHERIT)) != INVALID_SOCKET)
        r = 1;
    else if ((err = WSAGetLastError()) == WSAEMFILE || err == WSAENOBUFS)
        r = 0, fprintf(stderr, PROG ": lost a connection: this worker is out of sockets (%s)\n",
                       uds_error_name(err));
    else
        uds_fail(PROG, "bad message from the server:", "cannot make a socket of it");
    /* Now, and only now, the server may close its copy: Microsoft's
     * hand-over sequence has the source close after the target's
     * WSASocketW().  The answer also says whether that worked. */
    if (send_ack(conn, r == 1 ? ACK_TAKEN : ACK_REFUSED) != 0) {
        if (r == 1)
            closesocket(*fd);
        if (!stop_signal)
            uds_fail(PROG, "cannot answer", "the server");
        return -1;
    }
    return r;
}
/* [recv-fd] */

/* The commands running (at most MAX_CHILDREN): their process handles, for
 * the limit.  MAX_CHILDREN is one less than the Linux twin's 64 because a
 * wait takes at most 64 handles, and one is the stop event. */
static HANDLE children[MAX_CHILDREN];
static int n_children;
static int at_limit_said; /* the limit line was printed for this spell */

/* [spawn] */
/* Start COMMAND with the connection as its standard input, output and error.
 * A handle reaches a child only by inheritance, and inheritance is all or
 * nothing: with bInheritHandles every inheritable handle of the worker
 * would go too, its standard handles and any socket that accept() made
 * inheritable included.  PROC_THREAD_ATTRIBUTE_HANDLE_LIST narrows it to
 * this one socket: the child gets exactly that, the counterpart of Linux's
 * close-on-exec on everything else. */
static int spawn_on(SOCKET fd, char *command_line, const char *command)
{
    HANDLE h = (HANDLE)fd;
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T size = 0;

    /* The list may name only inheritable handles. */
    if (!SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
        return uds_fail_code(PROG, "cannot make the connection inheritable for", command,
                             (int)GetLastError());
    InitializeProcThreadAttributeList(NULL, 1, 0, &size); /* asks for the size */
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = malloc(size);
    if (attrs == NULL || !InitializeProcThreadAttributeList(attrs, 1, 0, &size)) {
        free(attrs);
        return uds_fail_code(PROG, "cannot prepare to run", command, (int)GetLastError());
    }
    int ok = UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                       &h, sizeof h, NULL, NULL);

    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = h;
    si.StartupInfo.hStdOutput = h;
    si.StartupInfo.hStdError = h;
    si.lpAttributeList = attrs;
    if (ok)
        ok = CreateProcessA(NULL, command_line, NULL, NULL, TRUE,
                            EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                            &si.StartupInfo, &pi);
    DWORD err = GetLastError();
    DeleteProcThreadAttributeList(attrs);
    free(attrs);
    if (!ok)
        return uds_fail_code(PROG, "cannot run", command, (int)err);
    /* Nothing to reap: Windows keeps no zombies.  A process object lives
     * while a handle to it is open; we keep ours only to count the
     * commands running, and close it once the command has ended. */
    CloseHandle(pi.hThread);
    children[n_children++] = pi.hProcess;
    return 0;
}
/* [spawn] */

/* [threads] */
/* Serve one server: receive frames and run the command on each, until the
 * server goes away or a stop comes.  One loop, in the main thread: a frame
 * takes several recv() calls, so two loops on one connection could each
 * take a piece of the same frame; and every wait already includes the
 * stop, so no second thread is needed to watch for it. */
static void serve_server(SOCKET conn, char *command_line, const char *command)
{
    SOCKET fd;
    int r;

    while ((r = recv_fd(conn, &fd)) >= 0) {
        if (r == 0)
            continue; /* lost here, and said so */
        /* At the limit, as inetd: wait for a command to end (or the stop)
         * before the next; meanwhile the server's frames, then its
         * connections, wait in the queues.  The wait holds the frame's
         * socket, already made and answered. */
        if (!stop_signal && n_children >= MAX_CHILDREN && !at_limit_said++) {
            printf(PROG ": %d commands running, the limit; the next connections wait\n",
                   MAX_CHILDREN);
            fflush(stdout);
        }
        int room = stop_signal ? -1 : make_room(children, &n_children, MAX_CHILDREN, stop_event);
        if (room == 0)
            at_limit_said = 0; /* below the limit again */
        if (room >= 0)
            spawn_on(fd, command_line, command);
        closesocket(fd); /* the child has its copy; ours would keep it open */
    }
}
/* [threads] */

int main(int argc, char **argv)
{
    static char command_line[COMMAND_LINE_MAX];
    struct sockaddr_un addr;
    socklen_t addr_len;
    SOCKET listener;
    u_long on = 1, off = 0;
    int status = worker_args(PROG, argc, argv, &addr, &addr_len, command_line,
                             sizeof command_line);

    if (status != 0)
        return status;
    const char *path = argv[1], *command = argv[2];
    /* [worker-setup] */
    /* As pass-worker's (common.c), then non-blocking: a server that gives
     * up between WSAPoll() and accept() must not leave us blocked in it. */
    if ((listener = worker_listen(PROG, path, &addr, addr_len)) == INVALID_SOCKET)
        return 1;
    if (ioctlsocket(listener, FIONBIO, &on) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        closesocket(listener);
        DeleteFileA(path);
        return 1;
    }
    /* [worker-setup] */
    if (catch_stop_events() != 0) {
        uds_fail(PROG, "cannot catch console events in", PROG);
        closesocket(listener);
        DeleteFileA(path);
        return 1;
    }
    /* [worker-loop] */
    while (!stop_signal) {
        /* One server at a time: while one is connected, the next waits
         * in the listen backlog. */
        int r = wait_ready(listener, POLLRDNORM);
        if (r <= 0) {
            if (r < 0)
                uds_fail(PROG, "cannot wait on", path);
            break;
        }
        SOCKET conn;
        long before = accept_failures;
        if ((r = accept_server(PROG, listener, path, &accept_failures, &conn)) < 0)
            break;
        if (r == 0) {
            if (accept_failures > before)
                pause_or_stop(ACCEPT_PAUSE_MS);
            continue;
        }
        /* accept() passes the listener's non-blocking mode on. */
        ioctlsocket(conn, FIONBIO, &off);
        serve_server(conn, command_line, command);
        closesocket(conn);
        if (!stop_signal) {
            printf(PROG ": server went away; waiting for the next one\n");
            fflush(stdout);
        }
    }
    /* [worker-loop] */

    if (stop_signal)
        printf(PROG ": stopping on %s\n", stop_signal);
    closesocket(listener);
    DeleteFileA(path);
    for (int i = 0; i < n_children; i++) /* the commands go on by themselves */
        CloseHandle(children[i]);
    /* No handler may send on the wake pair after uds_cleanup() has ended
     * Winsock: from here a Ctrl+C ends the process, as by default. */
    SetConsoleCtrlHandler(on_stop, FALSE);
    uds_cleanup();
    return stop_signal ? 0 : 1;
}
