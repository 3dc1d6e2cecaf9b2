/* SPDX-License-Identifier: MIT */
/*
 * token.h (Windows only): who a process runs as, read from its access
 * token.  Linux needs nothing like it: SO_PEERCRED hands over numbers
 * (uid, gid); Windows hands over a pid, and the identity (a SID) must be
 * fetched from that process's token, in several calls.  Shared by the
 * three Win32 programs of chapter 04.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include "uds.h"

#include <stddef.h>
#include <windows.h>

/* Room for any SID, aligned as a SID must be (its sub-authorities are DWORDs). */
#define SID_ROOM SECURITY_MAX_SID_SIZE
typedef union { SID sid; BYTE room[SID_ROOM]; } sid_buf;

/*
 * Copy the user (what = TokenUser) or primary group (TokenPrimaryGroup)
 * of process PID (0: this process) into SID, which has SID_ROOM bytes.
 * Returns 0, or the Win32 error of the call that failed, whose name is
 * put in *step ("OpenProcess", say: another user's process usually
 * cannot be opened at all).
 */
DWORD token_sid(DWORD pid, TOKEN_INFORMATION_CLASS what, PSID sid, const char **step);

/* Write "S-1-5-21-...-1001 (HOST\name)", or only the SID when it has no
 * account name, into BUF; returns BUF. */
char *sid_text(PSID sid, char *buf, size_t cap);

#endif
