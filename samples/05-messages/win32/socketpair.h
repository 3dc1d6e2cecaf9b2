/* SPDX-License-Identifier: MIT */
/*
 * socketpair.h: socketpair() for Windows, which has none (chapter 05).
 */
#ifndef SOCKETPAIR_H
#define SOCKETPAIR_H

#include "uds.h"

/*
 * Write a fresh, unguessable path in the user's temporary directory into
 * buf (cap bytes), for a listener that lives only a moment.
 * Returns 0, or -1 with WSAENAMETOOLONG when the path would not fit in
 * sun_path (a long %TEMP%), or another Windows error in WSAGetLastError().
 */
int pair_temp_path(char *buf, size_t cap);

/*
 * Make two connected AF_UNIX stream sockets, as socketpair() does on
 * Linux: sv[0] and sv[1].  Neither can be inherited by a child process
 * (hand one over on purpose: see pair-parent.c).  Leaves no file behind.
 * Returns 0, or -1 with the reason in WSAGetLastError():
 * WSAEAFNOSUPPORT where Windows has no AF_UNIX, WSAECONNREFUSED when
 * another process connected to the listener first.
 */
int make_pair(SOCKET sv[2]);

#endif
