/* SPDX-License-Identifier: MIT */
/*
 * fdpass-worker (Windows): runs a command on connections that another process
 * accepted.
 *
 * Listens on an AF_UNIX stream socket for one server at a time.  Each frame
 * the server sends carries one WSAPROTOCOL_INFOW: a connection it has
 * accepted and duplicated for this process.  For each, the worker rebuilds
 * the socket and starts COMMAND with it as its standard input, output and
 * error, like inetd, and closes its own copy.  When the server goes away, it
 * waits for the next one.  Ctrl+C, Ctrl+Break or closing the console stop
 * it; it removes its socket file on the way out.
 *
 * usage: fdpass-worker SOCKET COMMAND [ARGS...]
 * SOCKET is a Windows path: C:\Users\me\AppData\Local\Temp\fdpass.sock
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <winsock2.h>
#include <windows.h>
#include <afunix.h>

#define PROG "fdpass-worker"

/* The longest command line CreateProcess takes, its NUL included. */
#define COMMAND_LINE_MAX 32768

/* The console event that asks us to stop.  Atomic, not just volatile: the
 * console handler sets it on a thread of its own, and C11 makes only an
 * atomic safe to share between threads. */
static _Atomic(const char *) stop_signal;
static HANDLE stop_event;                /* set with it, to wake the main thread */
static WSAEVENT ready_event;             /* set when the socket we wait on is ready */

/* Winsock calls leave their error in WSAGetLastError()... */
static int fail(const char *what, const char *where)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, where, uds_strerror(WSAGetLastError()));
    return 1;
}

/* ...other Win32 calls, such as those on files and processes, in GetLastError(). */
static int fail_sys(const char *what, const char *where)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, where, uds_strerror((int)GetLastError()));
    return 1;
}

/* AF_UNIX came late to Windows: where it is missing, socket() fails with
 * WSAEAFNOSUPPORT, whose own text does not tell the user what to do. */
static int no_afunix(void)
{
    fprintf(stderr, PROG ": %s\n", UDS_AFUNIX_MISSING);
    return 1;
}

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
/* Windows calls this on a thread of its own, made for the purpose, while
 * the main thread is blocked in wait_ready(): it can only note the request
 * and set the event that wait_ready() waits for besides the socket. */
static BOOL WINAPI on_stop(DWORD event)
{
    const char *name = signal_name(event);

    if (name == NULL)
        return FALSE; /* not ours: let the next handler (the default) have it */
    stop_signal = name;
    SetEvent(stop_event);
    /* After a close event Windows ends the process as soon as this returns:
     * wait here instead, and let main() clean up and end it. */
    if (event == CTRL_CLOSE_EVENT)
        Sleep(INFINITE);
    return TRUE;
}

/* Windows has no signals to block.  Its counterparts of SIGINT and friends
 * are console events, delivered to a handler on a new thread; and Winsock
 * has no clean way for another thread to interrupt a blocking call the way
 * a signal interrupts ppoll().  So the worker never waits in accept() or
 * recv() for a peer that may not come: it waits in wait_ready() for the
 * socket or the stop event, and only then makes the call. */
static int block_signals(void)
{
    stop_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    ready_event = WSACreateEvent();
    if (stop_event == NULL || ready_event == WSA_INVALID_EVENT)
        return -1;
    return SetConsoleCtrlHandler(on_stop, TRUE) ? 0 : -1;
}

/* Wait until SOCKET can accept or read (a peer that closed counts), or a
 * stop is asked for.  Returns 1 when ready, 0 for a stop, -1 on an error. */
static int wait_ready(SOCKET s)
{
    HANDLE events[2] = { stop_event, ready_event };
    u_long blocking = 0;

    /* If the socket is ready already, WSAEventSelect() sets the event at once. */
    WSAResetEvent(ready_event);
    if (WSAEventSelect(s, ready_event, FD_ACCEPT | FD_READ | FD_CLOSE) != 0)
        return -1;
    DWORD r = WSAWaitForMultipleEvents(2, events, FALSE, WSA_INFINITE, FALSE);
    /* WSAEventSelect() made the socket non-blocking: undo both, so that
     * recv() waits for a whole frame and accept() gives a blocking socket. */
    WSAEventSelect(s, NULL, 0);
    ioctlsocket(s, FIONBIO, &blocking);
    if (r == WSA_WAIT_FAILED)
        return -1;
    return r == WSA_WAIT_EVENT_0 ? 0 : 1;
}
/* [signals] */

/* Same rule as chapter 01: remove an old socket file, never anything else.
 * Windows has no S_ISSOCK: a socket file is a reparse point with a tag of
 * its own. */
static int remove_old_socket(const char *path)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError(); /* Linux's ENOENT is two errors here */
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : fail_sys("cannot inspect", path);
    }
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    return DeleteFileA(path) ? 0 : fail_sys("cannot remove old socket", path);
}

