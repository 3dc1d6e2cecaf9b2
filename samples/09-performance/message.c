/* SPDX-License-Identifier: MIT */
/*
 * message.c: the messages of uds-bench's measurements, the same on both
 * platforms (see message.h): what each message holds, moving a whole one
 * across, and checking every byte that arrives.  Every byte received is
 * compared with what was sent: a figure for data that arrived wrong would
 * be worse than none.
 */
#include "message.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "uds-bench"

/* The reference data: message m is `size` bytes from offset m % 256, so
 * that a message that is lost, repeated or late is as wrong as a flipped
 * bit.  Sending straight from it costs no copy. */
static unsigned char *pattern, *scratch;
static long corrupt_at = -1;            /* the test hook, see bench_prepare() */

int bench_prepare(size_t max_size)
{
    const char *hook = getenv("UDS_BENCH_CORRUPT");
    uint32_t x = 2463534242u;

    pattern = malloc(max_size + 256);
    scratch = malloc(max_size);
    if (pattern == NULL || scratch == NULL) {
        fprintf(stderr, PROG ": out of memory for %zu-byte messages\n", max_size);
        return 1;
    }
    for (size_t i = 0; i < max_size + 256; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;    /* xorshift: no short period */
        pattern[i] = (unsigned char)x;
    }
    /* A test hook: UDS_BENCH_CORRUPT=N flips one bit of message N on its
     * way out, as a broken transport would; the other side must catch it. */
    if (hook != NULL && *hook != '\0')
        corrupt_at = strtol(hook, NULL, 10);
    return 0;
}

void bench_finish(void)
{
    free(pattern);
    free(scratch);
}

static const unsigned char *message(long m)
{
    return pattern + (unsigned long)m % 256;
}

/* [full-loops] */
/* A 64 KiB message may arrive in many reads, and be taken in many writes:
 * loop until all of it has crossed.  Returns 0, or 1 after printing. */
int write_full(struct link *l, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        size_t part = l->max_write != 0 && len > l->max_write ? l->max_write : len;
        long n = link_write(l, buf, part);

        if (n <= 0)
            return uds_fail(PROG, "cannot write", "to the other side");
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* As write_full(); returns 2 (quietly) when the other side ended first. */
int read_full(struct link *l, unsigned char *buf, size_t len)
{
    while (len > 0) {
        long n = link_read(l, buf, len);

        if (n == 0)
            return 2;
        if (n < 0)
            return uds_fail(PROG, "cannot read", "from the other side");
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}
/* [full-loops] */

int send_message(struct link *l, long m, size_t size)
{
    const unsigned char *data = message(m);

    if (m == corrupt_at) {
        memcpy(scratch, data, size);
        scratch[size / 2] ^= 0x20;
        data = scratch;
    }
    return write_full(l, data, size);
}

/* [check] */
int check_message(const unsigned char *got, long m, size_t size)
{
    const unsigned char *want = message(m);

    if (memcmp(got, want, size) == 0)
        return 0;
    for (size_t i = 0; i < size; i++)
        if (got[i] != want[i]) {
            fprintf(stderr, PROG ": data corrupted: message %ld, byte %zu of %zu "
                    "is 0x%02x, not 0x%02x\n", m, i, size, got[i], want[i]);
            break;
        }
    return 1;
}
/* [check] */
