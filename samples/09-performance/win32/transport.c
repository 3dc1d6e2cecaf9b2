/* SPDX-License-Identifier: MIT */
/*
 * transport.c (Windows): the channels uds-bench compares (see
 * transport.h).  Unlike Linux, a socket and a pipe are different things
 * here: a socket is read with recv(), a pipe (named or anonymous) with
 * ReadFile(), so a link says which one it holds.  The sockets that need a
 * listener, AF_UNIX and TCP, are made in sockets.c.
 */
#include "sockets.h"
#include "transport.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define PROG "uds-bench"

const char *const transport_names[] = {
    "unix", "npipe", "pipe", "tcp", "tcp-nodelay", NULL
};

int transport_known(const char *name)
{
    for (const char *const *t = transport_names; *t != NULL; t++)
        if (strcmp(*t, name) == 0)
            return 1;
    return 0;
}

/* AF_UNIX came with Windows 10 1803; Wine has none (see UDS_AFUNIX_MISSING). */
int transport_available(const char *name)
{
    SOCKET s;

    if (strcmp(name, "unix") != 0)
        return transport_known(name);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET)
        return 0;
    closesocket(s);
    return 1;
}

static void a_pipe(struct link *l, HANDLE in, HANDLE out)
{
    l->sock = INVALID_SOCKET;
    l->in = in, l->out = out;
    l->max_write = 0;
}

/* [named-pipe] */
/* A named pipe in byte mode, the Windows IPC that AF_UNIX is most often
 * compared with: the server end is created, the client opens it by name. */
static int npipe_pair(struct link *mine, struct link *peer)
{
    static int serial;
    char name[96];
    HANDLE server, client;

    snprintf(name, sizeof name, "\\\\.\\pipe\\uds-bench-%lu-%d",
             (unsigned long)GetCurrentProcessId(), serial++);
    server = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                              PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
                              PIPE_REJECT_REMOTE_CLIENTS, 1, 65536, 65536, 0, NULL);
    if (server == INVALID_HANDLE_VALUE)
        return uds_fail_code(PROG, "cannot create", name, (int)GetLastError());
    client = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (client == INVALID_HANDLE_VALUE ||
        (!ConnectNamedPipe(server, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)) {
        int rc = uds_fail_code(PROG, "cannot connect to", name, (int)GetLastError());
        if (client != INVALID_HANDLE_VALUE)
            CloseHandle(client);
        CloseHandle(server);
        return rc;
    }
    a_pipe(mine, client, client);
    a_pipe(peer, server, server);
    return 0;
}
/* [named-pipe] */

int transport_open(const char *name, struct link *mine, struct link *peer)
{
    HANDLE there[2], back[2];

    if (strcmp(name, "unix") == 0)
        return unix_pair(SOCK_STREAM, mine, peer);
    if (strcmp(name, "npipe") == 0)
        return npipe_pair(mine, peer);
    if (strcmp(name, "pipe") == 0) {
        /* An anonymous pipe goes one way: one each way makes a two-way channel. */
        if (!CreatePipe(&there[0], &there[1], NULL, 0))
            return uds_fail_code(PROG, "cannot create", "a pipe", (int)GetLastError());
        if (!CreatePipe(&back[0], &back[1], NULL, 0)) {
            int rc = uds_fail_code(PROG, "cannot create", "a pipe", (int)GetLastError());
            CloseHandle(there[0]), CloseHandle(there[1]);
            return rc;
        }
        a_pipe(mine, back[0], there[1]);
        a_pipe(peer, there[0], back[1]);
        return 0;
    }
    return tcp_pair(strcmp(name, "tcp-nodelay") == 0, mine, peer);
}

long link_read(struct link *l, void *buf, size_t len)
{
    DWORD got = 0;
    int n = len > INT_MAX ? INT_MAX : (int)len;

    if (l->sock != INVALID_SOCKET)
        return (long)recv(l->sock, buf, n, 0);
    if (ReadFile(l->in, buf, (DWORD)n, &got, NULL))
        return (long)got;
    /* The writer closed its end: the end of the data, as recv()'s 0. */
    if (GetLastError() == ERROR_BROKEN_PIPE || GetLastError() == ERROR_PIPE_NOT_CONNECTED)
        return 0;
    uds_set_error((int)GetLastError());
    return -1;
}

long link_write(struct link *l, const void *buf, size_t len)
{
    DWORD put = 0;
    int n = len > INT_MAX ? INT_MAX : (int)len;

    if (l->sock != INVALID_SOCKET)
        return (long)send(l->sock, buf, n, 0);
    if (WriteFile(l->out, buf, (DWORD)n, &put, NULL))
        return (long)put;
    uds_set_error((int)GetLastError());
    return -1;
}

void link_close(struct link *l)
{
    if (l->sock != INVALID_SOCKET) {
        closesocket(l->sock);
        return;
    }
    if (l->out != l->in)
        CloseHandle(l->out);
    CloseHandle(l->in);
}
