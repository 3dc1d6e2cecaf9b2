/* SPDX-License-Identifier: MIT */
/*
 * listen-check (Windows, a test helper for win32.test, not a sample):
 * runs the server's TCP side without AF_UNIX.
 *
 * The server connects to the worker before it listens, so where AF_UNIX is
 * missing (Debian's Wine) it never gets to listen_tcp().  This helper calls
 * the server's own listen_tcp() and prints the server's "listening on"
 * lines; then it connects to each IPv4 listener over the loopback and
 * accepts after WSAPoll(), as the server's loop does.
 *
 * usage: listen-check ADDRESS PORT
 *        listen-check --slow-worker | --stopped-worker | --accept-errors
 *        listen-check --apart HANDOVER-CHECK go|late|quit COMMAND [ARGS...]
 * The second form runs the server's send_fd_waiting() against a "worker"
 * that is a TCP connection with small buffers: one that reads late and
 * slowly must still get every frame whole; one that never reads must not
 * keep a stop from ending the wait.  The third hands a connection with
 * the server's pass_fd() to a second process, `HANDOVER-CHECK worker-side`,
 * which takes it with the worker's own code (a TCP connection stands in
 * for the AF_UNIX one, and the process id comes from CreateProcess instead
 * of SIO_AF_UNIX_GETPEERPID); with late, it checks that pass_fd() is still
 * waiting, and the client's connection still open, while the frame sits
 * unanswered in the worker side; with quit, that a worker that leaves
 * without answering is an error.  --accept-errors feeds the server's
 * out_of_descriptors() a run of failures, to see what it reports.
 */
#define main fdpass_server_main /* the server's main() is not needed here */
#include "fdpass-server.c"
#undef main

#define FRAMES 300

/* The far end of the "worker" connection, for --slow-worker: start late,
 * then read frames one by one, and count the whole ones. */
static DWORD WINAPI slow_reader(LPVOID arg)
{
    SOCKET s = *(SOCKET *)arg;
    WSAPROTOCOL_INFOW info;
    size_t len;
    DWORD whole = 0;

    Sleep(300);
    while (uds_frame_recv(s, &info, sizeof info, &len) == 1 && len == sizeof info)
        whole++;
    return whole;
}

/* For --stopped-worker: what Windows does on Ctrl+C, a little later. */
static DWORD WINAPI ctrl_c_later(LPVOID unused)
{
    (void)unused;
    Sleep(300);
    on_stop(CTRL_C_EVENT);
    return 0;
}

/* A connected pair over the loopback, with small buffers, so that a
 * reader who does not keep up soon leaves the sender without room (the
 * FRAMES frames are five times what both buffers hold).  Not too small on
 * the reading side, or TCP's window updates, not the code, set the pace. */
static int small_pair(SOCKET *c, SOCKET *a, int sndbuf, int rcvbuf)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SOCKET l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    *c = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (sndbuf > 0) {
        setsockopt(*c, SOL_SOCKET, SO_SNDBUF, (const char *)&sndbuf, sizeof sndbuf);
        setsockopt(l, SOL_SOCKET, SO_RCVBUF, (const char *)&rcvbuf, sizeof rcvbuf);
    }
    if (l == INVALID_SOCKET || *c == INVALID_SOCKET
        || bind(l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l, 1) != 0
        || getsockname(l, (struct sockaddr *)&addr, &len) != 0
        || connect(*c, (struct sockaddr *)&addr, sizeof addr) != 0)
        return -1;
    *a = accept(l, NULL, NULL);
    closesocket(l);
    return *a == INVALID_SOCKET ? -1 : 0;
}

static int stuck_worker(int slow)
{
    SOCKET worker, far_end, client, conn;
    HANDLE reader = NULL;
    u_long on = 1;
    int sent = 0;

    if (catch_stop_events() != 0 || small_pair(&worker, &far_end, 4096, 32768) != 0
        || small_pair(&client, &conn, 0, 0) != 0)
        return uds_fail(PROG, "cannot set up", "the loopback connections");
    /* As connect_worker() leaves the worker's socket. */
    if (ioctlsocket(worker, FIONBIO, &on) != 0)
        return uds_fail(PROG, "cannot make non-blocking", "the worker's socket");
    if (slow)
        reader = CreateThread(NULL, 0, slow_reader, &far_end, 0, NULL);
    else
        CreateThread(NULL, 0, ctrl_c_later, NULL, 0, NULL);
    while (sent < FRAMES && send_fd_waiting(worker, GetCurrentProcessId(), conn) == 0)
        sent++;
    if (slow) {
        DWORD whole = 0;
        closesocket(worker); /* the reader's end of stream */
        WaitForSingleObject(reader, INFINITE);
        GetExitCodeThread(reader, &whole);
        printf("sent %d frames; the slow worker got %lu whole\n", sent, (unsigned long)whole);
    } else {
        printf("sent %d of %d frames; stopped on %s\n", sent, FRAMES,
               stop_signal ? stop_signal : "nothing");
    }
    return 0;
}

