/* SPDX-License-Identifier: MIT */
/*
 * private-dir.c (Linux): the socket's directory, mode 0700 and ours.
 * See private-dir.h; private-server.c is the program that uses it.
 */
#include "uds.h"
#include "private-dir.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

/* [private-dir] */
/* Create the directory with mode 0700, or check the one that is there: a
 * real directory (lstat: a symlink is not followed but refused), owned by
 * us, with no access for group or others. */
static int check_dir(const char *prog, const char *dir)
{
    struct stat st;
    int made = mkdir(dir, 0700) == 0;

    if (!made && errno != EEXIST)
        return uds_fail(prog, "cannot create directory", dir);
    if (lstat(dir, &st) != 0)
        return uds_fail(prog, "cannot inspect", dir);
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: %s is %s, not a directory; not using it\n", prog, dir,
                S_ISLNK(st.st_mode) ? "a symbolic link" : "something else");
        return 1;
    }
    if (st.st_uid != geteuid()) {
        fprintf(stderr, "%s: %s belongs to uid %u, not to you (uid %u); not using it\n",
                prog, dir, (unsigned)st.st_uid, (unsigned)geteuid());
        return 1;
    }
    if ((st.st_mode & 0777) != 0700) {
        fprintf(stderr, "%s: %s has mode %04o, not 0700; not using it\n",
                prog, dir, (unsigned)(st.st_mode & 07777));
        return 1;
    }
    printf("%s private directory %s\n", made ? "created" : "checked", dir);
    return 0;
}
/* [private-dir] */

int private_dir(const char *prog, const char *socket_path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", socket_path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return check_dir(prog, ".");
    if (slash == dir)
        slash++; /* "/x.sock" lives in "/" */
    *slash = '\0';
    return check_dir(prog, dir);
}
