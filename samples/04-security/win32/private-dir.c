/* SPDX-License-Identifier: MIT */
/*
 * private-dir.c (Windows): the socket's directory, owned by us, with a DACL
 * that lets no other user in.  See private-dir.h; private-server.c is the
 * program that uses it.  Windows has no mode bits: "0700" is an owner and
 * an access control list (DACL), built from a text form (SDDL) and read
 * back rule by rule (ACE by ACE).
 */
#include "uds.h"
#include "private-dir.h"
#include "token.h"

#include <stdio.h>
#include <string.h>
#include <aclapi.h>
#include <sddl.h>

/* [private-dir] */
/* Create DIR with our user as owner and a protected DACL (nothing inherited
 * from above) that grants our user alone full access.  Returns 1 if made,
 * 0 if it was there, -1 (error printed). */
static int make_dir(const char *prog, const char *dir, PSID me)
{
    char sddl[300], *sid_str;
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE };

    if (!ConvertSidToStringSidA(me, &sid_str))
        return -uds_fail_code(prog, "cannot read our SID for", dir, (int)GetLastError());
    /* O: owner; D:P a protected DACL; (A;OICI;FA;;;SID): allow, inherited
     * by files and subdirectories, full access, to SID. */
    snprintf(sddl, sizeof sddl, "O:%sD:P(A;OICI;FA;;;%s)", sid_str, sid_str);
    LocalFree(sid_str);
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        return -uds_fail_code(prog, "cannot build a DACL for", dir, (int)GetLastError());
    int made = CreateDirectoryA(dir, &sa);
    DWORD err = GetLastError();
    LocalFree(sa.lpSecurityDescriptor);
    if (!made && err != ERROR_ALREADY_EXISTS)
        return -uds_fail_code(prog, "cannot create directory", dir, (int)err);
    return made;
}

/* Check DIR: a real directory (a reparse point, such as a symlink or
 * junction, is refused), owned by us, whose DACL allows nobody else, except
 * SYSTEM and the Administrators, who can take any file anyway (as root can
 * on Linux, where root passes every mode check).  "Deny" rules are fine. */
static int check_dir(const char *prog, const char *dir, PSID me)
{
    char text[300];
    PSID owner;
    PACL dacl;
    PSECURITY_DESCRIPTOR sd;

    DWORD attr = GetFileAttributesA(dir);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return uds_fail_code(prog, "cannot inspect", dir, (int)GetLastError());
    if ((attr & FILE_ATTRIBUTE_REPARSE_POINT) || !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
        fprintf(stderr, "%s: %s is %s, not a directory; not using it\n", prog, dir,
                attr & FILE_ATTRIBUTE_REPARSE_POINT ? "a reparse point (a link or junction)"
                                                     : "something else");
        return 1;
    }
    DWORD err = GetNamedSecurityInfoA(dir, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION
                                      | DACL_SECURITY_INFORMATION, &owner, NULL, &dacl, NULL, &sd);
    if (err != ERROR_SUCCESS)
        return uds_fail_code(prog, "cannot read the security of", dir, (int)err);
    int bad = 1;
    if (!EqualSid(owner, me))
        fprintf(stderr, "%s: %s belongs to %s, not to you; not using it\n", prog, dir,
                sid_text(owner, text, sizeof text));
    else if (dacl == NULL) /* no DACL at all: everyone may do anything */
        fprintf(stderr, "%s: %s has no DACL (everyone has access); not using it\n", prog, dir);
    else
        bad = 0;
    for (DWORD i = 0; !bad && i < dacl->AceCount; i++) {
        ACCESS_ALLOWED_ACE *ace;
        if (!GetAce(dacl, i, (void **)&ace) || ace->Header.AceType == ACCESS_DENIED_ACE_TYPE)
            continue;
        PSID who = (PSID)&ace->SidStart;
        bad = 1;
        if (ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE)
            fprintf(stderr, "%s: %s has an access rule of a kind not checked here "
                    "(ACE type %u); not using it\n", prog, dir, (unsigned)ace->Header.AceType);
        else if (EqualSid(who, me) || IsWellKnownSid(who, WinLocalSystemSid)
                 || IsWellKnownSid(who, WinBuiltinAdministratorsSid))
            bad = 0;
        else
            fprintf(stderr, "%s: %s grants access to %s; not using it\n", prog, dir,
                    sid_text(who, text, sizeof text));
    }
    LocalFree(sd);
    return bad;
}
/* [private-dir] */

int private_dir(const char *prog, const char *socket_path)
{
    char dir[4096];
    sid_buf own;
    const char *step;

    DWORD err = token_sid(0, TokenUser, &own.sid, &step);
    if (err != 0)
        return uds_fail_code(prog, "cannot read the token of", "this process", (int)err);
    /* The directory is everything before the last '\\' (or '/'). */
    snprintf(dir, sizeof dir, "%s", socket_path);
    char *slash = strrchr(dir, '\\'), *fwd = strrchr(dir, '/');
    if (fwd > slash)
        slash = fwd;
    if (slash != NULL)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int made = make_dir(prog, dir, &own.sid);
    if (made < 0 || check_dir(prog, dir, &own.sid) != 0)
        return 1;
    printf("%s private directory %s\n", made ? "created" : "checked", dir);
    return 0;
}
