/* SPDX-License-Identifier: MIT */
/*
 * wsl.h: where a program runs (WSL 1, WSL 2 or neither), what file system
 * a path is on, and how Windows spells that path.  Read from the files the
 * kernel writes (/proc/sys/kernel/osrelease, /proc/version,
 * /proc/self/mountinfo) and /etc/wsl.conf, all under a ROOT directory, so
 * that a test can hand it recorded copies instead of the running system.
 * Plain C11 and stdio: the same code builds for Windows, where its tests
 * run under Wine.
 */
#ifndef WSL_H
#define WSL_H

#include "uds.h"
#include <stddef.h>

/* What the kernel says we run on. */
enum wsl_kind { WSL_NONE, WSL_1, WSL_2 };

/* "WSL 1", "WSL 2" or "not WSL". */
const char *wsl_kind_name(enum wsl_kind kind);

/* WSL 1, WSL 2 or neither, from ROOT/proc/sys/kernel/osrelease (the
 * release uname() reports) or ROOT/proc/version; release[] receives the
 * text that decided (may be ""). */
enum wsl_kind wsl_detect(const char *root, char *release, size_t cap);

/* PATH (absolute) as the kernel would walk it if no name in it were a
 * symbolic link: "." and empty names dropped, ".." taking the name before
 * it away ("/.." is "/"), into out.  Only the spelling is read, never the
 * files: /mnt/c/../home/x is /home/x, even if /mnt/c/.. were a link.
 * Returns 0; or -1 with UDS_EINVAL (a relative path) or UDS_ENAMETOOLONG
 * (out is too small). */
int wsl_normalize(const char *path, char *out, size_t cap);

/* The mount a path is on: the longest mount point of
 * ROOT/proc/self/mountinfo that holds it. */
struct wsl_mount {
    char point[256];  /* where it is mounted, such as /mnt/c */
    char type[32];    /* the file system's type, such as drvfs, 9p, ext4 */
    int drvfs;        /* a Windows drive: drvfs (WSL 1), or 9p with aname=drvfs (WSL 2) */
    char drive;       /* its drive letter ('C'), when drvfs and known; else 0 */
};

/* 0 and *m filled in; or -1 with the error set (the file cannot be read,
 * or it lists no mount that holds an absolute path).  PATH is taken as
 * written: give it wsl_normalize()'s, or /mnt/c/.. is "on" /mnt/c. */
int wsl_mount_of(const char *root, const char *path, struct wsl_mount *m);

/* The automount root (with its final '/'): the [automount] root of
 * ROOT/etc/wsl.conf, or "/mnt/" when it sets none. */
void wsl_automount_root(const char *root, char *buf, size_t cap);

/* How a Windows program spells PATH.  On a drive (m->drvfs):
 * /mnt/c/Users/me/app.sock -> C:\Users\me\app.sock.  Otherwise the
 * distribution's share, \\wsl.localhost\DISTRO\tmp\app.sock, which names
 * the file but cannot carry a connection.  Returns 0; or -1 with UDS_EINVAL
 * (a relative path) or UDS_ENAMETOOLONG (the result does not fit in
 * sun_path: at most UDS_PATH_MAX - 1 bytes). */
int wsl_windows_path(const char *path, const struct wsl_mount *m,
                     const char *distro, char *out, size_t cap);

#endif
