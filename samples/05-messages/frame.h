/* SPDX-License-Identifier: MIT */
/*
 * frame.h: length-prefixed messages on a stream, for chapter 05's stream
 * programs on Linux and Windows.  A frame is a 4-byte length in network
 * byte order (big-endian), then that many bytes, at most FRAME_MAX.
 */
#ifndef FRAME_H
#define FRAME_H

#include "uds.h"

/** The largest payload a frame may carry, in bytes. */
#define FRAME_MAX 65536u

/*
 * Read one frame into buf (which holds FRAME_MAX bytes).
 * Returns 1 for a frame (its length in *len); 0 when the peer closed the
 * stream between two frames (the normal end); -1 on an error, with the
 * reason in uds_last_error():
 *   UDS_EMSGSIZE   the length is over FRAME_MAX (*len is that length; the
 *                  body is left unread, so the connection must be closed);
 *   UDS_ECONNRESET the peer closed in the middle of a frame (*len is the
 *                  number of the frame's bytes, length included, that came);
 *   anything else  the socket's own error.
 */
int frame_read(uds_socket_t s, unsigned char *buf, size_t *len);

/* Send one frame; -1 with UDS_EMSGSIZE (nothing sent) when len > FRAME_MAX. */
int frame_write(uds_socket_t s, const void *buf, size_t len);

/* Print the kit's error line for a failed frame_read() from WHO; returns 1. */
int frame_fail(const char *prog, const char *who, size_t len);

#endif
