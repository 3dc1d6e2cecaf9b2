/* SPDX-License-Identifier: MIT */
/*
 * Exercise 02: build AF_UNIX addresses by hand.
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
 * Complete the two TODOs (see TASK.md), then run
 *     make check
 * in this directory.  Everything else is written for you.
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "make-addr"
#define USAGE "usage: " PROG " path|abstract NAME"

/* TODO 1: fill in *addr as a pathname address for PATH (not empty: main()
 * has checked), and return the length to give bind(): the bytes before
 * sun_path, then the path, then its terminating NUL.  A path that does not
 * fit, NUL included, must be refused: set errno to ENAMETOOLONG and return
 * 0.  Never cut it short. */
static socklen_t fill_pathname(struct sockaddr_un *addr, const char *path)
{
    (void)addr;
    (void)path;
    errno = ENOSYS; /* remove this when you write the function */
    return 0;
}

/* TODO 2: fill in *addr as an abstract address for NAME (not empty): a NUL
 * byte first, then the name's bytes, and return the length to give bind().
 * Nothing ends an abstract name but that length.  A name that does not fit
 * must be refused: set errno to ENAMETOOLONG and return 0. */
static socklen_t fill_abstract(struct sockaddr_un *addr, const char *name)
{
    (void)addr;
    (void)name;
    errno = ENOSYS; /* remove this when you write the function */
    return 0;
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
