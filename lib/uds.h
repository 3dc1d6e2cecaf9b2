/* SPDX-License-Identifier: MIT */
/**
 * @file uds.h
 * @brief The kit's tiny helper library: what a chapter needs but is not teaching.
 *
 * One header for Linux and Windows.  The code behind it is split the way the
 * platforms are: uds_posix.c (POSIX), uds_win32.c (Winsock) and
 * uds_common.c (what both share, written once on top of the other two).
 *
 * Where it has been tried: the kit builds and tests the POSIX part on Linux
 * (glibc) only, and the Winsock part with mingw-w64, run under Wine.  The
 * POSIX part uses only calls of POSIX.1-2008, `MSG_NOSIGNAL` among them, so
 * it should build on other systems that have them (the BSDs, Solaris 11.4);
 * the kit has not tried.  On a system without `MSG_NOSIGNAL` (older macOS)
 * it stops the build with an error that says so, rather than let SIGPIPE
 * kill a program that believes it is protected.
 *
 * Conventions, for every function here:
 * - failure returns -1 (or #UDS_INVALID_SOCKET) and leaves the reason where
 *   the platform keeps it (`errno` on POSIX, `WSAGetLastError()` on Windows);
 *   uds_last_error() reads it portably and uds_strerror() turns it into text;
 * - nothing exits and nothing allocates; nothing prints, except the
 *   functions that report for a program (uds_fail(), its two siblings and
 *   uds_options(), in uds_report.c), which print and return an exit status.
 */
#ifndef UDS_H
#define UDS_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>
#else
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <signal.h>
#endif

#ifdef _WIN32
/** A socket handle: `SOCKET` on Windows, a file descriptor on POSIX. */
typedef SOCKET uds_socket_t;
/** The value a failed socket() returns. */
#define UDS_INVALID_SOCKET INVALID_SOCKET
/* Error codes the library reports itself, in the platform's numbering. */
/** An invalid argument, such as an empty path (`EINVAL` / `WSAEINVAL`). */
#define UDS_EINVAL WSAEINVAL
/** A path or name too long for `sun_path` (`ENAMETOOLONG` / `WSAENAMETOOLONG`). */
#define UDS_ENAMETOOLONG WSAENAMETOOLONG
/** A frame larger than allowed (`EMSGSIZE` / `WSAEMSGSIZE`). */
#define UDS_EMSGSIZE WSAEMSGSIZE
/** The peer closed in the middle of a frame (`ECONNRESET` / `WSAECONNRESET`). */
#define UDS_ECONNRESET WSAECONNRESET
/** AF_UNIX is not supported here (`EAFNOSUPPORT` / `WSAEAFNOSUPPORT`). */
#define UDS_EAFNOSUPPORT WSAEAFNOSUPPORT
#else
typedef int uds_socket_t;
#define UDS_INVALID_SOCKET (-1)
#define UDS_EINVAL EINVAL
#define UDS_ENAMETOOLONG ENAMETOOLONG
#define UDS_EMSGSIZE EMSGSIZE
#define UDS_ECONNRESET ECONNRESET
#define UDS_EAFNOSUPPORT EAFNOSUPPORT
#endif

/**
 * What a Windows program tells its user when `socket(AF_UNIX, ...)` fails
 * with `WSAEAFNOSUPPORT`: the error's own text does not say what to do.
 * One text for every Win32 sample (and for the tests that look for it).
 */
#define UDS_AFUNIX_MISSING \
    "AF_UNIX is not available on this system (WSAEAFNOSUPPORT): it needs " \
    "Windows 10 version 1803 (build 17134) or later; it first came in " \
    "Insider build 17063.  `sc query afunix` shows whether its driver is running"

/** @name Start-up, handles and errors
 * @{ */

/**
 * Prepare the socket API: WSAStartup() on Windows, nothing on POSIX, so
 * that a Linux program and its Win32 twin can both call it:
 * `if (uds_startup() != 0) return uds_fail(PROG, "cannot start", "Winsock");`
 * (chapter 01 calls WSAStartup() itself, to show it).
 * @return 0, or -1 with the reason in uds_last_error().
 */
int uds_startup(void);

/** Undo uds_startup(): WSACleanup() on Windows, nothing on POSIX. */
void uds_cleanup(void);