/* [command-line] */
/* Windows passes a child one string, not an argv: the child's C runtime
 * splits it again (the rules of CommandLineToArgvW).  Quote each argument
 * so it comes back unchanged: backslashes are literal except before a
 * quote, where they must be doubled, and a quote inside is \".  Returns 0,
 * or -1 when the line would not fit in CAP bytes. */
static int append_arg(char *line, size_t cap, size_t *len, const char *arg)
{
    size_t n = *len;
    int quote = *arg == '\0' || strpbrk(arg, " \t\n\v\"") != NULL;

#define PUT(c) do { if (n + 1 >= cap) return -1; line[n++] = (c); } while (0)
    if (n > 0)
        PUT(' ');
    if (quote)
        PUT('"');
    for (const char *p = arg;; p++) {
        size_t slashes = 0;
        while (*p == '\\') {
            slashes++;
            p++;
        }
        /* Before a quote, ours at the end or one of the argument's, each
         * backslash is doubled; anywhere else they stand as they are. */
        if (quote && (*p == '\0' || *p == '"'))
            slashes *= 2;
        while (slashes-- > 0)
            PUT('\\');
        if (*p == '\0')
            break;
        if (*p == '"')
            PUT('\\');
        PUT(*p);
    }
    if (quote)
        PUT('"');
#undef PUT
    line[n] = '\0';
    *len = n;
    return 0;
}
/* [command-line] */

/* [recv-fd] */
/* Receive one frame and rebuild the socket it describes.
 * Returns 1 with *fd set; 0 when the server closed the connection; -1 on a
 * socket error (the connection cannot go on); -2 for a frame that broke the
 * rules (reported), after which the worker goes on. */
static int recv_fd(SOCKET conn, SOCKET *fd)
{
    WSAPROTOCOL_INFOW info;
    size_t len;

    /* The frame must hold exactly one WSAPROTOCOL_INFOW.  A longer one is
     * refused unread (WSAEMSGSIZE): the stream has lost its place, so the
     * caller drops the server, as for any other error. */
    int r = uds_frame_recv(conn, &info, sizeof info, &len);
    if (r <= 0)
        return r;
    if (len != sizeof info) {
        fprintf(stderr, PROG ": bad message from the server: a frame of %zu bytes,"
                " expected %zu (one WSAPROTOCOL_INFOW); ignored\n", len, sizeof info);
        return -2;
    }
    /* No WSA_FLAG_OVERLAPPED: the command will use this socket with plain
     * ReadFile() and WriteFile(), which need a synchronous handle.  (That
     * was settled when the server made its listener, in listen_tcp(): the
     * duplicate shares the accepted socket.)  WSA_FLAG_NO_HANDLE_INHERIT is
     * the counterpart of MSG_CMSG_CLOEXEC: no child inherits it unless we
     * say so. */
    *fd = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                     &info, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (*fd == INVALID_SOCKET) {
        fail("bad message from the server:", "cannot rebuild the socket");
        return -2;
    }
    /* The command gets the socket as a file handle, which only an IFS
     * provider's sockets are; a layered provider (LSP) may not be one. */
    if (!(info.dwServiceFlags1 & XP1_IFS_HANDLES)) {
        fprintf(stderr, PROG ": the connection is not a file handle (its provider lacks"
                " XP1_IFS_HANDLES), so no command can use it as stdin; closed\n");
        closesocket(*fd);
        return -2;
    }
    return 1;
}
/* [recv-fd] */

/* [spawn] */
/* Start COMMAND with the connection as its standard input, output and error.
 * A handle reaches a child only by inheritance, and inheritance is all or
 * nothing: with bInheritHandles every inheritable handle of the worker
 * would go too.  PROC_THREAD_ATTRIBUTE_HANDLE_LIST narrows it to this one
 * socket, the counterpart of Linux's close-on-exec on everything else. */
