/* SPDX-License-Identifier: MIT */
/*
 * pair-check (Windows): the socketpair emulation's own test (TAP).
 * What needs no AF_UNIX (the temporary path, a %TEMP% too long for
 * sun_path, starting pair-child.exe with its one handle) is always
 * checked; the pair itself only where AF_UNIX exists (not under Wine 8:
 * those checks are skipped, saying why).
 */
#include "uds.h"
#include "socketpair.h"
#include "../../../tests/tap.h"

#include <stdlib.h>
#include <string.h>

/* pair-parent's start_child() is tested as it is, on a socket Wine has:
 * one end of a loopback TCP pair is a stream socket too. */
#define main pair_parent_main
#include "pair-parent.c"
#undef main

/* Is any file of this process's pairs left in the temporary directory? */
static int leftovers(void)
{
    char pattern[MAX_PATH + 64], dir[MAX_PATH + 1];
    WIN32_FIND_DATAA found;

    GetTempPathA(sizeof dir, dir);
    snprintf(pattern, sizeof pattern, "%spair-%lu-*", dir, (unsigned long)GetCurrentProcessId());
    HANDLE h = FindFirstFileA(pattern, &found);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    FindClose(h);
    return 1;
}

static int inheritable(SOCKET s)
{
    DWORD flags = 0;
    return GetHandleInformation((HANDLE)s, &flags) && (flags & HANDLE_FLAG_INHERIT);
}

