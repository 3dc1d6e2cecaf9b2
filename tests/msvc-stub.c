/* SPDX-License-Identifier: MIT */
/*
 * msvc-stub: stands in for Microsoft's cl and lib in build-msvc.test,
 * copied there as cl.exe and lib.exe.  It appends one line to the file
 * named by MSVC_STUB_LOG: its own name, then each argument, separated by
 * tabs (the arguments as the program receives them, quotes removed).  It
 * fails (exit status 2) when one of its arguments contains the text of
 * MSVC_STUB_FAIL, so that the test can make one compilation fail.  A
 * Windows program, not a .cmd: a batch file that another one runs without
 * "call" never returns to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *log = getenv("MSVC_STUB_LOG");
    const char *fail = getenv("MSVC_STUB_FAIL");
    /* Its name without the directory and the .exe: "cl" or "lib". */
    const char *name = argv[0];
    for (const char *p = argv[0]; *p != '\0'; p++)
        if (*p == '\\' || *p == '/')
            name = p + 1;
    size_t n = strcspn(name, ".");

    FILE *f = log != NULL ? fopen(log, "a") : NULL;
    if (f == NULL) {
        fprintf(stderr, "msvc-stub: cannot append to MSVC_STUB_LOG\n");
        return 3;
    }
    fprintf(f, "%.*s", (int)n, name);
    for (int i = 1; i < argc; i++)
        fprintf(f, "\t%s", argv[i]);
    fprintf(f, "\n");
    if (fclose(f) != 0) {
        fprintf(stderr, "msvc-stub: cannot write MSVC_STUB_LOG\n");
        return 3;
    }
    for (int i = 1; i < argc; i++)
        if (fail != NULL && fail[0] != '\0' && strstr(argv[i], fail) != NULL) {
            fprintf(stderr, "%.*s: failing, as MSVC_STUB_FAIL asks\n", (int)n, name);
            return 2;
        }
    return 0;
}
