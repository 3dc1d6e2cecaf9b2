/* SPDX-License-Identifier: MIT */
/*
 * win2wsl: how a WSL program spells a Windows program's socket path.
 *
 * A Windows server listens on C:\Users\me\app.sock; a WSL 1 client must
 * connect to /mnt/c/Users/me/app.sock, the same file seen through the
 * drive's mount.  The solution: win_to_wsl() completed, each choice
 * explained beside its TODO.
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
    /* TODO 1: a drive letter, a colon and a separator, nothing else.
     * "\Users" is rooted on whichever drive is current, "C:Users" is
     * relative to C:'s current directory, and "\\server\share" or
     * "\\?\C:\" are not on a drive at all: a WSL program cannot know
     * which file any of them names, so they are refused, not guessed. */
    if (!isalpha((unsigned char)win[0]) || win[1] != ':' || (win[2] != '\\' && win[2] != '/')) {
        uds_set_error(EINVAL);
        return -1;
    }
    /* TODO 2: only mounted drives have a WSL spelling.  ENOENT, because
     * the path names a directory, /mnt/z, that has nothing in it. */
    char letter = (char)tolower((unsigned char)win[0]);
    int mounted = 0;
    for (const char *d = drives; *d != '\0'; d++)
        mounted |= tolower((unsigned char)*d) == letter;
    if (!mounted) {
        uds_set_error(ENOENT);
        return -1;
    }
    /* TODO 3: the mount point: root, then the letter in lower case (WSL
     * names it /mnt/c, never /mnt/C).  snprintf() reports the length it
     * wanted, so a root too long for out is caught, not cut. */
    int len = snprintf(out, cap, "%s%c", mnt_root, letter);
    if (len < 0 || (size_t)len >= cap) {
        uds_set_error(ENAMETOOLONG);
        return -1;
    }
    size_t n = (size_t)len;
    /* TODO 4: Windows takes '\' and '/' alike.  Each run of separators
     * becomes one '/', written only when a name follows, so that neither
     * a doubled nor a final separator reaches the result. */
    for (const char *p = win + 2; *p != '\0'; ) {
        while (*p == '\\' || *p == '/')
            p++;
        if (*p == '\0')
            break;
        size_t name = strcspn(p, "\\/");
        /* TODO 5: room for '/', the name and the NUL, in out and in
         * sun_path (107 bytes and a NUL): a path cut short would name
         * another file. */
        if (n + 1 + name >= cap || n + 1 + name > UDS_PATH_MAX - 1) {
            uds_set_error(ENAMETOOLONG);
            return -1;
        }
        out[n++] = '/';
        memcpy(out + n, p, name);
        n += name;
        p += name;
    }
    out[n] = '\0';
    /* The bare mount point can be too long for sun_path too. */
    if (n > UDS_PATH_MAX - 1) {
        uds_set_error(ENAMETOOLONG);
        return -1;
    }
    return 0;
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
