/* SPDX-License-Identifier: MIT */
/*
 * private-dir.h: private-server's first wall, the directory that holds its
 * socket.  One declaration, two files: linux/private-dir.c (mode bits)
 * and win32/private-dir.c (an owner and a DACL).
 */
#ifndef CH04_PRIVATE_DIR_H
#define CH04_PRIVATE_DIR_H

/* Make sure the directory holding SOCKET_PATH (everything before its last
 * separator; "." if it has none) is private to this user: create it if it
 * is missing, check it otherwise.  Prints "created (or checked) private
 * directory DIR" and returns 0; or prints why not, as PROG, and returns 1.
 * A directory that is refused is not touched. */
int private_dir(const char *prog, const char *socket_path);

#endif
