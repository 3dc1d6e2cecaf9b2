/* SPDX-License-Identifier: MIT */
/*
 * pair-parent (Windows): a connected pair of sockets for a parent and child.
 *
 * Winsock has no socketpair(): make_pair() (socketpair.c) emulates it.
 * The parent keeps one end and starts pair-child.exe (the program beside
 * this one) with the other, passing its handle's value on the command
 * line.  It sends each MESSAGE as a frame (frame.c), prints the child's
 * replies (each message reversed), closes its end, and reports how the
 * child ended.  The child's standard handles come from std-handles.c.
 *
 * usage: pair-parent MESSAGE...
 */
#include "uds.h"
#include "frame.h"
#include "socketpair.h"
#include "std-handles.h"

#include <stdio.h>
#include <string.h>

#define PROG "pair-parent"
#define USAGE "usage: " PROG " MESSAGE..."

static unsigned char buf[FRAME_MAX];

/* Start pair-child.exe, from the directory this program is in, with END
 * as its end of the pair.  Returns its process handle, or NULL after
 * printing why. */
static HANDLE start_child(SOCKET end)
{
    char child[MAX_PATH], cmd[MAX_PATH + 32];
    DWORD n = GetModuleFileNameA(NULL, child, sizeof child);
    char *slash = n > 0 && n < sizeof child ? strrchr(child, '\\') : NULL;

    if (slash == NULL || (size_t)(slash - child) + sizeof "\\pair-child.exe" > sizeof child) {
        uds_fail_code(PROG, "cannot find", "pair-child.exe", (int)GetLastError());
        return NULL;
    }
    strcpy(slash, "\\pair-child.exe");
    snprintf(cmd, sizeof cmd, "\"%s\" %llu", child, (unsigned long long)end);
    /* [start-child] */
    HANDLE list[4] = { (HANDLE)end };
    STARTUPINFOEXA si = { .StartupInfo.cb = sizeof si };
    PROCESS_INFORMATION pi = { 0 };
    SIZE_T size = 0;
    int ready = 0, listed = 1 + std_handles(&si.StartupInfo, list + 1);
    /* A child started with bInheritHandles gets every inheritable handle,
     * unless a handle list names the ones it may have: here, its end of
     * the pair and its standard handles.  That end must be inheritable to
     * be in the list; both ends were made with WSA_FLAG_NO_HANDLE_INHERIT,
     * so nothing else of ours can leak into this child, or into any other. */
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    si.lpAttributeList = HeapAlloc(GetProcessHeap(), 0, size);
    if (si.lpAttributeList != NULL
        && (ready = InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size))
        && SetHandleInformation(list[0], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)
        && UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                     list, listed * sizeof *list, NULL, NULL)
        && CreateProcessA(child, cmd, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT,
                          NULL, NULL, &si.StartupInfo, &pi)) {
        CloseHandle(pi.hThread);
    } else {
        uds_fail_code(PROG, "cannot start", child, (int)GetLastError());
        pi.hProcess = NULL;
    }
    while (listed > 1)
        CloseHandle(list[--listed]); /* the child has its own copies now */
    if (ready)
        DeleteProcThreadAttributeList(si.lpAttributeList);
    HeapFree(GetProcessHeap(), 0, si.lpAttributeList);
    /* [start-child] */
    return pi.hProcess;
}

int main(int argc, char **argv)
{
    SOCKET sv[2];
    int status = 0;
    DWORD child_status;

    /* An argument starting with - is an option, never a message: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc < 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (strlen(argv[i]) > FRAME_MAX) {
            fprintf(stderr, PROG ": message %d has %zu bytes; the limit is %u\n",
                    i, strlen(argv[i]), FRAME_MAX);
            return 2;
        }
    }
    /* Winsock works only after WSAStartup (the library's uds_startup()). */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");

    /* [make-pair] */
    /* make_pair() makes both ends with WSA_FLAG_NO_HANDLE_INHERIT. */
    if (make_pair(sv) != 0)
        return uds_fail_socket(PROG, "a socket pair");
    HANDLE child = start_child(sv[1]);
    /* The child's end is the child's now.  The parent must close its copy,
     * or the child's end stays open and it never sees the parent's EOF. */
    closesocket(sv[1]);
    /* [make-pair] */
    if (child == NULL) {
        closesocket(sv[0]);
        return 1;
    }

    for (int i = 1; i < argc && status == 0; i++) {
        if (frame_write(sv[0], argv[i], strlen(argv[i])) != 0)
            status = uds_fail(PROG, "cannot send to", "the child");
    }
    for (int i = 1; i < argc && status == 0; i++) {
        size_t len;
        int r = frame_read(sv[0], buf, &len);
        if (r == 0) {
            fprintf(stderr, PROG ": the child closed its end after %d of %d replies\n",
                    i - 1, argc - 1);
            status = 1;
        } else if (r < 0) {
            status = frame_fail(PROG, "the child", len);
        } else {
            printf("%.*s\n", (int)len, (char *)buf);
        }
    }
    closesocket(sv[0]); /* the child's end of stream: it finishes */
    if (WaitForSingleObject(child, INFINITE) != WAIT_OBJECT_0
        || !GetExitCodeProcess(child, &child_status)) {
        CloseHandle(child);
        return uds_fail_code(PROG, "cannot wait for", "the child", (int)GetLastError());
    }
    CloseHandle(child);
    uds_cleanup();
    if (child_status != 0) {
        fprintf(stderr, PROG ": the child failed (status %lu)\n", (unsigned long)child_status);
        return 1;
    }
    printf("child exited with status 0\n");
    return status;
}
