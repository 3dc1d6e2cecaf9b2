/* SPDX-License-Identifier: MIT */
/*
 * win2wsl: how a WSL program spells a Windows program's socket path.
 *
 * A Windows server listens on C:\Users\me\app.sock; a WSL 1 client must
 * connect to /mnt/c/Users/me/app.sock, the same file seen through the
 * drive's mount.  Complete win_to_wsl() (the TODOs); main() is done.
 *
 * usage: win2wsl [--root MOUNT_ROOT] [--drives LETTERS] WINDOWS_PATH
 *   --root    where WSL mounts the drives (default /mnt/, as /etc/wsl.conf's
 *             [automount] root says)
 *   --drives  the drive letters that are mounted there (default c)
 */
#include "uds.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PROG "win2wsl"
#define USAGE "usage: " PROG " [--root MOUNT_ROOT] [--drives LETTERS] WINDOWS_PATH"

/*
 * Write into out (cap bytes) the WSL spelling of the Windows path win:
 * the drive's letter in lower case under mnt_root (which ends with '/'),
 * then the rest of the path with '/' between its names.
 * Return 0; or -1 after uds_set_error() with
 *   EINVAL        a path that does not start with a drive letter, a colon
 *                 and a separator: relative paths, \Users (the current
 *                 drive's root), C:Users (C:'s current directory), UNC and
 *                 device paths (\\server\share, \\?\C:\...);
 *   ENOENT        a drive whose letter is not in drives: not mounted;
 *   ENAMETOOLONG  a result that does not fit in out, or in sun_path.
 */
static int win_to_wsl(const char *win, const char *mnt_root, const char *drives,
                      char *out, size_t cap)
{
    /* TODO 1: refuse (EINVAL) every path that is not a letter, ':', then
     *         '\' or '/'. */
    /* TODO 2: refuse (ENOENT) a drive that is not mounted: its letter, in
     *         either case, is not in drives. */
    /* TODO 3: begin with mnt_root and the letter in lower case. */
    /* TODO 4: copy the rest, each '\' or '/' becoming one '/': a run of
     *         separators is one, and none is left at the end (C:\ is
     *         /mnt/c, C:\Users\ is /mnt/c/Users). */
    /* TODO 5: refuse (ENAMETOOLONG) a result of cap bytes or more, or of
     *         more than UDS_PATH_MAX - 1 bytes: never cut it short. */
    (void)win; (void)mnt_root; (void)drives; (void)out; (void)cap;
    uds_set_error(ENOSYS);
    return -1;
}

int main(int argc, char **argv)
{
    const char *root = "/mnt/", *drives = "c", *path = NULL;
    static const char *const options[] = { "--root", "--drives", NULL };
    char mnt_root[256], out[512];

    int opt = uds_options(PROG, argc, argv, options, USAGE);
    if (opt >= 0)
        return opt;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strcmp(argv[i], "--drives") == 0 && i + 1 < argc)
            drives = argv[++i];
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else
            path = NULL, i = argc; /* a usage error */
    }
    size_t n = strlen(root);
    if (path == NULL || root[0] != '/' || n + 2 > sizeof mnt_root) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    /* The root always ends with '/': wsl.conf may say "/win" or "/win/". */
    snprintf(mnt_root, sizeof mnt_root, "%s%s", root, root[n - 1] == '/' ? "" : "/");
    if (win_to_wsl(path, mnt_root, drives, out, sizeof out) != 0)
        return uds_fail(PROG, "cannot translate", path);
    printf("%s\n", out);
    return 0;
}
