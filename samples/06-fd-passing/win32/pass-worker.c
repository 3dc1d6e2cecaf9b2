/* SPDX-License-Identifier: MIT */
/*
 * pass-worker (Windows): serves connections another process accepted.  A
 * server connects to SOCKET; each frame it sends describes one socket
 * duplicated for this process, which the worker makes with WSASocketW(),
 * answers with one byte, and runs COMMAND with as standard input, output
 * and error.  The chapter's minimal receiver on Windows: blocking, the
 * console's default actions, at most MAX_CHILDREN commands at once.
 *
 * usage: pass-worker SOCKET COMMAND [ARGS...]
 */
#include "common.h"
#include "command-line.h"

#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv)
{
    static char command_line[COMMAND_LINE_MAX];
    struct sockaddr_un addr;
    socklen_t addr_len;
    SOCKET listener, fd;
    HANDLE children[MAX_CHILDREN];
    int r, n = 0; /* children running, as far as we know */
    long failures = 0; /* accept() failures in a row, for one line about them */
    int status = worker_args(PROG, argc, argv, &addr, &addr_len, command_line,
                             sizeof command_line);
    if (status != 0)
        return status;
    const char *path = argv[1], *command = argv[2];
    /* Chapter 03's claim of PATH, a socket no child inherits: common.c */
    if ((listener = worker_listen(PROG, path, &addr, addr_len)) == INVALID_SOCKET)
        return 1;

    /* [worker-loop] */
    for (;;) {
        SOCKET server;
        if ((r = accept_server(PROG, listener, path, &failures, &server)) < 0)
            break;
        if (r == 0) {
            if (failures > 0)
                Sleep(1000); /* out of sockets: pause, do not spin */
            continue;
        }
        while ((r = recv_fd(server, &fd)) >= 0) {
            if (r == 0)
                continue;
            /* At the limit, wait for a command to end first (common.c). */
            make_room(children, &n, MAX_CHILDREN, NULL);
            HANDLE child = spawn_on(fd, command_line, command);
            if (child != NULL)
                children[n++] = child;
            closesocket(fd); /* the command has its copy; ours would keep it open */
        }
        closesocket(server);
        printf(PROG ": server went away; waiting for the next one\n");
        fflush(stdout);
    }
    /* [worker-loop] */

    closesocket(listener);
    DeleteFileA(path);
    return 1;
}
