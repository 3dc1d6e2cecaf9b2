/* SPDX-License-Identifier: MIT */
/*
 * quote-check (Windows, a test helper for win32.test, not a sample):
 * checks the Win32 workers' command-line quoting (command-line.c) without
 * AF_UNIX.
 *
 * Builds a command line from its own arguments with the workers'
 * append_arg(), prints it, and splits it again with Windows's own parser,
 * CommandLineToArgvW(): every argument must come back unchanged.
 *
 * usage: quote-check [--cap BYTES] ARG...
 * --cap gives the line less room, to see the worker refuse what won't fit.
 */
#include "command-line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <shellapi.h>

int main(int argc, char **argv)
{
    static char line[COMMAND_LINE_MAX];
    static wchar_t wide[COMMAND_LINE_MAX];
    char back[COMMAND_LINE_MAX];
    size_t cap = sizeof line, len = 0;
    int first = 1, parsed, bad = 0;

    if (argc > 2 && strcmp(argv[1], "--cap") == 0) {
        cap = (size_t)atoi(argv[2]);
        first = 3;
    }
    if (argc <= first || cap < 1 || cap > sizeof line) {
        fprintf(stderr, "usage: quote-check [--cap BYTES] ARG...\n");
        return 2;
    }
    /* The program name is parsed by other rules: keep it plain. */
    append_arg(line, cap, &len, "prog");
    for (int i = first; i < argc; i++)
        if (append_arg(line, cap, &len, argv[i]) != 0) {
            printf("too long for %zu bytes\n", cap);
            return 1;
        }
    printf("%s\n", line);

    MultiByteToWideChar(CP_ACP, 0, line, -1, wide, COMMAND_LINE_MAX);
    wchar_t **args = CommandLineToArgvW(wide, &parsed);
    if (args == NULL || parsed != argc - first + 1) {
        printf("split into %d arguments, expected %d\n", parsed, argc - first + 1);
        return 1;
    }
    for (int i = first; i < argc; i++) {
        WideCharToMultiByte(CP_ACP, 0, args[i - first + 1], -1, back, sizeof back, NULL, NULL);
        if (strcmp(back, argv[i]) != 0) {
            printf("argument %d came back as [%s], not [%s]\n", i - first + 1, back, argv[i]);
            bad = 1;
        }
    }
    LocalFree(args);
    return bad;
}
