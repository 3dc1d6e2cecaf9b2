/* SPDX-License-Identifier: MIT
 *
 * Solution 02: read an AF_UNIX address back.
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
 * The solution: the starter in exercises/02-addresses with its two TODOs
 * completed, and a "Why:" comment on each choice.
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

/* TODO 1 (solved): which kind of address. */
static enum kind addr_kind(const struct sockaddr_un *addr, socklen_t len)
{
    /* Why: the length decides, not the bytes.  An unnamed socket's address
     * is just the family: no byte of sun_path counts, whatever junk is in
     * it.  offsetof, not 2 or sizeof: the bytes before sun_path are the
     * platform's business.  (Outside Linux, Windows and the BSDs may return
     * the full length with sun_path all zero for an unnamed socket; on
     * Linux those bytes are a valid abstract name, and this is Linux.) */
    if (len <= offsetof(struct sockaddr_un, sun_path))
        return KIND_UNNAMED;
    /* Why: a pathname cannot be empty, so a NUL first byte can only mean
     * an abstract name, on Linux. */
    if (addr->sun_path[0] == '\0')
        return KIND_ABSTRACT;
    return KIND_PATHNAME;
}

/* TODO 2 (solved): where the name starts, and how many bytes it has. */
static size_t addr_name(const struct sockaddr_un *addr, socklen_t len, const char **name)
{
    /* Why: the bytes of sun_path that count.  A kernel returns the real
     * length even when it did not fit in your buffer, so never trust it
     * past the end of sun_path. */
    size_t n = len - offsetof(struct sockaddr_un, sun_path);
    if (n > sizeof addr->sun_path)
        n = sizeof addr->sun_path;
    if (addr->sun_path[0] == '\0') {
        /* Why: an abstract name is every counted byte after the leading
         * NUL, NULs included: nothing but the length ends it, so strlen()
         * would see an empty name, and "a\0b" would lose its "\0b". */
        *name = addr->sun_path + 1;
        return n - 1;
    }
    /* Why: a pathname ends at its NUL, if the length counts one (Linux
     * counts it; another kernel, or a 108-byte path, may not, and some
     * return more bytes than the string): strnlen() stops at the NUL or at
     * the counted bytes, whichever comes first.  strlen() would run into
     * bytes that do not count, or past sun_path itself. */
    *name = addr->sun_path;
    return strnlen(addr->sun_path, n);
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
