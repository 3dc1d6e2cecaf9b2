/* SPDX-License-Identifier: MIT */
/*
 * message.h: the messages of uds-bench's measurements (message.c, one
 * copy for both platforms): message m is `size` bytes of reference data
 * from offset m % 256, so that a message that is lost, repeated or late is
 * as wrong as a flipped bit.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include "transport.h"

#include <stddef.h>

/* Before any measurement: the reference data every message is checked
 * against, for messages up to max_size bytes.  0, or 1 after printing. */
int bench_prepare(size_t max_size);
void bench_finish(void);

/* Write all of BUF, in writes of at most l->max_write bytes.  0, or 1
 * after printing. */
int write_full(struct link *l, const unsigned char *buf, size_t len);

/* Read exactly LEN bytes.  0; 2 (quietly) when the other side ended
 * first; 1 after printing. */
int read_full(struct link *l, unsigned char *buf, size_t len);

/* Send message M of SIZE bytes (UDS_BENCH_CORRUPT=M flips one of its bits,
 * as a broken transport would: a test hook). */
int send_message(struct link *l, long m, size_t size);

/* 0 if GOT is message M, else 1 after printing the first wrong byte. */
int check_message(const unsigned char *got, long m, size_t size);

#endif
