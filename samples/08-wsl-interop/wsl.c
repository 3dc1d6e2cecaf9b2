/* SPDX-License-Identifier: MIT */
/*
 * wsl.c: where a program runs and how Windows spells a path (see wsl.h).
 * Everything is read from files, never asked of the running system, so
 * that the tests can give it recorded ones (fixtures/).
 */
#include "wsl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/stat.h>

const char *wsl_kind_name(enum wsl_kind kind)
{
    return kind == WSL_1 ? "WSL 1" : kind == WSL_2 ? "WSL 2" : "not WSL";
}

/* The first line of ROOT/NAME into buf, without its newline; 0 or -1. */
static int read_first_line(const char *root, const char *name, char *buf, size_t cap)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s", root, name);
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return -1;
    int ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* Does text hold word, ignoring case? */
static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (; *text != '\0'; text++) {
        size_t i = 0;
        while (i < n && tolower((unsigned char)text[i]) == tolower((unsigned char)word[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* [detect] */
enum wsl_kind wsl_detect(const char *root, char *release, size_t cap)
{
    release[0] = '\0';
    if (read_first_line(root, "proc/sys/kernel/osrelease", release, cap) != 0)
        read_first_line(root, "proc/version", release, cap);
    /* WSL 1 has no Linux kernel: Windows answers the system calls and
     * says so, "4.4.0-19041-Microsoft", with a capital M.  WSL 2 runs a
     * real kernel that Microsoft builds: "5.15.153.1-microsoft-standard-WSL2". */
    if (strstr(release, "Microsoft") != NULL && !has_word(release, "WSL2"))
        return WSL_1;
    if (has_word(release, "microsoft"))
        return WSL_2;
    /* A WSL 2 user may build a kernel of their own, named anything; WSL's
     * init still makes /run/WSL.  (WSL 1 always says Microsoft.) */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/run/WSL", root);
#ifdef _WIN32
    /* MSVC in C11 mode declares only the underscored names. */
    struct _stat st;
    int is_dir = _stat(dir, &st) == 0 && (st.st_mode & _S_IFMT) == _S_IFDIR;
#else
    struct stat st;
    int is_dir = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
#endif
    return is_dir ? WSL_2 : WSL_NONE;
}
/* [detect] */

int wsl_normalize(const char *path, char *out, size_t cap)
{
    size_t n = 1; /* out holds "/" and the names kept so far */
    if (path[0] != '/') {
        uds_set_error(UDS_EINVAL);
        return -1;
    }
    if (cap < 2) {
        uds_set_error(UDS_ENAMETOOLONG);
        return -1;
    }
    out[0] = '/';
    while (*path != '\0') {
        while (*path == '/')
            path++;
        size_t len = strcspn(path, "/");
        if (len == 2 && path[0] == '.' && path[1] == '.') {
            while (n > 1 && out[n - 1] != '/') /* the last name goes */
                n--;
            if (n > 1)
                n--; /* and its '/', unless it is the root's */
        } else if (len > 0 && !(len == 1 && path[0] == '.')) {
            if (n + (n > 1) + len >= cap) {
                uds_set_error(UDS_ENAMETOOLONG);
                return -1;
            }
            if (n > 1)
                out[n++] = '/';
            memcpy(out + n, path, len);
            n += len;
        }
        path += len;
    }
    out[n] = '\0';
    return 0;
}

/* Undo mountinfo's escapes in place: a space is \040, a backslash \134. */
static void unescape(char *s)
{
    char *out = s;
    for (; *s != '\0'; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7'
            && s[3] >= '0' && s[3] <= '7') {
            *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

/* Is point a mount point that holds path: "/", path itself, or a parent? */
static int holds(const char *point, const char *path)
{
    size_t n = strlen(point);
    if (strcmp(point, "/") == 0)
        return 1;
    return strncmp(point, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The drive letter of a DrvFs mount: its source says "C:\" (WSL 1), or
 * its options say "path=C:\" (WSL 2); else the mount point's last name. */
static char drive_of(const char *source, const char *opts, const char *point)
{
    const char *p = strstr(opts, "path=");
    if (isalpha((unsigned char)source[0]) && source[1] == ':')
        return (char)toupper((unsigned char)source[0]);
    if (p != NULL && isalpha((unsigned char)p[5]) && p[6] == ':')
        return (char)toupper((unsigned char)p[5]);
    const char *last = strrchr(point, '/');
    if (last != NULL && isalpha((unsigned char)last[1]) && last[2] == '\0')
        return (char)toupper((unsigned char)last[1]);
    return 0;
}

/* [mountinfo] */
int wsl_mount_of(const char *root, const char *path, struct wsl_mount *m)
{
    char file[512], line[1024];
    size_t best = 0;
    snprintf(file, sizeof file, "%s/proc/self/mountinfo", root);
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return -1;
    memset(m, 0, sizeof *m);
    /* "36 25 0:32 / /mnt/c rw,noatime - drvfs C:\134 rw": the mount point
     * is the 5th field; after the lone "-", the type, source and options. */
    while (fgets(line, sizeof line, f) != NULL) {
        char point[256], type[32], source[256], opts[512] = "";
        const char *dash = strstr(line, " - ");
        if (dash == NULL || sscanf(line, "%*s %*s %*s %*s %255s", point) != 1
            || sscanf(dash + 3, "%31s %255s %511s", type, source, opts) < 2)
            continue;
        unescape(point);
        unescape(source);
        unescape(opts);
        if (!holds(point, path) || strlen(point) < best)
            continue;
        best = strlen(point);
        snprintf(m->point, sizeof m->point, "%s", point);
        snprintf(m->type, sizeof m->type, "%s", type);
        /* WSL 2 serves other things over 9p too (aname=drivers): only
         * aname=drvfs is a Windows drive. */
        m->drvfs = strcmp(type, "drvfs") == 0
                   || (strcmp(type, "9p") == 0 && strstr(opts, "aname=drvfs") != NULL);
        m->drive = m->drvfs ? drive_of(source, opts, point) : 0;
    }
    fclose(f);
    if (best == 0) {
        uds_set_error(UDS_EINVAL);
        return -1;
    }
    return 0;
}
/* [mountinfo] */

void wsl_automount_root(const char *root, char *buf, size_t cap)
{
    char file[512], line[512];
    int in_automount = 0;
    snprintf(buf, cap, "/mnt/");
    snprintf(file, sizeof file, "%s/etc/wsl.conf", root);
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return;
    /* An ini file: "[automount]", then "root = /win/", perhaps quoted. */
    while (fgets(line, sizeof line, f) != NULL) {
        char key[32], value[256];
        if (sscanf(line, " [%31[^]]", key) == 1)
            in_automount = strcmp(key, "automount") == 0;
        else if (in_automount && sscanf(line, " %31[a-z] = %255[^\r\n]", key, value) == 2
                 && strcmp(key, "root") == 0) {
            char *v = value + (value[0] == '"');
            v[strcspn(v, "\" \t")] = '\0';
            size_t n = strlen(v);
            if (n > 0)
                snprintf(buf, cap, "%s%s", v, v[n - 1] == '/' ? "" : "/");
        }
    }
    fclose(f);
}

/* [to-windows] */
int wsl_windows_path(const char *path, const struct wsl_mount *m,
                     const char *distro, char *out, size_t cap)
{
    int n;
    if (path[0] != '/') {
        uds_set_error(UDS_EINVAL); /* relative to what? Windows cannot know */
        return -1;
    }
    if (m->drvfs && m->drive == 0) {
        uds_set_error(UDS_EINVAL); /* no drive letter: how Windows names it is unknown */
        return -1;
    }
    if (m->drvfs)
        /* The drive's root, then what follows the mount point. */
        n = snprintf(out, cap, "%c:\\%s", m->drive, path + strlen(m->point)
                     + (path[strlen(m->point)] == '/'));
    else
        n = snprintf(out, cap, "\\\\wsl.localhost\\%s%s", distro, path);
    for (char *p = out; *p != '\0'; p++)
        if (*p == '/')
            *p = '\\';
    /* Both spellings name one socket: each must fit in sun_path. */
    if (n < 0 || (size_t)n >= cap || (size_t)n >= UDS_PATH_MAX) {
        uds_set_error(UDS_ENAMETOOLONG);
        return -1;
    }
    return 0;
}
/* [to-windows] */
