/* SPDX-License-Identifier: MIT */
/*
 * transport.c (Windows): the channels uds-bench compares, and what a
 * benchmark needs from the system.  Unlike Linux, a socket and a pipe are
 * different things here: a socket is read with recv(), a pipe (named or
 * anonymous) with ReadFile(), so a link says which one it holds.
 */
#include "bench.h"
#include "transport.h"

#include <limits.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
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

static void a_socket(struct link *l, SOCKET s)
{
    l->sock = s;
    l->in = l->out = INVALID_HANDLE_VALUE;
    l->max_write = 0;
}

static void a_pipe(struct link *l, HANDLE in, HANDLE out)
{
    l->sock = INVALID_SOCKET;
    l->in = in, l->out = out;
    l->max_write = 0;
}

/* [listen-connect-accept] */
/* A listener, a client connected to it and the accepted socket, all in
 * this thread: the two sides then run in two threads.  `addr` is a
 * pathname (AF_UNIX) or 127.0.0.1 port 0, the kernel's choice (TCP). */
static int connect_pair(int family, struct sockaddr *addr, int len,
                        struct link *mine, struct link *peer)
{
    SOCKET listener = socket(family, SOCK_STREAM, 0), client, server = INVALID_SOCKET;

    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, "the listener");
    if (bind(listener, addr, len) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, addr, &len) != 0) {
        closesocket(listener);
        return uds_fail(PROG, "cannot listen", "for the bench");
    }
    client = socket(family, SOCK_STREAM, 0);
    if (client == INVALID_SOCKET || connect(client, addr, len) != 0 ||
        (server = accept(listener, NULL, NULL)) == INVALID_SOCKET) {
        int rc = uds_fail(PROG, "cannot connect", "to the bench's listener");
        if (client != INVALID_SOCKET)
            closesocket(client);
        closesocket(listener);
        return rc;
    }
    closesocket(listener);
    a_socket(mine, client);
    a_socket(peer, server);
    return 0;
}
/* [listen-connect-accept] */

static int unix_pair(struct link *mine, struct link *peer)
{
    static int serial;
    char dir[MAX_PATH], path[MAX_PATH + 64];
    struct sockaddr_un addr;
    socklen_t len;
    int rc;

    /* A name of our own in the temporary directory: the process id and a
     * serial number, so that no file of anyone else's is ever removed. */
    if (GetTempPathA(sizeof dir, dir) == 0)
        return uds_fail_code(PROG, "cannot find", "the temporary directory",
                             (int)GetLastError());
    snprintf(path, sizeof path, "%suds-bench-%lu-%d.sock", dir,
             (unsigned long)GetCurrentProcessId(), serial++);
    if (uds_addr_path(&addr, &len, path) != 0)
        return uds_fail(PROG, "cannot use", path);
    rc = connect_pair(AF_UNIX, (struct sockaddr *)&addr, len, mine, peer);
    DeleteFileA(path);  /* connected sockets no longer need their name */
    return rc;
}

static int tcp_pair(int nodelay, struct link *mine, struct link *peer)
{
    struct sockaddr_in addr;
    BOOL one = TRUE;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect_pair(AF_INET, (struct sockaddr *)&addr, sizeof addr, mine, peer) != 0)
        return 1;
    /* Nagle's algorithm holds back a small write while an earlier one is
     * unacknowledged; TCP_NODELAY turns it off, on both ends. */
    if (nodelay && (setsockopt(mine->sock, IPPROTO_TCP, TCP_NODELAY, (const char *)&one,
                               sizeof one) != 0 ||
                    setsockopt(peer->sock, IPPROTO_TCP, TCP_NODELAY, (const char *)&one,
                               sizeof one) != 0))
        return uds_fail(PROG, "cannot set", "TCP_NODELAY");
    return 0;
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
        return unix_pair(mine, peer);
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

/* [clock] */
double clock_us(void)
{
    static LARGE_INTEGER hz;
    LARGE_INTEGER now;

    /* QueryPerformanceCounter: monotonic, and finer than a microsecond. */
    if (hz.QuadPart == 0)
        QueryPerformanceFrequency(&hz);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1e6 / (double)hz.QuadPart;
}
/* [clock] */

int cpu_choose(const char *placement, int cpus[2])
{
    DWORD_PTR mine, all;
    int found = 0;

    cpus[0] = cpus[1] = -1;
    if (strcmp(placement, "any") == 0)
        return 0;
    if (!GetProcessAffinityMask(GetCurrentProcess(), &mine, &all))
        return uds_fail_code(PROG, "cannot read", "the CPUs this process may use",
                             (int)GetLastError());
    for (int c = 0; c < (int)(8 * sizeof mine) && found < 2; c++)
        if (mine & ((DWORD_PTR)1 << c))
            cpus[found++] = c;
    if (strcmp(placement, "one") == 0)
        cpus[1] = cpus[0];
    else if (found < 2) {
        fprintf(stderr, PROG ": --cpu two needs two CPUs; this process may use one\n");
        return 1;
    }
    return 0;
}

int cpu_pin(int cpu)
{
    if (cpu < 0)
        return 0;
    if (SetThreadAffinityMask(GetCurrentThread(), (DWORD_PTR)1 << cpu) == 0)
        return uds_fail_code(PROG, "cannot move", "to its CPU", (int)GetLastError());
    return 0;
}

static unsigned __stdcall peer_thread(void *arg)
{
    struct job *job = arg;
    int rc = cpu_pin(job->cpu);

    if (rc == 0)
        rc = bench_peer(job);
    /* Close this side's end as a process would by exiting, so that this
     * side, perhaps blocked in a write, sees that the other one has ended. */
    link_close(&job->link);
    return (unsigned)rc;
}

/* The other side is a thread: Windows has no fork(), and a second process
 * would need the handles passed to it (chapter 06). */
int peer_start(struct job *job, struct link *mine)
{
    (void)mine;     /* one process: the two ends stay open until both are done */
    job->thread = (HANDLE)_beginthreadex(NULL, 0, peer_thread, job, 0, NULL);
    if (job->thread == NULL)
        return uds_fail_code(PROG, "cannot start", "the other side", (int)GetLastError());
    return 0;
}

int peer_wait(struct job *job)
{
    DWORD rc = 1;

    WaitForSingleObject(job->thread, INFINITE);
    GetExitCodeThread(job->thread, &rc);
    CloseHandle(job->thread);
    return (int)rc;
}

void describe_machine(FILE *out)
{
    typedef const char *(__cdecl *wine_version_fn)(void);
    SYSTEM_INFO si;
    const char *cpu = getenv("PROCESSOR_IDENTIFIER");
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    FARPROC wine = ntdll != NULL ? GetProcAddress(ntdll, "wine_get_version") : NULL;

    GetSystemInfo(&si);
    fprintf(out, "# machine: Windows, %lu CPUs, %s\n", (unsigned long)si.dwNumberOfProcessors,
            cpu != NULL ? cpu : "unknown CPU");
    /* Wine is not Windows: its figures say nothing about Windows' speed. */
    if (wine != NULL)
        fprintf(out, "# system: Wine %s on another system, NOT Windows: these are not "
                "Windows figures\n", ((wine_version_fn)(void (*)(void))wine)());
}
