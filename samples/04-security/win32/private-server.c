/* SPDX-License-Identifier: MIT */
/*
 * private-server (Windows): a server for its owner only.
 *
 * Two walls.  The file system: the socket lives in a private directory
 * (owned by us, its DACL granting access to our user and nobody else, not
 * a reparse point), which the server creates if it is missing and checks
 * otherwise; the socket file inherits that DACL.  The peer check: every
 * client's user (its pid, then its token) must be the server's own.  A
 * client of another user gets one line, "refused: ...", and is closed;
 * the owner gets every line it sends back upper-cased.
 *
 * usage: private-server [SOCKET_PATH]
 * Without SOCKET_PATH: %LOCALAPPDATA%\afunix-kit\private.sock.
 */
#include "uds.h"
#include "common.h"
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <afunix.h>
#include <aclapi.h>
#include <sddl.h>

#define PROG "private-server"

static sid_buf own;              /* our own user's SID, */
static const PSID me = &own.sid; /* read once at start */

/* [private-dir] */
/* Create DIR owned by us with a protected DACL (nothing inherited from
 * above) that grants our user alone full access; or check the one that is
 * there: a real directory (a reparse point, such as a symlink or junction,
 * is refused), owned by us, whose DACL allows nobody else, except SYSTEM
 * and the Administrators, who can take any file anyway (as root can on
 * Linux, where root passes every mode check).  What is refused is not
 * touched. */
static int private_dir(const char *dir)
{
    char sddl[300], text[300], *sid_str;
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE };
    PSID owner;
    PACL dacl;
    PSECURITY_DESCRIPTOR sd;

    if (!ConvertSidToStringSidA(me, &sid_str))
        return uds_fail_code(PROG, "cannot read our SID for", dir, (int)GetLastError());
    /* O: owner; D:P a protected DACL; (A;OICI;FA;;;SID): allow, inherited
     * by files and subdirectories, full access, to SID. */
    snprintf(sddl, sizeof sddl, "O:%sD:P(A;OICI;FA;;;%s)", sid_str, sid_str);
    LocalFree(sid_str);
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        return uds_fail_code(PROG, "cannot build a DACL for", dir, (int)GetLastError());
    int made = CreateDirectoryA(dir, &sa);
    DWORD err = GetLastError();
    LocalFree(sa.lpSecurityDescriptor);
    if (!made && err != ERROR_ALREADY_EXISTS)
        return uds_fail_code(PROG, "cannot create directory", dir, (int)err);

    DWORD attr = GetFileAttributesA(dir);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return uds_fail_code(PROG, "cannot inspect", dir, (int)GetLastError());
    if ((attr & FILE_ATTRIBUTE_REPARSE_POINT) || !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
        fprintf(stderr, PROG ": %s is %s, not a directory; not using it\n", dir,
                attr & FILE_ATTRIBUTE_REPARSE_POINT ? "a reparse point (a link or junction)"
                                                     : "something else");
        return 1;
    }
    err = GetNamedSecurityInfoA(dir, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION
                                | DACL_SECURITY_INFORMATION, &owner, NULL, &dacl, NULL, &sd);
    if (err != ERROR_SUCCESS)
        return uds_fail_code(PROG, "cannot read the security of", dir, (int)err);
    int bad = 0;
    if (!EqualSid(owner, me)) {
        fprintf(stderr, PROG ": %s belongs to %s, not to you; not using it\n", dir,
                sid_text(owner, text, sizeof text));
        bad = 1;
    } else if (dacl == NULL) { /* no DACL at all: everyone may do anything */
        fprintf(stderr, PROG ": %s has no DACL (everyone has access); not using it\n", dir);
        bad = 1;
    }
    for (DWORD i = 0; !bad && i < dacl->AceCount; i++) {
        /* Allowed: "deny" rules, and "allow" rules for us, SYSTEM, Administrators. */
        ACCESS_ALLOWED_ACE *ace;
        if (!GetAce(dacl, i, (void **)&ace) || ace->Header.AceType == ACCESS_DENIED_ACE_TYPE)
            continue;
        PSID who = (PSID)&ace->SidStart;
        if (ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE && (EqualSid(who, me)
            || IsWellKnownSid(who, WinLocalSystemSid) || IsWellKnownSid(who, WinBuiltinAdministratorsSid)))
            continue;
        if (ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE) {
            fprintf(stderr, PROG ": %s has an access rule of a kind not checked here "
                    "(ACE type %u); not using it\n", dir, (unsigned)ace->Header.AceType);
            bad = 1;
        } else {
            fprintf(stderr, PROG ": %s grants access to %s; not using it\n", dir,
                    sid_text(who, text, sizeof text));
            bad = 1;
        }
    }
    LocalFree(sd);
    if (!bad)
        printf("%s private directory %s\n", made ? "created" : "checked", dir);
    return bad;
}
/* [private-dir] */

/* Chapter 03's rule: remove only a socket file nobody listens on.  Windows
 * has no S_ISSOCK: a socket file is a reparse point with a tag of its own. */
