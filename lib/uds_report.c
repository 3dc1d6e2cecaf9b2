/* SPDX-License-Identifier: MIT */
/*
 * The part of the helper library that prints: the kit's one error format,
 * written once so that no program has to carry its own copy.  Everything
 * else in the library only returns errors; these functions are for a
 * program's main() and the functions it calls, which decide what to say.
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>

int uds_fail_code(const char *prog, const char *what, const char *where, int err)
{
    /* One line, "PROG: WHAT WHERE: text (SYMBOL)": the path tells the user
     * which file, the symbol tells a search engine which error. */
    fprintf(stderr, "%s: %s %s: %s\n", prog, what, where, uds_strerror(err));
    return 1;
}

int uds_fail(const char *prog, const char *what, const char *where)
{
    return uds_fail_code(prog, what, where, uds_last_error());
}

int uds_fail_socket(const char *prog, const char *where)
{
    int err = uds_last_error();

    /* On Windows this is how a system without AF_UNIX answers (on Linux it
     * cannot happen for AF_UNIX): its own text would not say what to do. */
    if (err == UDS_EAFNOSUPPORT) {
        fprintf(stderr, "%s: %s\n", prog, UDS_AFUNIX_MISSING);
        return 1;
    }
    return uds_fail_code(prog, "cannot create a socket for", where, err);
}

int uds_options(const char *prog, int argc, char **argv,
                const char *const *known, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int ok = 0;

        if (arg[0] != '-')
            continue;
        if (strcmp(arg, "--help") == 0) {
            printf("%s\n", usage);
            return 0;
        }
        for (const char *const *k = known; k != NULL && *k != NULL; k++)
            if (strcmp(arg, *k) == 0)
                ok = 1;
        if (!ok) {
            /* A typing mistake such as "-h" or "--hepl" must not become
             * the name of a socket file. */
            fprintf(stderr, "%s: unknown option %s\n%s\n", prog, arg, usage);
            return 2;
        }
    }
    return -1;
}