/**
 * Close a socket: closesocket() on Windows, close() on POSIX.  For code that
 * both platforms share (chapter 07's room.c); a program of one platform
 * calls its own platform's function, which its chapter teaches.
 * @return 0, or -1 with the reason in uds_last_error().
 */
int uds_close(uds_socket_t s);

/** The last error of this thread: `errno` on POSIX, `WSAGetLastError()` on Windows. */
int uds_last_error(void);

/** Set the value uds_last_error() returns. */
void uds_set_error(int err);

/**
 * The symbolic name of an error code, such as `"ENOENT"` or
 * `"WSAEAFNOSUPPORT"`, or NULL when the library does not know it.
 */
const char *uds_error_name(int err);

/**
 * Human-readable text for an error code with its symbolic name, for example
 * `"No such file or directory (ENOENT)"`.
 * @return a per-thread buffer, valid until the next call in the same thread.
 */
const char *uds_strerror(int err);

/** @} */

/** @name Reporting errors the kit's way
 * Every program reports a failure as one line on stderr,
 * `PROG: WHAT WHERE: text (SYMBOL)`, and exits with status 1.  These print
 * that line and return 1, so that a program can write
 * `return uds_fail(PROG, "cannot bind", path);`.  They never exit.
 * @{ */

/**
 * Print `PROG: WHAT WHERE: text (SYMBOL)` for the error in uds_last_error().
 * @return 1, the exit status for a failure
 */
int uds_fail(const char *prog, const char *what, const char *where);

/**
 * The same for an error code the caller has, such as Windows'
 * `GetLastError()` after a file call, which uds_last_error() does not read.
 * @return 1
 */
int uds_fail_code(const char *prog, const char *what, const char *where, int err);

/**
 * Report a failed `socket(AF_UNIX, ...)`.  When the error is
 * #UDS_EAFNOSUPPORT (a Windows without AF_UNIX) it prints #UDS_AFUNIX_MISSING,
 * which says what to do; otherwise `PROG: cannot create a socket for WHERE: ...`.
 * @return 1
 */
int uds_fail_socket(const char *prog, const char *where);

/**
 * Look at a program's arguments before it uses any of them.  The kit's
 * rule: an argument that starts with `-` is an option, never a path, a name
 * or a message (so `prog --help` can never create a socket named `--help`;
 * a file whose name starts with `-` is written `./-name`).  `--help` prints
 * @p usage on stdout; any other argument starting with `-` that is not in
 * @p known prints `PROG: unknown option ARG` and @p usage on stderr.
 * An option's value (the word after it) is not looked at as an option
 * unless it too starts with `-`.
 * @param known  the options the program takes, ending with NULL; or NULL
 * @param usage  the usage line, such as `"usage: echo-server SOCKET_PATH [COUNT]"`
 * @return -1 when the program may go on; otherwise the exit status:
 *         0 after `--help`, 2 after an unknown option
 */
int uds_options(const char *prog, int argc, char **argv,
                const char *const *known, const char *usage);

/** @} */

#ifdef _WIN32
/** @name Waking a wait from another thread (Windows)
 * How the Win32 samples stop: a console control handler runs in a thread
 * of its own, and nothing it can do interrupts a WSAPoll() in the main
 * thread, except making one of the polled sockets readable.  So the program
 * puts `pair[0]` in every WSAPoll() set, and the handler sends one byte on
 * `pair[1]`.  (Linux programs block their stop signals and wait in ppoll(),
 * which is the same idea done by the kernel: see chapter 03.)
 * @{ */

/**
 * Make a connected pair of loopback TCP sockets, private to this process
 * (never inherited by a child): `pair[0]` to wait on, `pair[1]` to send one
 * byte on.  Loopback TCP because it exists on every Windows and under Wine;
 * the pair never carries anything but wake-ups.
 * @return 0, or -1 with the reason in uds_last_error().
 */
int uds_wake_pair(uds_socket_t pair[2]);

/** @} */
#endif

