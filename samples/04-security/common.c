/* SPDX-License-Identifier: MIT */
/*
 * common.c: see common.h.  Compiles unchanged for Linux and Windows.
 */
#include "common.h"

#include <string.h>

int make_address(struct sockaddr_un *addr, socklen_t *len, const char *arg)
{
    if (arg[0] == '@')
        return uds_addr_abstract(addr, len, arg + 1, strlen(arg + 1));
    return uds_addr_path(addr, len, arg);
}

long upcase(uds_socket_t client)
{
    char buf[4096];
    long total = 0, n;

    while ((n = uds_recv_some(client, buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (char)(buf[i] - 'a' + 'A');
        if (uds_send_all(client, buf, (size_t)n) != 0)
            return -1;
        total += n;
    }
    return n == 0 ? total : -1;
}
