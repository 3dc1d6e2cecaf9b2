/* SPDX-License-Identifier: MIT */
/*
 * ctrl-event: a test helper (Windows only) that stops a console program the
 * way a user does, with Ctrl+C or Ctrl+Break.  MSYS2's kill cannot: it ends
 * a native program with TerminateProcess(), which no handler sees.
 *
 *   ctrl-event start PIDFILE COMMAND [ARGS...]
 *       runs COMMAND in a console of its own (hidden), with this program's
 *       standard handles, writes COMMAND's process id to PIDFILE, waits for
 *       it and exits with its exit code.  The console of its own is what
 *       lets the event reach COMMAND alone, not the test script.
 *   ctrl-event c|break PID
 *       attaches to PID's console and sends the event to every process in
 *       it (GenerateConsoleCtrlEvent with group 0), ignoring it itself.
 *
 * Used by tests/kit.sh (wbg, wstop) when the tests run natively in MSYS2.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PROG "ctrl-event"

static int usage(void)
{
    fprintf(stderr, "usage: " PROG " start PIDFILE COMMAND [ARGS...] | " PROG " c|break PID\n");
    return 2;
}

/* Appends ARG to CMD quoted the way CommandLineToArgvW splits it back. */
static void append_arg(wchar_t *cmd, size_t size, const wchar_t *arg)
{
    size_t n = wcslen(cmd);
    int plain = arg[0] != L'\0' && wcspbrk(arg, L" \t\n\v\"") == NULL;

    if (n > 0 && n + 1 < size)
        cmd[n++] = L' ';
    if (plain) {
        for (; *arg && n + 1 < size; arg++)
            cmd[n++] = *arg;
    } else {
        if (n + 1 < size)
            cmd[n++] = L'"';
        for (;; arg++) {
            size_t slashes = 0;
            while (*arg == L'\\') {
                arg++;
                slashes++;
            }
            /* Backslashes double before a quote and before the closing one. */
            if (*arg == L'\0' || *arg == L'"')
                slashes = slashes * 2 + (*arg == L'"');
            for (; slashes > 0 && n + 1 < size; slashes--)
                cmd[n++] = L'\\';
            if (*arg == L'\0')
                break;
            if (n + 1 < size)
                cmd[n++] = *arg;
        }
        if (n + 1 < size)
            cmd[n++] = L'"';
    }
    cmd[n] = L'\0';
}

static HANDLE inheritable(DWORD which)
{
    HANDLE h = GetStdHandle(which), dup = NULL;
    if (h == NULL || h == INVALID_HANDLE_VALUE)
        return NULL;
    if (!DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup, 0, TRUE,
                         DUPLICATE_SAME_ACCESS))
        return NULL;
    return dup;
}

static int start(int argc, wchar_t **argv)
{
    static wchar_t cmd[32768];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 1;
    FILE *f;

    cmd[0] = L'\0';
    for (int i = 3; i < argc; i++)
        append_arg(cmd, sizeof cmd / sizeof cmd[0], argv[i]);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES | STARTF_USESHOWWINDOW;
    si.wShowWindow = SW_HIDE;
    si.hStdInput = inheritable(STD_INPUT_HANDLE);
    si.hStdOutput = inheritable(STD_OUTPUT_HANDLE);
    si.hStdError = inheritable(STD_ERROR_HANDLE);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_NEW_CONSOLE, NULL, NULL, &si, &pi)) {
        fprintf(stderr, PROG ": cannot start %ls: error %lu\n", argv[3], GetLastError());
        return 1;
    }
    f = _wfopen(argv[2], L"w");
    if (f == NULL || fprintf(f, "%lu\n", pi.dwProcessId) < 0 || fclose(f) != 0) {
        fprintf(stderr, PROG ": cannot write %ls\n", argv[2]);
        TerminateProcess(pi.hProcess, 1);
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}

static int send_event(DWORD event, const wchar_t *pid_text)
{
    wchar_t *end;
    unsigned long pid = wcstoul(pid_text, &end, 10);

    if (*pid_text == L'\0' || *end != L'\0')
        return usage();
    FreeConsole();
    if (!AttachConsole((DWORD)pid)) {
        fprintf(stderr, PROG ": cannot attach to the console of %lu: error %lu\n", pid, GetLastError());
        return 1;
    }
    SetConsoleCtrlHandler(NULL, TRUE); /* the event is for the others */
    if (!GenerateConsoleCtrlEvent(event, 0)) {
        fprintf(stderr, PROG ": cannot send the event to %lu: error %lu\n", pid, GetLastError());
        return 1;
    }
    return 0;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc >= 4 && wcscmp(argv[1], L"start") == 0)
        return start(argc, argv);
    if (argc == 3 && wcscmp(argv[1], L"c") == 0)
        return send_event(CTRL_C_EVENT, argv[2]);
    if (argc == 3 && wcscmp(argv[1], L"break") == 0)
        return send_event(CTRL_BREAK_EVENT, argv[2]);
    return usage();
}
