/* SPDX-License-Identifier: MIT */
/*
 * test-wsl: unit tests of wsl.c against recorded systems (fixtures/):
 * WSL 1, WSL 2, a WSL 2 with a kernel of its own, plain Linux.  Built for
 * both platforms: the Windows build runs the same checks under Wine.
 */
#include "wsl.h"
#include "../../tests/tap.h"

#include <stdlib.h>
#include <string.h>

static const char *srcdir;

/* ROOT: the fixture directory of one recorded system. */
static const char *fixture(const char *name)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/fixtures/%s", srcdir, name);
    return buf;
}

static void detect(const char *name, enum wsl_kind want, const char *want_release)
{
    char release[256];
    enum wsl_kind got = wsl_detect(fixture(name), release, sizeof release);
    tap_ok(got == want && strcmp(release, want_release) == 0,
           "%s: detected as %s, kernel '%s' (got %s, '%s')", name,
           wsl_kind_name(want), want_release, wsl_kind_name(got), release);
}

static void mount(const char *name, const char *path, const char *point,
                  const char *type, int drvfs, char drive)
{
    struct wsl_mount m;
    int r = wsl_mount_of(fixture(name), path, &m);
    tap_ok(r == 0 && strcmp(m.point, point) == 0 && strcmp(m.type, type) == 0
           && m.drvfs == drvfs && m.drive == drive,
           "%s: %s is on %s at %s, %s, drive %c", name, path, type, point,
           drvfs ? "DrvFs" : "not DrvFs", drive ? drive : '-');
    if (r != 0)
        tap_diag("wsl_mount_of failed: %s", uds_strerror(uds_last_error()));
    else
        tap_diag("got %s at %s, drvfs %d, drive %c", m.type, m.point, m.drvfs,
                 m.drive ? m.drive : '-');
}

/* PATH as wsl_normalize() writes it (NULL: refused with want_err). */
static void normal(const char *path, const char *want, int want_err)
{
    char out[64] = "";
    uds_set_error(0);
    int r = wsl_normalize(path, out, sizeof out);
    int err = uds_last_error();
    if (want != NULL)
        tap_ok(r == 0 && strcmp(out, want) == 0, "normalized: %s -> %s (got '%s')",
               path, want, out);
    else
        tap_ok(r == -1 && err == want_err, "normalized: %.30s refused with %s (got %d, %s)",
               path, uds_error_name(want_err), r, uds_strerror(err));
}

/* PATH, normalized, is on the mount at POINT: the path as the kernel
 * walks it, not as it is spelled, decides. */
static void mount_normal(const char *name, const char *path, const char *point,
                         const char *type, int drvfs)
{
    char where[256];
    struct wsl_mount m;
    int r = wsl_normalize(path, where, sizeof where) == 0
            ? wsl_mount_of(fixture(name), where, &m) : -1;
    tap_ok(r == 0 && strcmp(m.point, point) == 0 && strcmp(m.type, type) == 0
           && m.drvfs == drvfs, "%s: %s (%s) is on %s at %s", name, path, where,
           type, point);
}

static void automount(const char *name, const char *want)
{
    char got[256];
    wsl_automount_root(fixture(name), got, sizeof got);
    tap_ok(strcmp(got, want) == 0, "%s: automount root %s (got %s)", name, want, got);
}

/* A path, the mount it is on, and its expected Windows spelling (NULL:
 * refused with error want_err). */
static void spell(const char *path, const char *point, int drvfs, char drive,
                  const char *want, int want_err)
{
    struct wsl_mount m;
    char out[512] = "";
    memset(&m, 0, sizeof m);
    snprintf(m.point, sizeof m.point, "%s", point);
    m.drvfs = drvfs;
    m.drive = drive;
    uds_set_error(0);
    int r = wsl_windows_path(path, &m, "Ubuntu", out, sizeof out);
    /* Read the error once, now: on Windows, making its text (below) may
     * change the last error before the comparison is evaluated. */
    int err = uds_last_error();
    if (want != NULL)
        tap_ok(r == 0 && strcmp(out, want) == 0, "%s -> %s (got '%s')", path, want, out);
    else
        tap_ok(r == -1 && err == want_err, "%.40s%s refused with %s (got %d, %s)",
               path, strlen(path) > 40 ? "..." : "", uds_error_name(want_err), r,
               uds_strerror(err));
}