/* --apart: pass_fd() runs in a thread of its own, so that the main thread
 * can look at the world while it waits. */
struct pass { SOCKET worker, conn; DWORD pid; int result, error; };

static DWORD WINAPI run_pass_fd(LPVOID arg)
{
    struct pass *p = arg;

    p->result = pass_fd(p->worker, p->pid, p->conn);
    p->error = WSAGetLastError();
    return 0;
}

/* Start `HANDOVER worker-side PORT MODE COMMAND...` with pipes for its
 * stdin and stdout, and our stderr: exactly those three handles, named in
 * a PROC_THREAD_ATTRIBUTE_HANDLE_LIST, and nothing else of ours. */
static int start_worker_side(char **argv, const char *port, PROCESS_INFORMATION *pi,
                             HANDLE *to_child, HANDLE *from_child)
{
    static char line[8192]; /* plain words only: a test helper */
    SECURITY_ATTRIBUTES inherit = { sizeof inherit, NULL, TRUE };
    HANDLE in_rd, out_wr, handles[3];
    STARTUPINFOEXA si;
    SIZE_T size = 0;
    int len;

    len = snprintf(line, sizeof line, "\"%s\" worker-side %s", argv[0], port);
    for (char **arg = argv + 1; *arg != NULL && len > 0 && (size_t)len < sizeof line; arg++)
        len += snprintf(line + len, sizeof line - (size_t)len, " %s", *arg);
    if (!CreatePipe(&in_rd, to_child, &inherit, 0) || !CreatePipe(from_child, &out_wr, &inherit, 0))
        return -1;
    SetHandleInformation(*to_child, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(*from_child, HANDLE_FLAG_INHERIT, 0);
    handles[0] = in_rd;
    handles[1] = out_wr;
    handles[2] = GetStdHandle(STD_ERROR_HANDLE);
    SetHandleInformation(handles[2], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = malloc(size);
    if (attrs == NULL || !InitializeProcThreadAttributeList(attrs, 1, 0, &size)
        || !UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                      handles, sizeof handles, NULL, NULL))
        return -1;
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = in_rd;
    si.StartupInfo.hStdOutput = out_wr;
    si.StartupInfo.hStdError = handles[2];
    si.lpAttributeList = attrs;
    int ok = CreateProcessA(NULL, line, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT,
                            NULL, NULL, &si.StartupInfo, pi);
    DeleteProcThreadAttributeList(attrs);
    free(attrs);
    CloseHandle(in_rd);
    CloseHandle(out_wr);
    return ok ? 0 : -1;
}

static int apart(char **argv)
{
    const char *mode = argv[1];
    SOCKET l, client, conn;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    PROCESS_INFORMATION pi;
    HANDLE to_child, from_child;
    struct pass p;
    char port[16], text[64] = "", got[4096];
    DWORD n, status = 1;
    size_t total = 0;
    long k;
    u_long on = 1;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (catch_stop_events() != 0 || small_pair(&client, &conn, 0, 0) != 0
        || l == INVALID_SOCKET || bind(l, (struct sockaddr *)&addr, sizeof addr) != 0
        || listen(l, 1) != 0 || getsockname(l, (struct sockaddr *)&addr, &len) != 0)
        return uds_fail(PROG, "cannot set up", "the loopback connections");
    snprintf(port, sizeof port, "%u", ntohs(addr.sin_port));
    if (start_worker_side(argv, port, &pi, &to_child, &from_child) != 0)
        return uds_fail_code(PROG, "cannot start", "the worker side", (int)GetLastError());
    /* As connect_worker() leaves it; the worker's id is the child's. */
    p.worker = accept(l, NULL, NULL);
    if (p.worker == INVALID_SOCKET || ioctlsocket(p.worker, FIONBIO, &on) != 0)
        return uds_fail(PROG, "cannot accept", "the worker side");
    p.conn = conn;
    p.pid = pi.dwProcessId;
    HANDLE th = CreateThread(NULL, 0, run_pass_fd, &p, 0, NULL);
    if (th == NULL)
        return uds_fail_code(PROG, "cannot start", "a thread", (int)GetLastError());
    if (strcmp(mode, "go") != 0) {
        /* The frame is in the worker side, not yet taken up. */
        while (ReadFile(from_child, text + total, 1, &n, NULL) && n == 1
               && text[total] != '\n' && total < sizeof text - 2)
            total++;
        text[total] = '\0';
        u_long nb = 1;
        ioctlsocket(client, FIONBIO, &nb);
        k = recv(client, got, 1, 0);
        int open = k < 0 && WSAGetLastError() == WSAEWOULDBLOCK;
        nb = 0;
        ioctlsocket(client, FIONBIO, &nb);
        printf("%s; pass_fd %s; the client's connection %s\n", text,
               WaitForSingleObject(th, 0) == WAIT_TIMEOUT ? "waits" : "has returned",
               open ? "is open" : "is closed");
        DWORD w;
        WriteFile(to_child, "go\n", 3, &w, NULL);
    }
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    if (p.result < 0)
        printf("pass_fd: %d (%s)\n", p.result, uds_error_name(p.error));
    else
        printf("pass_fd: %d\n", p.result);
    closesocket(conn); /* as the server's loop does, after pass_fd() */
    shutdown(client, SD_SEND);
    total = 0;
    while (total < sizeof got - 1
           && (k = uds_recv_some(client, got + total, sizeof got - 1 - total)) > 0)
        total += (size_t)k;
    while (total > 0 && (got[total - 1] == '\n' || got[total - 1] == '\r'))
        total--;
    got[total] = '\0';
    printf("client got: [%s]\n", got);
    closesocket(p.worker); /* the worker side's server goes away: it ends */
    CloseHandle(to_child);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &status);
    printf("worker side: exit %lu\n", (unsigned long)status);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(from_child);
    closesocket(client);
    closesocket(l);
    return 0;
}