/** @name Stopping on request
 * Chapter 03 teaches how a server stops cleanly, and sets it up by hand;
 * the later chapters, which teach something else, call these instead.  The
 * mechanism is chapter 03's, one per platform:
 * - POSIX: SIGINT, SIGTERM and SIGHUP are blocked, and caught by a handler
 *   that only records which came.  The program waits only in `ppoll()`
 *   with the mask of `const sigset_t *uds_stop_wait_mask(void)` (POSIX
 *   only, so not on this page, which is read as Windows sees the header),
 *   which lets them in for the length of the wait, so none slips in
 *   between a look at uds_stop_requested() and the wait.
 * - Windows: a console control handler, which Windows runs on a thread of
 *   its own, records the event, then sends one byte on a uds_wake_pair();
 *   the program puts uds_stop_wake() in every WSAPoll() set.
 *
 * One program, one stop: the state is the process's.  Call
 * uds_prepare_stop() once, before the socket file exists (and, on POSIX,
 * before any thread starts: threads inherit the blocked signals, so only
 * the waiting thread's `ppoll()` lets them in).
 * @{ */

/**
 * Catch the stop requests and make them able to end a wait.  POSIX: block
 * SIGINT, SIGTERM and SIGHUP in the calling thread and install their
 * handler.  Windows: make the wake-up pair and register the console
 * control handler.
 * @return 0, or -1 with the reason in uds_last_error().
 */
int uds_prepare_stop(void);

/**
 * Has a stop been asked for?
 * @return NULL until then; then the name of what asked, such as
 *         `"SIGTERM"` or `"CTRL_C_EVENT"`.
 */
const char *uds_stop_requested(void);

/**
 * Undo uds_prepare_stop(), once the program has cleaned up (its socket file
 * removed) and before uds_cleanup().  Windows: unregister the console
 * handler (so that a later Ctrl+C finds none that sends on a closed
 * socket), let a handler that is waiting return (Windows ends the process
 * when the handler for a closing console returns, so it waits for this, at
 * most 5 seconds), and close the wake-up pair.  POSIX: nothing to undo (the
 * process is about to end).  Safe to call after a uds_prepare_stop() that
 * failed.
 */
void uds_stop_done(void);

#ifndef _WIN32
/**
 * The signal mask to wait with, `ppoll(fds, n, timeout, uds_stop_wait_mask())`:
 * the calling thread's mask as it was before uds_prepare_stop(), the stop
 * signals let in.
 */
const sigset_t *uds_stop_wait_mask(void);
#else
/**
 * The socket to put in every WSAPoll() set (events `POLLIN`): it turns
 * readable when a stop is asked for, and stays readable.
 * #UDS_INVALID_SOCKET before uds_prepare_stop() and after uds_stop_done().
 */
uds_socket_t uds_stop_wake(void);
#endif

/** @} */

/** @name Addresses
 * @{ */

/** The number of bytes in `sun_path`: 108 on Linux and Windows. */
#define UDS_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))

/**
 * Fill in a pathname address.  The length counts the family, the path and its
 * terminating NUL, computed with `offsetof`, not guessed with `sizeof`.
 * @param addr  the address to fill in
 * @param len   receives the length to pass to bind() or connect()
 * @param path  a non-empty path of at most #UDS_PATH_MAX - 1 bytes
 * @return 0; or -1 with #UDS_EINVAL for an empty path, #UDS_ENAMETOOLONG for
 *         one that would not fit (it is refused, never truncated).
 */
int uds_addr_path(struct sockaddr_un *addr, socklen_t *len, const char *path);

/**
 * Fill in an abstract address: a NUL byte, then @p name_len bytes of name
 * (which may hold any byte, NUL included).  The length is exact: abstract
 * names are not NUL-terminated, and a trailing NUL would be part of the name.
 * @return 0; or -1 with #UDS_EINVAL for an empty name, #UDS_ENAMETOOLONG for
 *         one longer than #UDS_PATH_MAX - 1 bytes.
 */
int uds_addr_abstract(struct sockaddr_un *addr, socklen_t *len,
                      const void *name, size_t name_len);

/**
 * Write an address in readable form into @p buf: the path of a pathname
 * address, `@name` for an abstract one (bytes outside printable ASCII as
 * `\xNN`), or `(unnamed)`.  An unnamed socket's address is just the family
 * on Linux; elsewhere (Windows, the BSDs) getsockname() and getpeername()
 * may return the full length with `sun_path` all zero, as the rust socket2
 * crate found (pull request 403): outside Linux, an all-zero `sun_path` is
 * therefore shown as `(unnamed)` too.  (On Linux the same bytes are a
 * valid abstract name, and are shown as one.)  The result is always NUL-terminated and is cut
 * short (ending in `...`) only when @p cap is too small.
 * @return @p buf
 */
