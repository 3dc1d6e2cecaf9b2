/* SPDX-License-Identifier: MIT */
/*
 * pass-worker (Windows): serves connections another process accepted.  One
 * server at a time connects to SOCKET; each frame it sends describes one
 * socket duplicated for this process, which the worker makes with
 * WSASocketW(), answers with one byte, and runs COMMAND with as standard
 * input, output and error.  The chapter's minimal receiver on Windows:
 * blocking, the console's default actions (Ctrl+C ends it; the next start
 * removes the socket file as stale), at most MAX_CHILDREN commands at once.
 *
 * usage: pass-worker SOCKET COMMAND [ARGS...]
 */
#include "uds.h"
#include "command-line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <windows.h>
#include <afunix.h>

#define PROG "pass-worker"
#define MAX_CHILDREN 8 /* commands at once; the next connections wait their turn */

/* [recv-fd] */
/* Receive one frame, make the socket it describes, and answer with one
 * byte (1: made, 0: not).  Returns 1 with *fd set; 0 when a connection was
 * lost here; -1 when the server is to be dropped: it closed, failed, or
 * broke the rules. */
static int recv_fd(SOCKET server, SOCKET *fd)
{
    WSAPROTOCOL_INFOW info;
    size_t len;
    int r = uds_frame_recv(server, &info, sizeof info, &len), err;

    if (r < 0 && WSAGetLastError() == WSAEMSGSIZE) /* left unread: the stream is lost */
        fprintf(stderr, PROG ": bad message from the server: a frame longer than one"
                " WSAPROTOCOL_INFOW; dropping the server\n");
    else if (r < 0)
        uds_fail(PROG, "cannot receive from", "the server");
    if (r <= 0)
        return -1;
    *fd = INVALID_SOCKET;
    r = -1;
    /* Only a TCP connection whose provider makes file handles can be a
     * command's standard handles: check before making anything of it. */
    if (len != sizeof info)
        fprintf(stderr, PROG ": bad message from the server: a frame of %zu bytes,"
                " expected %zu (one WSAPROTOCOL_INFOW); dropping the server\n", len, sizeof info);
    else if ((info.iAddressFamily != AF_INET && info.iAddressFamily != AF_INET6)
             || info.iSocketType != SOCK_STREAM || !(info.dwServiceFlags1 & XP1_IFS_HANDLES))
        fprintf(stderr, PROG ": bad message from the server: not a TCP connection that"
                " can be a file handle; dropping the server\n");
    else if ((*fd = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                               &info, 0, WSA_FLAG_NO_HANDLE_INHERIT)) != INVALID_SOCKET)
        r = 1;
    else if ((err = WSAGetLastError()) == WSAEMFILE || err == WSAENOBUFS)
        r = 0, fprintf(stderr, PROG ": lost a connection: this worker is out of sockets (%s)\n",
                       uds_error_name(err));
    else
        uds_fail(PROG, "bad message from the server:", "cannot make a socket of it");
    /* Only now may the server close its copy: answer. */
    unsigned char answer = r == 1;
    if (uds_send_all(server, &answer, 1) != 0) {
        if (r == 1)
            closesocket(*fd);
        return uds_fail(PROG, "cannot answer", "the server"), -1;
    }
    return r;
}
/* [recv-fd] */

/* [spawn] */
/* Start COMMAND_LINE with the connection as standard input, output and
 * error.  Only inheritable handles reach a child, and with bInheritHandles
 * all of them would; PROC_THREAD_ATTRIBUTE_HANDLE_LIST narrows that to
 * exactly this one.  Returns the child's process handle, or NULL. */
static HANDLE spawn_on(SOCKET fd, char *command_line, const char *command)
{
    HANDLE h = (HANDLE)fd;
    STARTUPINFOEXA si = { .StartupInfo = { .cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES,
                                           .hStdInput = h, .hStdOutput = h, .hStdError = h } };
    PROCESS_INFORMATION pi = { 0 };
    SIZE_T size = 0;
    int ok;

    InitializeProcThreadAttributeList(NULL, 1, 0, &size); /* asks for the size */
    si.lpAttributeList = malloc(size);
    ok = si.lpAttributeList != NULL
         && SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)
         && InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size)
         && UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                      &h, sizeof h, NULL, NULL)
         && CreateProcessA(NULL, command_line, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT,
                           NULL, NULL, &si.StartupInfo, &pi);
    DWORD err = GetLastError();
    if (si.lpAttributeList != NULL)
        DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
    if (!ok)
        return uds_fail_code(PROG, "cannot run", command, (int)err), NULL;
    CloseHandle(pi.hThread);
    return pi.hProcess;
}
/* [spawn] */

