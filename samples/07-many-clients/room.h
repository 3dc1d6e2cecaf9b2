/* SPDX-License-Identifier: MIT */
/*
 * room.h: the chat room of chat-server, the same on Linux and Windows.
 * The server's event loop (linux/chat-server.c, win32/chat-server.c) waits
 * on fds[] and calls these for what the chat does: who is in the room,
 * what a line means, how a client leaves.  Windows' <winsock2.h> declares
 * the same struct pollfd as Linux's <poll.h>, for WSAPoll().
 */
#ifndef ROOM_H
#define ROOM_H

#include "buffers.h"

#ifndef _WIN32
#include <poll.h>
#endif

#define MAX_CLIENTS 10000
/* fds[0] is the listener; Windows keeps its wake-up socket in fds[1]
 * (see win32/chat-server.c).  Clients follow. */
#ifdef _WIN32
#define FIRST_CLIENT 2
#else
#define FIRST_CLIENT 1
#endif

/* [room-arrays] */
/* One pollfd per socket, and at the same index the client it belongs to;
 * NULL marks a client dropped during this round of the loop. */
extern struct pollfd fds[FIRST_CLIENT + MAX_CLIENTS];
extern struct client *clients[FIRST_CLIENT + MAX_CLIENTS];
extern size_t nfds;  /* entries in use */
/* [room-arrays] */

/* Add an accepted socket.  Returns 0, or -1 when the room is full or
 * memory ran out (the caller closes the socket). */
int room_add(uds_socket_t sock);

/* Take one line from client i: its name first, then lines for the room.
 * Returns -1 when the client was dropped. */
int take_line(size_t i, const char *line);

/* Close client i and log why (err: an error code, or 0).  Its entries
 * become a hole until sweep(); the listener is watched again. */
void drop(size_t i, const char *why, int err);

/* Pack the arrays: remove the holes drop() left.  Once per round. */
void sweep(void);

/* Close every client: the server is stopping. */
void room_close_all(void);

#endif
