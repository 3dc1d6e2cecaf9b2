/* SPDX-License-Identifier: MIT */
/*
 * pass-check (Windows, a test helper for win32.test, not a sample): runs
 * pass-server's hand-over without AF_UNIX.
 *
 * usage: pass-check PASS-TAKE serve|quit COMMAND [ARGS...]
 * Starts `PASS-TAKE serve|quit PORT COMMAND...` (pass-worker's receiving
 * side), which connects back over TCP loopback: that connection stands in
 * for the AF_UNIX one, and the process id comes from CreateProcess instead
 * of SIO_AF_UNIX_GETPEERPID.  Then it hands a client's connection to it
 * with pass-server's own send_fd(), closes its copy as the server does,
 * and prints what send_fd() returned and what the client got.  With quit,
 * the worker side takes the frame and leaves without answering: send_fd()
 * must notice, since it waits for the answer before the copy is closed.
 */
#define main pass_server_main /* the server's main() is not needed here */
#include "pass-server.c"
#undef main

int main(int argc, char **argv)
{
    SOCKET l, client, conn, worker;
    struct sockaddr_in addr = { .sin_family = AF_INET };
    socklen_t len = sizeof addr;
    STARTUPINFOEXA si = { .StartupInfo = { .cb = sizeof si } };
    PROCESS_INFORMATION pi;
    HANDLE err_handle = GetStdHandle(STD_ERROR_HANDLE);
    static char line[8192]; /* plain words only: a test helper */
    char got[4096];
    SIZE_T size = 0;
    DWORD status = 1;
    size_t total = 0;
    long n;

    if (argc < 4) {
        fprintf(stderr, "usage: pass-check PASS-TAKE serve|quit COMMAND [ARGS...]\n");
        return 2;
    }
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (uds_startup() != 0)
        return 1;
    /* The client's connection, and a listener for the worker side. */
    l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    client = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (l == INVALID_SOCKET || client == INVALID_SOCKET
        || bind(l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l, 2) != 0
        || getsockname(l, (struct sockaddr *)&addr, &len) != 0
        || connect(client, (struct sockaddr *)&addr, sizeof addr) != 0
        || (conn = accept(l, NULL, NULL)) == INVALID_SOCKET)
        return uds_fail("pass-check", "cannot set up", "the loopback connections");
    int k = snprintf(line, sizeof line, "\"%s\" %s %u", argv[1], argv[2], ntohs(addr.sin_port));
    for (char **arg = argv + 3; *arg != NULL && k > 0 && (size_t)k < sizeof line; arg++)
        k += snprintf(line + k, sizeof line - (size_t)k, " %s", *arg);
    /* The worker side gets our stderr, and nothing else of ours. */
    SetHandleInformation(err_handle, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = si.StartupInfo.hStdOutput = si.StartupInfo.hStdError = err_handle;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = malloc(size);
    if (si.lpAttributeList == NULL || !InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size)
        || !UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                      &err_handle, sizeof err_handle, NULL, NULL)
        || !CreateProcessA(NULL, line, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT,
                           NULL, NULL, &si.StartupInfo, &pi))
        return uds_fail_code("pass-check", "cannot start", argv[1], (int)GetLastError());
    if ((worker = accept(l, NULL, NULL)) == INVALID_SOCKET)
        return uds_fail("pass-check", "cannot accept", "the worker side");

    /* What pass-server's loop does with each connection. */
    int r = send_fd(worker, pi.dwProcessId, conn), e = WSAGetLastError();
    closesocket(conn);
    if (r == 0)
        printf("send_fd: 0\n");
    else
        printf("send_fd: %d (%s)\n", r, uds_error_name(e));
    shutdown(client, SD_SEND);
    while (total < sizeof got - 1
           && (n = uds_recv_some(client, got + total, sizeof got - 1 - total)) > 0)
        total += (size_t)n;
    while (total > 0 && (got[total - 1] == '\n' || got[total - 1] == '\r'))
        total--;
    got[total] = '\0';
    printf("client got: [%s]\n", got);
    closesocket(worker); /* the worker side's server goes away: it ends */
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &status);
    printf("worker side: exit %lu\n", (unsigned long)status);
    return 0;
}
