/* SPDX-License-Identifier: MIT */
/*
 * The command line of a child process on Windows: see command-line.h.
 * Shared by both Win32 workers; quote-check tests it under Wine against
 * Windows' own parser, CommandLineToArgvW().
 */
#include "command-line.h"

#include <string.h>

/* [command-line] */
/* Windows passes a child one string, not an argv: the child's C runtime
 * splits it again (the rules of CommandLineToArgvW).  Quote each argument
 * so it comes back unchanged: backslashes are literal except before a
 * quote, where they must be doubled, and a quote inside is \".  Returns 0,
 * or -1 when the line would not fit in CAP bytes. */
int append_arg(char *line, size_t cap, size_t *len, const char *arg)
{
    size_t n = *len;
    int quote = *arg == '\0' || strpbrk(arg, " \t\n\v\"") != NULL;

#define PUT(c) do { if (n + 1 >= cap) return -1; line[n++] = (c); } while (0)
    if (n > 0)
        PUT(' ');
    if (quote)
        PUT('"');
    for (const char *p = arg;; p++) {
        size_t slashes = 0;
        while (*p == '\\') {
            slashes++;
            p++;
        }
        /* Before a quote, ours at the end or one of the argument's, each
         * backslash is doubled; anywhere else they stand as they are. */
        if (quote && (*p == '\0' || *p == '"'))
            slashes *= 2;
        while (slashes-- > 0)
            PUT('\\');
        if (*p == '\0')
            break;
        if (*p == '"')
            PUT('\\');
        PUT(*p);
    }
    if (quote)
        PUT('"');
#undef PUT
    line[n] = '\0';
    *len = n;
    return 0;
}
/* [command-line] */

int build_command_line(char *line, size_t cap, char **argv)
{
    size_t len = 0;

    if (cap == 0)
        return -1;
    line[0] = '\0';
    for (char **arg = argv; *arg != NULL; arg++)
        if (append_arg(line, cap, &len, *arg) != 0)
            return -1;
    return 0;
}