/* Chapter 03's rule: remove a stale socket file, never a live worker's
 * socket, never anything that is not a socket.  Windows has no S_ISSOCK:
 * a socket file is a reparse point with a tag of its own. */
static int claim_path(const char *path, const struct sockaddr_un *addr, socklen_t len)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError(); /* Linux's ENOENT is two errors here */
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : uds_fail_code(PROG, "cannot inspect", path, (int)err);
    }
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    /* Only connect() tells whether a worker is behind it. */
    SOCKET probe = WSASocketW(AF_UNIX, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (probe == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    int r = connect(probe, (const struct sockaddr *)addr, len), err = WSAGetLastError();
    closesocket(probe);
    if (r == 0) {
        fprintf(stderr, PROG ": another worker is live on %s; not starting\n", path);
        return 1;
    }
    if (err != WSAECONNREFUSED) /* unsure: leave it alone */
        return uds_fail_code(PROG, "cannot tell whether a worker is live on", path, err);
    if (!DeleteFileA(path))
        return uds_fail_code(PROG, "cannot remove stale socket", path, (int)GetLastError());
    printf(PROG ": removed stale socket %s\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    static char command_line[COMMAND_LINE_MAX];
    struct sockaddr_un addr;
    socklen_t addr_len;
    SOCKET listener, fd;
    HANDLE children[MAX_CHILDREN];
    int r, n = 0; /* children running, as far as we know */
    long failures = 0; /* accept() failures in a row, for one line about them */

    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: " PROG " SOCKET COMMAND [ARGS...]\n");
        return 2;
    }
    const char *path = argv[1];
    char **command = argv + 2;
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    /* Windows passes a child one string: quote each argument into it. */
    if (build_command_line(command_line, sizeof command_line, command) != 0) {
        fprintf(stderr, PROG ": the command line is too long for Windows"
                " (at most %d characters)\n", COMMAND_LINE_MAX - 1);
        return 1;
    }

    /* [worker-setup] */
    if (claim_path(path, &addr, addr_len) != 0)
        return 1;
    listener = WSASocketW(AF_UNIX, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    int bound = bind(listener, (struct sockaddr *)&addr, addr_len);
    if (bound != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, bound != 0 ? "cannot bind" : "cannot listen on", path);
        if (bound == 0)
            DeleteFileA(path);
        closesocket(listener);
        return 1;
    }
    /* [worker-setup] */
    printf(PROG ": listening on %s\n", path);
    fflush(stdout);

    /* [worker-loop] */
    for (;;) {
        SOCKET server = accept(listener, NULL, NULL);
        if (server == INVALID_SOCKET) {
            int err = WSAGetLastError();
            if (err == WSAEMFILE || err == WSAENOBUFS) {
                if (failures++ == 0) /* out of sockets: say so once, pause */
                    fprintf(stderr, PROG ": cannot accept on %s: %s; retrying every second\n",
                            path, uds_strerror(err));
                Sleep(1000);
            } else if (err != WSAECONNRESET && err != WSAEINTR) {
                break;
            }
            continue;
        }
        if (failures > 0)
            printf(PROG ": accepting again after %ld failed attempts\n", failures);
        failures = 0;
        printf(PROG ": server connected\n");
        fflush(stdout);
        while ((r = recv_fd(server, &fd)) >= 0) {
            if (r == 0)
                continue;
            /* At the limit, wait for a command to end first: meanwhile the
             * next connections wait in our socket's queue. */
            if (n == MAX_CHILDREN) {
                DWORD i = WaitForMultipleObjects((DWORD)n, children, FALSE, INFINITE) - WAIT_OBJECT_0;
                CloseHandle(children[i]);
                children[i] = children[--n];
            }
            HANDLE child = spawn_on(fd, command_line, command[0]);
            if (child != NULL)
                children[n++] = child;
            closesocket(fd); /* the command has its copy; ours would keep it open */
            /* Nothing to reap, but a closed handle lets an ended process go. */
            for (int i = n - 1; i >= 0; i--)
                if (WaitForSingleObject(children[i], 0) == WAIT_OBJECT_0) {
                    CloseHandle(children[i]);
                    children[i] = children[--n];
                }
        }
        closesocket(server);
        printf(PROG ": server went away; waiting for the next one\n");
        fflush(stdout);
    }
    /* [worker-loop] */

    uds_fail(PROG, "cannot accept on", path);
    closesocket(listener);
    DeleteFileA(path);
    return 1;
}
