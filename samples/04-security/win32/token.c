/* SPDX-License-Identifier: MIT */
/*
 * token.c (Windows only): who a process runs as.  See token.h.
 */
#include "token.h"

#include <stdio.h>
#include <sddl.h>

/* [token-sid] */
DWORD token_sid(DWORD pid, TOKEN_INFORMATION_CLASS what, PSID sid, const char **step)
{
    /* The least access that reads a token: "limited" query rights.  For a
     * process of another user, even this is usually refused. */
    HANDLE proc = pid == 0 ? GetCurrentProcess()
                           : OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    HANDLE token = NULL;
    union { TOKEN_USER user; TOKEN_PRIMARY_GROUP group; BYTE room[sizeof(TOKEN_USER) + SID_ROOM]; } info;
    DWORD len, err = 0;

    *step = "OpenProcess";
    if (proc == NULL)
        return GetLastError();
    *step = "OpenProcessToken";
    if (!OpenProcessToken(proc, TOKEN_QUERY, &token)) {
        err = GetLastError();
    } else {
        *step = "GetTokenInformation";
        if (!GetTokenInformation(token, what, &info, sizeof info, &len))
            err = GetLastError();
        else if (!CopySid(SID_ROOM, sid, what == TokenUser ? info.user.User.Sid
                                                          : info.group.PrimaryGroup))
            err = GetLastError();
        CloseHandle(token);
    }
    if (pid != 0)
        CloseHandle(proc);
    return err;
}
/* [token-sid] */

char *sid_text(PSID sid, char *buf, size_t cap)
{
    char *str = NULL, name[256], domain[256];
    DWORD name_len = sizeof name, domain_len = sizeof domain;
    SID_NAME_USE use;

    if (!ConvertSidToStringSidA(sid, &str)) {
        snprintf(buf, cap, "(a SID that cannot be read)");
        return buf;
    }
    if (LookupAccountSidA(NULL, sid, name, &name_len, domain, &domain_len, &use))
        snprintf(buf, cap, "%s (%s\\%s)", str, domain, name);
    else
        snprintf(buf, cap, "%s", str);
    LocalFree(str);
    return buf;
}
