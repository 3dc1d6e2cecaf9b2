/* SPDX-License-Identifier: MIT */
/*
 * frame-reader: exercise 05.  A frame decoder that is fed bytes as they
 * come, in pieces of any size.  Complete the TODOs; see TASK.md.
 *
 * The chapter's frame_read() waits in recv() until a frame is complete.  A
 * program that serves many clients at once (chapter 07) cannot wait on one
 * of them: it takes whatever bytes a socket has, hands them to that
 * client's decoder, and goes on.  So the decoder must remember, between
 * calls, how far it got: inside the length, or inside the body.
 *
 * Here the input is a file, read in pieces cut at the offsets given on the
 * command line, so the test decides exactly where the bytes are split.
 * Each frame is printed as "frame N: LEN bytes: TEXT".
 *
 * usage: frame-reader FILE [CUT...]
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define PROG "frame-reader"
#define FRAME_MAX 65536u /* the largest payload a frame may carry */

struct decoder {
    unsigned char head[4];         /* the length, as far as it has come */
    size_t head_got;               /* 0..4 bytes of it */
    uint32_t size;                 /* the length, once all 4 bytes are in */
    unsigned char body[FRAME_MAX]; /* the payload, as far as it has come */
    size_t body_got;               /* 0..size bytes of it */
    int frames;                    /* frames completed so far */
};

/* Given: print one complete frame, short ones whole, long ones by their ends. */
void print_frame(int n, const unsigned char *p, size_t len)
{
    if (len <= 40)
        printf("frame %d: %zu bytes: %.*s\n", n, len, (int)len, (const char *)p);
    else
        printf("frame %d: %zu bytes: %.16s...%.16s\n", n, len, (const char *)p,
               (const char *)p + len - 16);
}

/* Feed N bytes to the decoder; print each frame they complete.  Returns 0,
 * or -1 after printing why when a frame announces more than FRAME_MAX. */
static int decoder_feed(struct decoder *d, const unsigned char *p, size_t n)
{
    while (n > 0) {
        if (d->head_got < 4) {
            /* TODO 1: copy into d->head the bytes the length still lacks,
             * and no more: the piece may end inside the length, or go on
             * into the body and the next frame.  While the length is still
             * incomplete, return 0 and wait for the next piece. */

            /* TODO 2: turn the 4 bytes of d->head into d->size.  They are
             * in network byte order: the most significant byte first. */

            /* TODO 3: refuse a frame longer than FRAME_MAX: print
             * "frame-reader: frame N is LEN bytes, over the limit of 65536"
             * on stderr and return -1.  A frame of exactly FRAME_MAX is fine. */

            d->body_got = 0;
        }
        /* TODO 4: take as much of the body as this piece holds (none, for
         * a zero-length frame), up to d->size.  When the body is complete,
         * print it with print_frame(), count it in d->frames, and make the
         * decoder ready for the next frame's length. */
        (void)p;
        return 0; /* TODO 4: the loop goes on while the piece has bytes */
    }
    return 0;
}

/* The input has ended.  Returns 0 when it ended between two frames, or -1
 * after printing where the frame it ended in was cut. */
static int decoder_end(const struct decoder *d)
{
    /* TODO 5: the input may end only between two frames.  If it ended in
     * a frame's length, print "frame-reader: frame N cut short: the input
     * ended in its length, after K of 4 bytes"; in its body, "... ended in
     * its body, after K of LEN bytes"; and return -1. */
    (void)d;
    return 0;
}

/* ---- Given: reads FILE in pieces cut at the CUT offsets. ---- */

static struct decoder dec;
static unsigned char piece[1 << 20];

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: " PROG " FILE [CUT...]\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        return uds_fail(PROG, "cannot open", argv[1]);
    long at = 0;
    for (int i = 2; status == 0; i++) {
        /* The next piece ends at the next cut, or at the end of the file. */
        long want = i < argc ? atol(argv[i]) - at : (long)sizeof piece;
        if (want < 0 || want > (long)sizeof piece) {
            fprintf(stderr, PROG ": cuts must grow: '%s'\n", argv[i]);
            status = 2;
            break;
        }
        long n = read(fd, piece, (size_t)want);
        if (n < 0) {
            status = uds_fail(PROG, "cannot read", argv[1]);
        } else if (n == 0 && i >= argc) {
            status = decoder_end(&dec) == 0 ? 0 : 1;
            break;
        } else if (decoder_feed(&dec, piece, (size_t)n) != 0) {
            status = 1;
        }
        at += n;
    }
    close(fd);
    fflush(stdout);
    return status;
}
