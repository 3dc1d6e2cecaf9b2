/* SPDX-License-Identifier: MIT */
/*
 * wsl-where (Linux): could a Windows program connect to a socket at PATH?
 *
 * Tells whether this runs on WSL 1, WSL 2 or neither, whether PATH is on
 * a Windows drive (DrvFs) or on the Linux side's own files (VolFs), how
 * Windows spells PATH, and then whether a Windows peer could reach a
 * socket there, in one sentence.  Everything comes from what the kernel
 * reports (wsl.c); --root DIR reads DIR/proc/... and DIR/etc/wsl.conf
 * instead of the running system's, so tests can give it recorded ones.
 * PATH is judged where it leads, ".." and "." taken away as the kernel
 * walks them (/mnt/c/../home is not on C:), by its spelling alone: no file
 * is read, so a symbolic link in it is not followed.
 *
 * usage: wsl-where [--root DIR] [--distro NAME] PATH
 */
#include "uds.h"
#include "wsl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "wsl-where"
#define USAGE "usage: " PROG " [--root DIR] [--distro NAME] PATH"

static int usage(void)
{
    fprintf(stderr, "%s\n", USAGE);
    return 2;
}

/* [verdict] */
/* The one sentence: can a Windows program connect to a socket at PATH? */
static const char *verdict(enum wsl_kind kind, const struct wsl_mount *m, int spelled)
{
    if (kind == WSL_NONE)
        return "no: this is not WSL, so no Windows program shares these files;"
               " only programs of this system can connect";
    if (m->drvfs && m->drive == 0)
        return "unknown: a Windows file system with no drive letter (a network"
               " share?); no documentation says whether AF_UNIX interop works there";
    if (!spelled)
        return "no: its Windows spelling does not fit in sun_path, so no Windows"
               " program can bind or connect to it";
    if (kind == WSL_2)
        return m->drvfs
            ? "no: WSL 2 runs in a virtual machine and has no AF_UNIX interop;"
              " a Windows program's connect() is refused even on a Windows drive"
              " (use WSL 1, or a relay)"
            : "no: only WSL programs can connect here; WSL 2 has no AF_UNIX"
              " interop, and a \\\\wsl.localhost path carries no connection";
    return m->drvfs
        ? "yes: on a Windows drive a WSL 1 socket talks to Windows programs only,"
          " and only if bind() or connect() is its first call"
        : "no: on VolFs only WSL programs can connect; Windows sees the file"
          " through \\\\wsl.localhost but cannot connect through it";
}
/* [verdict] */

int main(int argc, char **argv)
{
    const char *root = "/", *distro = getenv("WSL_DISTRO_NAME"), *path = NULL;
    static const char *const options[] = { "--root", "--distro", NULL };

    int opt = uds_options(PROG, argc, argv, options, USAGE);
    if (opt >= 0)
        return opt;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strcmp(argv[i], "--distro") == 0 && i + 1 < argc)
            distro = argv[++i];
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else
            return usage();
    }
    if (path == NULL)
        return usage();
    if (distro == NULL || distro[0] == '\0')
        distro = "DISTRO"; /* WSL sets WSL_DISTRO_NAME; elsewhere, a placeholder */
    /* The Linux spelling must fit in sun_path too. */
    struct sockaddr_un addr;
    socklen_t addr_len;
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    if (path[0] != '/')
        return uds_fail_code(PROG, "cannot place relative path", path, UDS_EINVAL);

    char where[UDS_PATH_MAX], release[256], mnt_root[256], windows[512];
    if (wsl_normalize(path, where, sizeof where) != 0)
        return uds_fail(PROG, "cannot place", path);
    struct wsl_mount m;
    enum wsl_kind kind = wsl_detect(root, release, sizeof release);
    if (wsl_mount_of(root, where, &m) != 0)
        return uds_fail(PROG, "cannot read the mounts under", root);
    wsl_automount_root(root, mnt_root, sizeof mnt_root);

    printf("system: %s (kernel %s)\n", wsl_kind_name(kind),
           release[0] != '\0' ? release : "unknown");
    if (strcmp(where, path) != 0)
        printf("note: judged as %s (its . and .. taken away; links not followed)\n", where);
    if (kind == WSL_NONE)
        printf("file system: %s, mounted at %s\n", m.type, m.point);
    else if (m.drvfs && m.drive == 0)
        printf("file system: DrvFs with no drive letter, mounted at %s (%s)\n",
               m.point, m.type);
    else if (m.drvfs)
        printf("file system: DrvFs: drive %c: mounted at %s (%s)\n", m.drive, m.point, m.type);
    else
        printf("file system: VolFs: the Linux side's own files (%s at %s)\n",
               m.type, m.point);
    /* A path under the automount root whose drive is not mounted is a
     * plain Linux directory: say so, it is an easy mistake. */
    size_t rn = strlen(mnt_root);
    if (kind != WSL_NONE && !m.drvfs && strncmp(where, mnt_root, rn) == 0
        && where[rn] != '\0' && (where[rn + 1] == '/' || where[rn + 1] == '\0'))
        printf("note: no drive is mounted at %.*s\n", (int)rn + 1, where);

    int spelled = 1;
    if (kind == WSL_NONE)
        printf("windows spelling: none\n");
    else if (m.drvfs && m.drive == 0) {
        printf("windows spelling: unknown (no drive letter)\n");
        spelled = 0;
    }
    else if (wsl_windows_path(where, &m, distro, windows, sizeof windows) == 0)
        printf("windows spelling: %s\n", windows);
    else {
        printf("windows spelling: none (%s)\n", uds_strerror(uds_last_error()));
        spelled = 0;
    }
    printf("windows peer: %s\n", verdict(kind, &m, spelled));
    return fflush(stdout) == 0 ? 0 : uds_fail(PROG, "cannot write", "standard output");
}