static int spawn_on(SOCKET fd, char *command_line, const char *command)
{
    HANDLE h = (HANDLE)fd;
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T size = 0;

    /* The list must name inheritable handles. */
    if (!SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
        return fail_sys("cannot make the connection inheritable for", command);
    InitializeProcThreadAttributeList(NULL, 1, 0, &size); /* asks for the size */
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = malloc(size);
    if (attrs == NULL || !InitializeProcThreadAttributeList(attrs, 1, 0, &size)) {
        free(attrs);
        return fail_sys("cannot prepare to run", command);
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
    if (!ok) {
        SetLastError(err);
        return fail_sys("cannot run", command);
    }
    /* Our handles to the child would keep its process object alive after
     * it ends: see reaping below. */
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return 0;
}
/* [spawn] */

/* [reap] */
/* Nothing to reap: Windows keeps no zombies.  A process object lives while
 * a handle to it is open, and spawn_on() closes its handles as soon as the
 * child has started, so an ended child is gone.  (The price: the worker
 * does not learn how its commands ended; keeping the handles and waiting
 * for them would tell, and is the counterpart of waitpid().) */
/* [reap] */

/* What the receiving loop needs: the server's connection and the rest. */
struct server {
    SOCKET conn;
    char *command_line;
    const char *command;
};

/* [receive-loop] */
/* Receive frames from the server and run the command on each, until the
 * server goes away or a stop comes. */
static void receive_loop(const struct server *sv)
{
    while (!stop_signal) {
        int r = wait_ready(sv->conn);
        if (r <= 0) {
            if (r == 0)
                continue; /* a stop: the loop's test sees to it */
            fail("cannot wait on", "the server's connection");
            break;
        }
        SOCKET fd;
        r = recv_fd(sv->conn, &fd);
        if (r == 1) {
            if (!stop_signal)
                spawn_on(fd, sv->command_line, sv->command);
            closesocket(fd); /* the child has its copy; ours would keep it open */
        } else if (r == 0 || r == -1) {
            if (r < 0)
                fail("cannot receive from", "the server");
            break;
        }
    }
}
/* [receive-loop] */

/* [threads] */
/* One receiving loop, where the Linux twin runs two per CPU.  There, each
 * recvmsg() takes a whole message, descriptor and all, so threads can share
 * the connection; here a frame takes two recv() calls (uds_frame_recv()),
 * and two threads could each take a piece of the same frame.  They would
 * need a lock around each frame, and would then take turns anyway.  Nor
 * does the Linux reason carry over as such: vfork() waits for the
 * child's execve(), whereas CreateProcess() returns without waiting for
 * the new process to initialize (Microsoft's CreateProcess reference).
 * Whether threads would pay on Windows, the kit has not measured. */
static void serve_server(SOCKET conn, char *command_line, const char *command)
{
    struct server sv = { conn, command_line, command };

    receive_loop(&sv);
}
/* [threads] */

int main(int argc, char **argv)
{
    static char command_line[COMMAND_LINE_MAX];
    struct sockaddr_un addr;
    socklen_t addr_len;
    SOCKET listener;
    size_t line_len = 0;
    WSADATA wsa;

    if (argc < 3) {
        fprintf(stderr, "usage: " PROG " SOCKET COMMAND [ARGS...]\n");
        return 2;
    }
    const char *path = argv[1];
    char **command = argv + 2;
    /* Winsock works only after WSAStartup, which returns its error instead
     * of leaving it in WSAGetLastError(). */
    int err = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (err != 0) {
        fprintf(stderr, PROG ": cannot start Winsock: %s\n", uds_strerror(err));
        return 1;
    }
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);
    /* Windows only: the command line is built once, here, so a command
     * too long for Windows is refused before anything starts. */
    for (char **arg = command; *arg != NULL; arg++)
        if (append_arg(command_line, sizeof command_line, &line_len, *arg) != 0) {
            fprintf(stderr, PROG ": the command line is too long for Windows"
                    " (at most %d characters)\n", COMMAND_LINE_MAX - 1);
            return 1;
        }
    if (block_signals() != 0)
        return fail_sys("cannot catch console events in", PROG);

    /* [worker-setup] */
    /* Handles the worker inherited from whoever started it need nothing
     * here: the handle list in spawn_on() keeps them from the commands. */
    /* WSA_FLAG_NO_HANDLE_INHERIT here, and the handle list in spawn_on():
     * the children must not inherit the worker's sockets, or the server
     * could never see the worker close. */
    listener = WSASocketW(AF_UNIX, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (listener == INVALID_SOCKET) {
        if (WSAGetLastError() == WSAEAFNOSUPPORT)
            return no_afunix();
        return fail("cannot create a socket for", path);
    }
    if (remove_old_socket(path) != 0) {
        closesocket(listener);
        return 1;
    }
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot bind", path);
        closesocket(listener);
        return 1;
    }
    if (listen(listener, 8) != 0) {
        fail("cannot listen on", path);
        closesocket(listener);
        DeleteFileA(path);
        return 1;
    }
    /* [worker-setup] */
    printf(PROG ": listening on %s\n", path);
    fflush(stdout);

    /* [worker-loop] */
    while (!stop_signal) {
        /* One server at a time: while one is connected, the next waits
         * in the listen backlog. */
        int r = wait_ready(listener);

        if (r <= 0) {
            if (r == 0)
                continue; /* a stop: the loop's test sees to it */
            fail("cannot wait on", path);
            break;
        }
        SOCKET conn = accept(listener, NULL, NULL);
        if (conn == INVALID_SOCKET) {
            fail("cannot accept on", path);
            continue;
        }
        printf(PROG ": server connected\n");
        fflush(stdout);
        serve_server(conn, command_line, command[0]);
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
    WSACleanup();
    return stop_signal ? 0 : 1;
}