static int claim_path(const char *path, const struct sockaddr_un *addr, socklen_t len)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);
    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : uds_fail_code(PROG, "cannot inspect", path, (int)err);
    }
    FindClose(found);
    int is_sock = (st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
                  && st.dwReserved0 == IO_REPARSE_TAG_AF_UNIX;
    SOCKET probe = is_sock ? socket(AF_UNIX, SOCK_STREAM, 0) : INVALID_SOCKET;
    int stale = probe != INVALID_SOCKET && connect(probe, (const struct sockaddr *)addr, len) != 0
                && WSAGetLastError() == WSAECONNREFUSED;
    if (probe != INVALID_SOCKET)
        closesocket(probe);
    if (!stale) {
        fprintf(stderr, PROG ": %s exists and is not a stale socket; not removing it\n", path);
        return 1;
    }
    return DeleteFileA(path) ? 0 : uds_fail_code(PROG, "cannot remove stale socket", path,
                                                 (int)GetLastError());
}

/* [may-serve] */
/* May this peer be served?  1: yes; 0: no, and WHY says so; -1: error.
 * Windows gives a pid; who runs it must be read from its token, and the
 * token of another user's process can usually not be read at all: that
 * is a refusal too, naming the pid and the reason. */
static int may_serve(SOCKET client, ULONG *pid, char *why, size_t cap)
{
    sid_buf peer;
    char text[300];
    const char *step;
    DWORD got = 0;

    if (WSAIoctl(client, SIO_AF_UNIX_GETPEERPID, NULL, 0, pid, sizeof *pid, &got, NULL, NULL) != 0)
        return -1;
    DWORD err = token_sid(*pid, TokenUser, &peer.sid, &step);
    if (err != 0) {
        snprintf(why, cap, "pid %lu cannot be identified (%s: %s)", *pid, step,
                 uds_strerror((int)err));
        return 0;
    }
    if (EqualSid(&peer.sid, me))
        return 1;
    snprintf(why, cap, "user %s is not the owner of this server",
             sid_text(&peer.sid, text, sizeof text));
    return 0;
}
/* [may-serve] */

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char path[4096], line[512], name[300];
    const char *step;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: " PROG " [SOCKET_PATH]\n");
        return 2;
    }
    /* [default-path] */
    /* A per-user socket belongs in the user's own local application data,
     * never in a temporary directory that other users may share. */
    const char *run = getenv("LOCALAPPDATA");
    if (argc == 2)
        snprintf(path, sizeof path, "%s", argv[1]);
    else if (run != NULL && run[0] != '\0')
        snprintf(path, sizeof path, "%s\\afunix-kit\\private.sock", run);
    else {
        fprintf(stderr, PROG ": LOCALAPPDATA is not set: give SOCKET_PATH "
                "(not falling back to a shared temporary directory)\n");
        return 1;
    }
    /* [default-path] */
    /* Windows only: Winsock works only after WSAStartup. */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    DWORD err = token_sid(0, TokenUser, me, &step);
    if (err != 0)
        return uds_fail_code(PROG, "cannot read the token of", "this process", (int)err);
    if (path[0] != '@') {
        /* The directory is everything before the last '\\' (or '/'). */
        char *slash = strrchr(path, '\\'), *fwd = strrchr(path, '/');
        if (fwd > slash)
            slash = fwd;
        if (slash != NULL)
            *slash = '\0';
        int bad = private_dir(slash == NULL ? "." : path);
        if (slash != NULL)
            *slash = '\\';
        if (bad || claim_path(path, &addr, addr_len) != 0)
            return 1;
    }

    SOCKET listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    /* [bind-private] */
    /* No umask on Windows: the socket file takes the DACL its directory
     * passes on (ours: our user alone), from the moment bind() makes it. */
    int r = bind(listener, (struct sockaddr *)&addr, addr_len);
    /* [bind-private] */
    if (r != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        closesocket(listener);
        return 1;
    }
    printf("listening on %s\n", path);
    fflush(stdout);

    for (;;) {
        ULONG pid = 0;
        char why[512];
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            if (WSAGetLastError() == WSAEINTR || WSAGetLastError() == WSAECONNABORTED)
                continue;
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        /* [serve-or-refuse] */
        int ok = may_serve(client, &pid, why, sizeof why);
        if (ok < 0) {
            fprintf(stderr, PROG ": cannot check a client: %s\n", uds_strerror(WSAGetLastError()));
        } else if (ok == 0) {
            printf("refused pid %lu: %s\n", pid, why);
            snprintf(line, sizeof line, "refused: %s\n", why);
            uds_send_all(client, line, strlen(line)); /* it may have gone: no matter */
        } else {
            snprintf(line, sizeof line, "hello, %s: lines you send come back upper-cased\n",
                     sid_text(me, name, sizeof name));
            long n = uds_send_all(client, line, strlen(line)) == 0 ? upcase(client) : -1;
            if (n < 0)
                fprintf(stderr, PROG ": pid %lu: %s\n", pid, uds_strerror(WSAGetLastError()));
            else
                printf("served pid %lu: %ld bytes\n", pid, n);
        }
        /* [serve-or-refuse] */
        fflush(stdout);
        closesocket(client);
    }
    closesocket(listener);
    return 1;
}
