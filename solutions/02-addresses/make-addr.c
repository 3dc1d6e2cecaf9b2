/* SPDX-License-Identifier: MIT */
/*
 * Solution 02: build AF_UNIX addresses by hand.
 *
 * Fills in a struct sockaddr_un for NAME, as a pathname or an abstract
 * address, binds a socket to it, and prints the address the socket got
 * (getsockname(), shown as uds_addr_format() shows it) with the length
 * your function computed:
 *
 *     $ ./make-addr path /tmp/a.sock       $ ./make-addr abstract demo
 *     bound to /tmp/a.sock (14 bytes)       bound to @demo (7 bytes)
 *
 * Then it closes the socket, and removes the socket file of a pathname.
 *
 * usage: make-addr path|abstract NAME
 *
 * The solution: the starter in exercises/02-addresses with its two TODOs
 * completed, and comments on each choice.
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "make-addr"
#define USAGE "usage: " PROG " path|abstract NAME"

/* TODO 1 (solved): a pathname address. */
static socklen_t fill_pathname(struct sockaddr_un *addr, const char *path)
{
    size_t n = strlen(path);

    /* The NUL must fit too: 107 bytes of path is the most sun_path's 108
     * can hold.  Copying only what fits (strncpy) would bind a different,
     * shorter path than the one asked for, without a word: refuse instead. */
    if (n + 1 > sizeof addr->sun_path) {
        errno = ENAMETOOLONG;
        return 0;
    }
    /* Clear it all first: main() filled it with junk, and a byte we forget
     * is a byte the kernel may read. */
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, path, n + 1); /* the path and its NUL */
    /* offsetof, not a guess such as 2: the bytes before sun_path.  Not
     * sizeof *addr either: that would claim all 108 bytes of sun_path.
     * Linux happens to forgive both for a pathname (it looks for the NUL
     * itself), which hides the bug instead of fixing it. */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/* TODO 2 (solved): an abstract address. */
static socklen_t fill_abstract(struct sockaddr_un *addr, const char *name)
{
    size_t n = strlen(name);

    /* The leading NUL takes one byte of sun_path: 107 are left for the name. */
    if (1 + n > sizeof addr->sun_path) {
        errno = ENAMETOOLONG;
        return 0;
    }
    memset(addr, 0, sizeof *addr); /* sun_path[0] = '\0' makes it abstract */
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path + 1, name, n); /* no NUL after the name */
    /* Every byte the length counts is part of the name: +1 for the leading
     * NUL, and nothing for a NUL at the end, which would make the name
     * "name\0", a different name from the server's "name".  sizeof *addr
     * would be worse: the name plus a hundred-odd NUL bytes. */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr, got = { 0 };
    socklen_t len, got_len = sizeof got;
    char text[4 * UDS_PATH_MAX + 2];
    int is_path;

    int opt = uds_options(PROG, argc, argv, NULL, USAGE); /* --help; -x is an error */
    if (opt >= 0)
        return opt;
    if (argc != 3 || (strcmp(argv[1], "path") != 0 && strcmp(argv[1], "abstract") != 0)) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    is_path = strcmp(argv[1], "path") == 0;
    const char *name = argv[2];
    const char *at = is_path ? "" : "@";
    if (*name == '\0') {
        fprintf(stderr, PROG ": bad address %s: %s\n", at, uds_strerror(EINVAL));
        return 1;
    }
    /* Junk, as memory nobody cleared may hold: your function must set
     * every byte that counts. */
    memset(&addr, 0xAA, sizeof addr);
    len = is_path ? fill_pathname(&addr, name) : fill_abstract(&addr, name);
    if (len == 0) {
        fprintf(stderr, PROG ": bad address %s%s: %s\n", at, name, uds_strerror(errno));
        return 1;
    }

    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0) {
        fprintf(stderr, PROG ": cannot create a socket: %s\n", uds_strerror(errno));
        return 1;
    }
    if (bind(sock, (struct sockaddr *)&addr, len) != 0) {
        fprintf(stderr, PROG ": cannot bind %s%s: %s\n", at, name, uds_strerror(errno));
        close(sock);
        return 1;
    }
    if (getsockname(sock, (struct sockaddr *)&got, &got_len) != 0) {
        fprintf(stderr, PROG ": cannot get the address of %s%s: %s\n", at, name,
                uds_strerror(errno));
        got_len = 0;
    } else {
        printf("bound to %s (%u bytes)\n", uds_addr_format(&got, got_len, text, sizeof text),
               (unsigned)len);
    }
    close(sock);
    /* Only the socket file this program made: the kernel's own name for
     * it, never the path as given, which your function may have changed. */
    if (got_len > offsetof(struct sockaddr_un, sun_path) && got.sun_path[0] != '\0'
        && strnlen(got.sun_path, sizeof got.sun_path) < sizeof got.sun_path)
        unlink(got.sun_path);
    return got_len != 0 ? 0 : 1;
}