int main(void)
{
    char p1[UDS_PATH_MAX], p2[UDS_PATH_MAX], dir[MAX_PATH + 1];
    SOCKET sv[2];
    char got[8];

    tap_start();
    if (uds_startup() != 0)
        return tap_skip_all("Winsock does not start");

    GetTempPathA(sizeof dir, dir);
    int r1 = pair_temp_path(p1, sizeof p1), r2 = pair_temp_path(p2, sizeof p2);
    tap_ok(r1 == 0 && r2 == 0, "pair_temp_path() makes a path");
    tap_ok(r1 == 0 && strncmp(p1, dir, strlen(dir)) == 0 && strlen(p1) < UDS_PATH_MAX,
           "... in the temporary directory, short enough for sun_path: %s", p1);
    tap_ok(r1 == 0 && r2 == 0 && strcmp(p1, p2) != 0, "... a different one every time");

    int made = make_pair(sv);
    int err = WSAGetLastError();
    if (made != 0 && err == WSAEAFNOSUPPORT) {
        const char *why = "no AF_UNIX here (WSAEAFNOSUPPORT), as under Wine 8";
        tap_ok(1, "make_pair() fails with WSAEAFNOSUPPORT where there is no AF_UNIX");
        tap_ok(!leftovers(), "... and leaves no file behind");
        printf("ok %d - the two ends are connected both ways # SKIP %s\n", ++tap_count, why);
        printf("ok %d - neither end can be inherited # SKIP %s\n", ++tap_count, why);
        printf("ok %d - no socket file is left behind # SKIP %s\n", ++tap_count, why);
    } else if (tap_ok(made == 0, "make_pair() makes a pair")
               || (tap_diag("error %s", uds_strerror(err)), 0)) {
        int ok = send(sv[0], "ping", 4, 0) == 4 && recv(sv[1], got, 4, 0) == 4
                 && memcmp(got, "ping", 4) == 0
                 && send(sv[1], "pong", 4, 0) == 4 && recv(sv[0], got, 4, 0) == 4
                 && memcmp(got, "pong", 4) == 0;
        tap_ok(ok, "the two ends are connected both ways");
        tap_ok(!inheritable(sv[0]) && !inheritable(sv[1]), "neither end can be inherited");
        tap_ok(!leftovers(), "no socket file is left behind");
        closesocket(sv[0]);
        closesocket(sv[1]);
    }

    /* The hand-over: pair-child.exe (beside this program) gets one end of
     * a loopback TCP pair, which needs no AF_UNIX, and answers through it.
     * Wine 8 starts the child, but passes it no working socket: even a
     * plainly inherited one is WSAENOTSOCK there (tried), so under Wine
     * the answer is skipped, not failed. */
    int wine = GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != NULL;
    SOCKET tcp[2];
    size_t len = 0;
    DWORD code = 1;
    if (uds_wake_pair(tcp) != 0) {
        tap_ok(0, "a loopback TCP pair for the hand-over test: %s", uds_strerror(WSAGetLastError()));
    } else {
        HANDLE child = start_child(tcp[1]);
        closesocket(tcp[1]);
        tap_ok(child != NULL, "start_child() starts pair-child.exe with its handle list");
        if (wine) {
            const char *why = "Wine 8 passes no working socket to a child process";
            printf("ok %d - the child answers through the handle it was given # SKIP %s\n", ++tap_count, why);
            printf("ok %d - the child exits 0 when the parent closes its end # SKIP %s\n", ++tap_count, why);
        } else {
            int ok = child != NULL && frame_write(tcp[0], "hello", 5) == 0
                     && frame_read(tcp[0], buf, &len) == 1 && len == 5
                     && memcmp(buf, "olleh", 5) == 0;
            tap_ok(ok, "the child answers through the handle it was given");
        }
        closesocket(tcp[0]);
        if (child != NULL) {
            WaitForSingleObject(child, INFINITE);
            GetExitCodeProcess(child, &code);
            CloseHandle(child);
        }
        if (!wine)
            tap_ok(code == 0, "the child exits 0 when the parent closes its end (status %lu)",
                   (unsigned long)code);
    }

    /* The child's errors go where the parent's stderr goes, here a file,
     * although the handle list limits what the child inherits: a child
     * given a handle that is no socket (an event) says so on its stderr.
     * Needs no socket in the child, so Wine runs it too. */
    char err_path[MAX_PATH + 1], said[256] = "";
    HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE err_file = GetTempFileNameA(dir, "err", 0, err_path) == 0 ? INVALID_HANDLE_VALUE
        : CreateFileA(err_path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                      CREATE_ALWAYS, 0, NULL);
    if (event == NULL || err_file == INVALID_HANDLE_VALUE) {
        tap_ok(0, "an event and a file for the stderr test: error %lu", GetLastError());
    } else {
        HANDLE saved = GetStdHandle(STD_ERROR_HANDLE);
        SetStdHandle(STD_ERROR_HANDLE, err_file);
        HANDLE child = start_child((SOCKET)event);
        SetStdHandle(STD_ERROR_HANDLE, saved);
        if (child != NULL) {
            WaitForSingleObject(child, INFINITE);
            CloseHandle(child);
        }
        CloseHandle(err_file);
        FILE *f = fopen(err_path, "r");
        if (f != NULL) {
            fgets(said, sizeof said, f);
            fclose(f);
        }
        tap_ok(child != NULL && strncmp(said, "pair-child: bad handle ", 23) == 0,
               "the child's stderr is its parent's, a file, through the handle list: %s",
               said[0] != '\0' ? said : "(nothing)\n");
    }
    if (event != NULL)
        CloseHandle(event);
    DeleteFileA(err_path);

    /* %TEMP% comes from the environment (TMP first): make it too long. */
    char long_dir[200];
    memset(long_dir, 'd', sizeof long_dir - 1);
    memcpy(long_dir, "C:\\", 3);
    long_dir[sizeof long_dir - 1] = '\0';
    SetEnvironmentVariableA("TMP", long_dir);
    SetEnvironmentVariableA("TEMP", long_dir);
    r1 = pair_temp_path(p1, sizeof p1);
    tap_ok(r1 != 0 && WSAGetLastError() == WSAENAMETOOLONG,
           "a temporary directory too long for sun_path: WSAENAMETOOLONG, not a cut path");
    made = make_pair(sv);
    tap_ok(made != 0 && WSAGetLastError() == WSAENAMETOOLONG,
           "... and make_pair() refuses too, before making any socket");
    uds_cleanup();
    return tap_done();
}
