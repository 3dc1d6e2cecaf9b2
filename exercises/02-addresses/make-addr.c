/* SPDX-License-Identifier: MIT
 *
 * Exercise 02: read an AF_UNIX address back.
 *
 * Decodes the address a kernel hands back: what getsockname(),
 * getpeername() and accept() return is a struct sockaddr_un and a length,
 * and the length, not a NUL, says which bytes count.  The address comes
 * from the kernel (bind a socket to NAME, then getsockname()) or is given
 * as sun_path's bytes in hex, with the length counting exactly those:
 *
 *     $ ./make-addr path /tmp/a.sock
 *     pathname /tmp/a.sock (11 bytes, length 14)
 *     $ ./make-addr abstract demo
 *     abstract @demo (4 bytes, length 7)
 *     $ ./make-addr bytes 00610062
 *     abstract @a\x00b (3 bytes, length 6)
 *     $ ./make-addr bytes ''
 *     unnamed (length 2)
 *
 * usage: make-addr path|abstract|bytes NAME
 *
 * Complete the two TODOs (see TASK.md), then run
 *     make check
 * in this directory.  Everything else is written for you.
 */
#include "uds.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#define PROG "make-addr"
#define USAGE "usage: " PROG " path|abstract|bytes NAME"

enum kind { KIND_UNKNOWN = -1, KIND_UNNAMED, KIND_PATHNAME, KIND_ABSTRACT };

/* TODO 1: say which kind of address ADDR is, given its length LEN as the
 * kernel returned it: KIND_UNNAMED, KIND_ABSTRACT or KIND_PATHNAME.  Decide
 * with LEN first: bytes of sun_path that LEN does not count are junk. */
static enum kind addr_kind(const struct sockaddr_un *addr, socklen_t len)
{
    (void)addr;
    (void)len;
    return KIND_UNKNOWN; /* remove this when you write the function */
}

/* TODO 2: for a pathname or an abstract address, point *NAME at the first
 * byte of the name in ADDR->sun_path and return how many bytes the name
 * has: for an abstract name, every counted byte after the leading NUL (NULs
 * included); for a pathname, the bytes before its NUL, where LEN may or may
 * not count a NUL and may count bytes after it.  Never go past the bytes
 * LEN counts, nor past sun_path. */
static size_t addr_name(const struct sockaddr_un *addr, socklen_t len, const char **name)
{
    (void)addr;
    (void)len;
    *name = NULL; /* remove this when you write the function */
    return 0;
}

/* The value of one hex digit, or -1. */
static int hex_digit(char c)
{
    const char *digits = "0123456789abcdef0123456789ABCDEF";
    const char *p = c != '\0' ? strchr(digits, c) : NULL;
    return p != NULL ? (int)((p - digits) % 16) : -1;
}

int main(int argc, char **argv)
{
    /* The address, with junk after it as well as in it: a decoder that
     * reads past sun_path, or past the length, finds junk, not a NUL. */
    union {
        struct sockaddr_un addr;
        unsigned char bytes[sizeof(struct sockaddr_un) + 16];
    } buf;
    struct sockaddr_un *addr = &buf.addr;
    socklen_t len = sizeof *addr;
    size_t off = offsetof(struct sockaddr_un, sun_path);

    int opt = uds_options(PROG, argc, argv, NULL, USAGE); /* --help; -x is an error */
    if (opt >= 0)
        return opt;
    if (argc != 3 || (strcmp(argv[1], "path") != 0 && strcmp(argv[1], "abstract") != 0
                      && strcmp(argv[1], "bytes") != 0)) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *name = argv[2];
    memset(&buf, 0xAA, sizeof buf);
    buf.bytes[sizeof buf.bytes - 1] = '\0'; /* so that strlen() ends, too late */
    if (strcmp(argv[1], "bytes") == 0) {
        /* sun_path's bytes in hex, as a kernel could return them: the
         * length counts exactly these bytes ("" is none). */
        size_t n = strlen(name) / 2;
        if (strlen(name) % 2 != 0 || n > sizeof addr->sun_path) {
            fprintf(stderr, PROG ": bad address %s: %s\n", name,
                    uds_strerror(n > sizeof addr->sun_path ? ENAMETOOLONG : EINVAL));
            return 1;
        }
        addr->sun_family = AF_UNIX;
        for (size_t i = 0; i < n; i++) {
            int hi = hex_digit(name[2 * i]), lo = hex_digit(name[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                fprintf(stderr, PROG ": bad address %s: %s\n", name, uds_strerror(EINVAL));
                return 1;
            }
            addr->sun_path[i] = (char)(hi * 16 + lo);
        }
        len = (socklen_t)(off + n);
    } else {
        /* Bind a socket to NAME, and ask the kernel for the address it got. */
        struct sockaddr_un want;
        socklen_t want_len;
        int is_path = strcmp(argv[1], "path") == 0;
        const char *at = is_path ? "" : "@";
        int rc = is_path ? uds_addr_path(&want, &want_len, name)
                         : uds_addr_abstract(&want, &want_len, name, strlen(name));
        if (rc != 0) {
            fprintf(stderr, PROG ": bad address %s%s: %s\n", at, name, uds_strerror(errno));
            return 1;
        }
        int sock = socket(AF_UNIX, SOCK_STREAM, 0);
        if (sock < 0) {
            fprintf(stderr, PROG ": cannot create a socket: %s\n", uds_strerror(errno));
            return 1;
        }
        if (bind(sock, (struct sockaddr *)&want, want_len) != 0
            || getsockname(sock, (struct sockaddr *)addr, &len) != 0) {
            fprintf(stderr, PROG ": cannot bind %s%s: %s\n", at, name, uds_strerror(errno));
            close(sock);
            return 1;
        }
        close(sock);
        if (is_path)
            unlink(name); /* the socket file this program just made */
    }

    /* Your two functions decode it. */
    enum kind kind = addr_kind(addr, len);
    if (kind == KIND_UNNAMED) {
        printf("unnamed (length %u)\n", (unsigned)len);
        return 0;
    }
    if (kind != KIND_PATHNAME && kind != KIND_ABSTRACT) {
        fprintf(stderr, PROG ": cannot decode %s: no kind (TODO 1)\n", name);
        return 1;
    }
    const char *got = NULL;
    size_t n = addr_name(addr, len, &got);
    const char *path = addr->sun_path, *end = path + sizeof addr->sun_path;
    if (got == NULL || got < path || got > end || n > (size_t)(end - got)) {
        fprintf(stderr, PROG ": cannot decode %s: the name is not inside sun_path (TODO 2)\n",
                name);
        return 1;
    }
    /* Print the name's bytes, and any byte that is not plain text as \xNN. */
    printf("%s %s", kind == KIND_PATHNAME ? "pathname" : "abstract",
           kind == KIND_ABSTRACT ? "@" : "");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)got[i];
        if (c > ' ' && c < 0x7f && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf(" (%zu bytes, length %u)\n", n, (unsigned)len);
    return 0;
}
