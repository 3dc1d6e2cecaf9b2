/* SPDX-License-Identifier: MIT */
/*
 * room.c: the chat room of chat-server (see room.h).  The same file on
 * Linux and Windows: it queues bytes and marks sockets for POLLOUT, and
 * leaves every recv() and send() to the platform's event loop.
 */
#include "room.h"

#include <stdio.h>
#include <string.h>

struct pollfd fds[FIRST_CLIENT + MAX_CLIENTS];
struct client *clients[FIRST_CLIENT + MAX_CLIENTS];
size_t nfds = FIRST_CLIENT;
static int online; /* clients that have given their name */

int room_add(uds_socket_t sock)
{
    struct client *c = nfds < FIRST_CLIENT + MAX_CLIENTS ? client_new(sock) : NULL;

    if (c == NULL)
        return -1;
    fds[nfds].fd = sock;
    fds[nfds].events = POLLIN;
    fds[nfds].revents = 0;
    clients[nfds++] = c;
    return 0;
}

/* [queue-for] */
/* Queue bytes for client j and ask poll() to say when its socket can take
 * them.  POLLOUT is asked for only while bytes wait: a socket with room is
 * "ready to write" nearly all the time, and poll() would never sleep. */
static void queue_for(size_t j, const char *msg, size_t len)
{
    if (client_queue(clients[j], msg, len) != 0)
        drop(j, "cut off: too slow", 0);
    else
        fds[j].events = POLLIN | POLLOUT;
}
/* [queue-for] */

/* [take-line] */
int take_line(size_t i, const char *line)
{
    struct client *c = clients[i];
    char msg[CHAT_NAME_MAX + CHAT_LINE_MAX + 32];
    int len;

    if (c->name[0] == '\0') { /* the first line: a name */
        if (line[0] == '\0' || strlen(line) >= CHAT_NAME_MAX) {
            drop(i, "refused: a name has 1 to 31 bytes", 0);
            return -1;
        }
        strcpy(c->name, line);
        online++;
        printf("%s joined, %d online\n", c->name, online);
        len = snprintf(msg, sizeof msg, "* welcome %s, %d online\n", c->name, online);
        queue_for(i, msg, (size_t)len);
        return clients[i] != NULL ? 0 : -1; /* dropped if memory ran out */
    }
    /* Fan-out: one line in, a copy queued for every other client that has
     * joined.  Nothing is sent here, so a slow client delays nobody. */
    len = snprintf(msg, sizeof msg, "%s: %s\n", c->name, line);
    for (size_t j = FIRST_CLIENT; j < nfds; j++)
        if (j != i && clients[j] != NULL && clients[j]->name[0] != '\0')
            queue_for(j, msg, (size_t)len);
    return 0;
}
/* [take-line] */

/* [drop] */
void drop(size_t i, const char *why, int err)
{
    struct client *c = clients[i];

    if (c->name[0] != '\0')
        online--;
    printf("%s %s%s%s, %d online\n", c->name[0] ? c->name : "(no name)", why,
           err ? ": " : "", err ? uds_strerror(err) : "", online);
    uds_close(c->sock);
    client_free(c);
    clients[i] = NULL; /* the loop may be past i or not: sweep() packs later */
    if (fds[0].events == 0)
        printf("accepting again\n"); /* a descriptor is free now */
    fds[0].events = POLLIN;
}

void sweep(void)
{
    size_t kept = FIRST_CLIENT;

    for (size_t i = FIRST_CLIENT; i < nfds; i++)
        if (clients[i] != NULL) {
            fds[kept] = fds[i];
            clients[kept++] = clients[i];
        }
    nfds = kept;
}
/* [drop] */

void room_close_all(void)
{
    for (size_t i = FIRST_CLIENT; i < nfds; i++) {
        uds_close(clients[i]->sock);
        client_free(clients[i]);
    }
    nfds = FIRST_CLIENT;
}