int main(void)
{
    tap_start();
    srcdir = getenv("UDS_SRCDIR");
    if (srcdir == NULL)
        srcdir = ".";

    /* [detect-tests] */
    detect("wsl1", WSL_1, "4.4.0-19041-Microsoft");
    detect("wsl1-old", WSL_1, "Linux version 4.4.0-17134-Microsoft (Microsoft@Microsoft.com)"
           " (gcc version 5.4.0 (GCC) ) #706-Microsoft Mon Apr 01 18:13:00 PST 2018");
    detect("wsl2", WSL_2, "5.15.153.1-microsoft-standard-WSL2");
    detect("wsl2-custom", WSL_2, "6.6.36-custom");
    detect("linux", WSL_NONE, "6.1.0-26-amd64");
    detect("no-such-system", WSL_NONE, "");
    /* [detect-tests] */

    mount("wsl1", "/mnt/c/Users/me/app.sock", "/mnt/c", "drvfs", 1, 'C');
    mount("wsl1", "/mnt/c", "/mnt/c", "drvfs", 1, 'C');
    mount("wsl1", "/mnt/d/app.sock", "/mnt/d", "drvfs", 1, 'D');
    mount("wsl1", "/mnt/cd/app.sock", "/", "lxfs", 0, 0);
    mount("wsl1", "/mnt/z/app.sock", "/", "lxfs", 0, 0);
    mount("wsl1", "/tmp/app.sock", "/", "lxfs", 0, 0);
    mount("wsl1", "/run/user/app.sock", "/run/user", "tmpfs", 0, 0);
    mount("wsl2", "/win/c/Users/me/app.sock", "/win/c", "9p", 1, 'C');
    mount("wsl2", "/win/e/x.sock", "/win/e", "9p", 1, 'E');
    mount("wsl2", "/usr/lib/wsl/drivers/x.sock", "/usr/lib/wsl/drivers", "9p", 0, 0);
    mount("wsl2", "/mnt/c/app.sock", "/", "ext4", 0, 0);
    mount("linux", "/mnt/c/app.sock", "/mnt/c", "ntfs3", 0, 0);
    mount("linux", "/tmp/app.sock", "/tmp", "tmpfs", 0, 0);
    struct wsl_mount m;
    tap_ok(wsl_mount_of(fixture("no-such-system"), "/tmp/x", &m) == -1,
           "no mountinfo: wsl_mount_of fails");

    /* ".." and "." as the kernel walks them, with no file read. */
    normal("/mnt/c/../home/x", "/mnt/home/x", 0);
    normal("/mnt/c/../../home/x", "/home/x", 0);
    normal("/mnt/c/Users/..", "/mnt/c", 0);
    normal("/mnt/c/./Users//me/", "/mnt/c/Users/me", 0);
    normal("/..", "/", 0);
    normal("/../../mnt/c", "/mnt/c", 0);
    normal("/mnt/c/..x/...", "/mnt/c/..x/...", 0);
    normal("//", "/", 0);
    normal("mnt/c/../x", NULL, UDS_EINVAL);
    normal("/mnt/c/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL,
           UDS_ENAMETOOLONG);
    mount_normal("wsl1", "/mnt/c/../../home/me/app.sock", "/", "lxfs", 0);
    mount_normal("wsl1", "/tmp/../mnt/d/app.sock", "/mnt/d", "drvfs", 1);
    mount_normal("wsl1", "/mnt/c/./x/../app.sock", "/mnt/c", "drvfs", 1);
    mount_normal("wsl2", "/win/c/../../tmp/x.sock", "/", "ext4", 0);

    automount("wsl1", "/mnt/");
    automount("wsl2", "/win/");
    automount("linux", "/mnt/");

    /* [spell-tests] */
    spell("/mnt/c/Users/me/app.sock", "/mnt/c", 1, 'C', "C:\\Users\\me\\app.sock", 0);
    spell("/mnt/c", "/mnt/c", 1, 'C', "C:\\", 0);
    spell("/mnt/c/", "/mnt/c", 1, 'C', "C:\\", 0);
    spell("/win/e/x.sock", "/win/e", 1, 'E', "E:\\x.sock", 0);
    spell("/tmp/app.sock", "/", 0, 0, "\\\\wsl.localhost\\Ubuntu\\tmp\\app.sock", 0);
    spell("/mnt/z/app.sock", "/", 0, 0, "\\\\wsl.localhost\\Ubuntu\\mnt\\z\\app.sock", 0);
    spell("app.sock", "/", 0, 0, NULL, UDS_EINVAL);
    spell("./mnt/c/app.sock", "/", 0, 0, NULL, UDS_EINVAL);
    /* [spell-tests] */
    /* sun_path holds 107 bytes and the NUL, in either spelling: a Linux
     * path that fits may still be too long for Windows, and back. */
    char path[200], want[200];
    memset(path, 0, sizeof path);
    memcpy(path, "/mnt/c/", 7);
    memset(path + 7, 'a', 104); /* 111 bytes in WSL; "C:\" + 104 = 107 on Windows */
    memset(want, 0, sizeof want);
    memcpy(want, "C:\\", 3);
    memset(want + 3, 'a', 104);
    spell(path, "/mnt/c", 1, 'C', want, 0);
    path[7 + 104] = 'a';  /* one more: 108 bytes on Windows */
    spell(path, "/mnt/c", 1, 'C', NULL, UDS_ENAMETOOLONG);
    memset(path, 0, sizeof path);
    path[0] = '/';
    memset(path + 1, 'b', 84); /* 85 bytes in WSL; 22 + 85 = 107 on Windows */
    memset(want, 0, sizeof want);
    memcpy(want, "\\\\wsl.localhost\\Ubuntu\\", 23);
    memset(want + 23, 'b', 84);
    spell(path, "/", 0, 0, want, 0);
    path[85] = 'b';
    spell(path, "/", 0, 0, NULL, UDS_ENAMETOOLONG);
    return tap_done();
}