int main(int argc, char **argv)
{
    SOCKET listeners[MAX_LISTENERS];
    char where[NI_MAXHOST + NI_MAXSERV + 4];
    int n;

    if (uds_startup() != 0)
        return 1;
    if (argc == 2 && strcmp(argv[1], "--slow-worker") == 0)
        return stuck_worker(1);
    if (argc == 2 && strcmp(argv[1], "--stopped-worker") == 0)
        return stuck_worker(0);
    if (argc == 2 && strcmp(argv[1], "--accept-errors") == 0) {
        /* The server's out_of_descriptors() and accepting_again()
         * (common.c), fed errors: 500 times WSAEMFILE, twice WSAENOBUFS,
         * then a success. */
        int pauses = 0;
        for (int i = 0; i < 502; i++)
            pauses += out_of_descriptors(PROG, "127.0.0.1:8000", i < 500 ? WSAEMFILE : WSAENOBUFS,
                                         &accept_failures);
        pauses += out_of_descriptors(PROG, "127.0.0.1:8000", WSAEWOULDBLOCK, &accept_failures);
        printf("%d pauses\n", pauses);
        accepting_again(PROG, &accept_failures);
        return 0;
    }
    if (argc > 4 && strcmp(argv[1], "--apart") == 0)
        return apart(argv + 2);
    if (argc != 3) {
        fprintf(stderr, "usage: listen-check ADDRESS PORT | --slow-worker | --stopped-worker | --accept-errors"
                " | --apart HANDOVER-CHECK go|late|quit COMMAND [ARGS...]\n");
        return 2;
    }
    n = listen_tcp(argv[1], argv[2], listeners);
    for (int i = 0; i < n; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        getsockname(listeners[i], (struct sockaddr *)&ss, &len);
        printf(PROG ": listening on %s\n",
               format_addr((struct sockaddr *)&ss, len, where, sizeof where));
    }
    for (int i = 0; i < n; i++) {
        struct sockaddr_in sin;
        socklen_t len = sizeof sin;

        if (getsockname(listeners[i], (struct sockaddr *)&sin, &len) != 0
            || sin.sin_family != AF_INET)
            continue;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* 0.0.0.0 is no place to go */
        SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
        if (c == INVALID_SOCKET || connect(c, (struct sockaddr *)&sin, sizeof sin) != 0)
            return uds_fail(PROG, "cannot connect to", "the listener");
        /* As the server's loop: wait until the listener is readable, accept. */
        WSAPOLLFD p = { .fd = listeners[i], .events = POLLRDNORM };
        if (WSAPoll(&p, 1, -1) != 1)
            return uds_fail(PROG, "no connection to accept on", "the listener");
        SOCKET conn = accept(listeners[i], NULL, NULL);
        if (conn == INVALID_SOCKET)
            return uds_fail(PROG, "cannot accept on", "the listener");
        /* A second accept() finds nothing: the listener does not block. */
        SOCKET none = accept(listeners[i], NULL, NULL);
        printf("accepted on %s; then %s\n",
               format_addr((struct sockaddr *)&sin, sizeof sin, where, sizeof where),
               none == INVALID_SOCKET && WSAGetLastError() == WSAEWOULDBLOCK
               ? "WSAEWOULDBLOCK" : "something else");
        closesocket(conn);
        closesocket(c);
    }
    for (int i = 0; i < n; i++)
        closesocket(listeners[i]);
    uds_cleanup();
    return n > 0 ? 0 : 1;
}