char *uds_addr_format(const struct sockaddr_un *addr, socklen_t len,
                      char *buf, size_t cap);

/** @} */

/** @name Sending and receiving on a stream
 * @{ */

/**
 * One send(), retried while it is interrupted by a signal (EINTR), and never
 * raising SIGPIPE on a closed peer (the error is EPIPE instead).
 * @return the number of bytes sent (at least 1 when @p len > 0), or -1.
 */
long uds_send_some(uds_socket_t s, const void *buf, size_t len);

/**
 * One recv(), retried while it is interrupted by a signal (EINTR).
 * @return the number of bytes received, 0 at end of stream, or -1.
 */
long uds_recv_some(uds_socket_t s, void *buf, size_t len);

/**
 * Send all @p len bytes, however many send() calls that takes.  Like
 * uds_send_some(), it sends with `MSG_NOSIGNAL` on POSIX: a peer that has
 * closed makes it fail with `EPIPE` instead of raising SIGPIPE, which would
 * kill the program (Windows has no SIGPIPE).
 * @return 0, or -1 with the reason in uds_last_error().
 */
int uds_send_all(uds_socket_t s, const void *buf, size_t len);

/**
 * Receive exactly @p len bytes, however many recv() calls that takes.
 * @param got  if not NULL, receives the number of bytes that did arrive
 * @return 1 when all arrived; 0 when the peer closed the stream first;
 *         -1 on an error (see uds_last_error()).
 */
int uds_recv_exact(uds_socket_t s, void *buf, size_t len, size_t *got);

/** @} */

#ifndef _WIN32
/** @name Who is at the other end (POSIX)
 * Chapter 04 teaches peer credentials; chapter 06's workers use this one
 * check to refuse a connection from another user.
 * @{ */

/**
 * Is the process at the other end of the connected AF_UNIX socket @p s
 * running as this process's effective user?  The kernel records the peer's
 * credentials when the connection is made (`SO_PEERCRED` on Linux,
 * getpeereid() on the BSDs and macOS), so the answer cannot be forged by
 * the peer.
 * @param peer_uid  if not NULL, receives the peer's user id (when known)
 * @return 1 for the same user; 0 for another user; -1 on an error (see
 *         uds_last_error()), such as `ENOTCONN` or `ENOTSOCK`.
 */
int uds_peer_is_self(uds_socket_t s, long *peer_uid);

/** @} */
#endif

/** @name Message frames
 * A stream has no message boundaries, and on Windows a stream is all there
 * is.  A frame restores them: a 4-byte big-endian length, then that many bytes.
 * @{ */

/** The largest payload a frame may carry: 1 MiB. */
#define UDS_FRAME_MAX (1024u * 1024u)

/** Size of a frame header in bytes. */
#define UDS_FRAME_HEADER 4u

/** Write the header for a payload of @p len bytes (no checks: see uds_frame_send()). */
void uds_frame_encode(unsigned char header[UDS_FRAME_HEADER], uint32_t len);

/**
 * Read a header and check it against @p max.
 * @return the payload length; or -1 with #UDS_EMSGSIZE when it exceeds @p max.
 */
long uds_frame_decode(const unsigned char header[UDS_FRAME_HEADER], size_t max);

/**
 * Send one frame.
 * @return 0; or -1 with #UDS_EMSGSIZE when @p len exceeds #UDS_FRAME_MAX
 *         (nothing is sent), or the socket's error.
 */
int uds_frame_send(uds_socket_t s, const void *payload, size_t len);

/**
 * Receive one frame into @p buf.
 * @param cap  the size of @p buf; larger frames are refused (at most #UDS_FRAME_MAX)
 * @param len  receives the payload length
 * @return 1 for a frame; 0 when the peer closed the stream between frames;
 *         -1 on error: #UDS_EMSGSIZE for a frame larger than @p cap (its
 *         payload is left unread, so the connection must be closed),
 *         #UDS_ECONNRESET when the peer closed in the middle of a frame, or
 *         the socket's error.
 */
int uds_frame_recv(uds_socket_t s, void *buf, size_t cap, size_t *len);

/** @} */

#endif /* UDS_H */
