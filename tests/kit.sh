# SPDX-License-Identifier: MIT
# Sourced by the kit's shell scenario tests.  Gives them TAP output, a
# private temporary directory that is always removed, background processes
# that are always killed and reaped, and waits bounded by time, not sleeps.
set -u

tap_n=0
ok()      { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok()  { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }
diag()    { printf '%s\n' "$@" | sed 's/^/# /'; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
skip()    { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }  # skip DESCRIPTION REASON
done_testing() { echo "1..$tap_n"; exit 0; }

# check DESCRIPTION COMMAND...: one TAP line for COMMAND's success.
check() {
    _desc=$1; shift
    if "$@"; then ok "$_desc"; else not_ok "$_desc"; fi
}

# A private directory with a short name: socket paths must fit in 108 bytes.
_base=${TMPDIR:-/tmp}
[ ${#_base} -le 40 ] || _base=/tmp
T=$(mktemp -d "$_base/uds.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
_bg_pids=""

_cleanup() {
    for _p in $_bg_pids; do kill -TERM "$_p" 2>/dev/null; done
    for _p in $_bg_pids; do
        _i=0
        while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
        kill -KILL "$_p" 2>/dev/null
        wait "$_p" 2>/dev/null
    done
    rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM HUP

# UDS_WRAP (say, "valgrind -q --error-exitcode=99"), when set, is put in
# front of every compiled program that bg and run start, so CI can run the
# scenario tests under a checker; scripts and system tools run as they are.
_wrapper() { # _wrapper PROGRAM: sets _kit_wrap to $UDS_WRAP if PROGRAM is compiled
    _kit_wrap=
    if [ -n "${UDS_WRAP:-}" ] && [ -f "$1" ] && [ "$(head -c 4 "$1")" = "$(printf '\177ELF')" ]; then
        _kit_wrap=$UDS_WRAP
    fi
}

# bg NAME COMMAND...: start COMMAND in the background; its output goes to
# $T/NAME.out and $T/NAME.err, its pid to the variable NAME_pid.
bg() {
    _name=$1; shift
    _wrapper "$1"
    $_kit_wrap "$@" >"$T/$_name.out" 2>"$T/$_name.err" &
    eval "${_name}_pid=$!"
    _bg_pids="$_bg_pids $!"
}

# wait_for_line FILE PATTERN [SECONDS] [PID]: wait until FILE has a line
# matching PATTERN (grep -E); fail on timeout or when PID has exited.
wait_for_line() {
    _f=$1 _pat=$2 _secs=${3:-10} _pid=${4:-}
    _end=$(( $(date +%s) + _secs ))
    while [ "$(date +%s)" -le "$_end" ]; do
        grep -Eq -- "$_pat" "$_f" 2>/dev/null && return 0
        if [ -n "$_pid" ] && ! kill -0 "$_pid" 2>/dev/null; then
            grep -Eq -- "$_pat" "$_f" 2>/dev/null && return 0
            return 1
        fi
        sleep 0.02
    done
    return 1
}

# wait_exit PID [SECONDS]: wait for a background process to end by itself;
# its status goes to $rc (124 on timeout, after which it is killed).
wait_exit() {
    _pid=$1 _secs=${2:-10}
    _end=$(( $(date +%s) + _secs ))
    while kill -0 "$_pid" 2>/dev/null; do
        if [ "$(date +%s)" -gt "$_end" ]; then
            kill -KILL "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null; rc=124; return 1
        fi
        sleep 0.02
    done
    wait "$_pid" 2>/dev/null; rc=$?
    return 0
}

# run NAME COMMAND...: run COMMAND in the foreground with a time limit;
# output to $T/NAME.out and $T/NAME.err, exit status to $rc.
run() {
    _name=$1; shift
    _wrapper "$1"
    timeout -k 2 "${UDS_TIMEOUT:-20}" $_kit_wrap "$@" >"$T/$_name.out" 2>"$T/$_name.err" </dev/null
    rc=$?
}

# Assertions that print what they saw when they fail.
has() {   # has FILE PATTERN: FILE has a line matching PATTERN (grep -E)
    grep -Eq -- "$2" "$1" && return 0
    diag "expected /$2/ in $(basename "$1"), which holds:"; diag "$(cat "$1")"; return 1
}
same() {  # same FILE TEXT: FILE holds exactly TEXT and a newline
    [ "$(cat "$1")" = "$2" ] && [ "$(wc -l < "$1")" -eq 1 ] && return 0
    diag "expected '$2' in $(basename "$1"), got:"; diag "$(cat "$1")"; return 1
}
has_text() { # has_text FILE TEXT: FILE holds TEXT, taken literally (grep -F)
    grep -Fq -- "$2" "$1" && return 0
    diag "expected '$2' in $(basename "$1"), which holds:"; diag "$(cat "$1")"; return 1
}
status() { # status WANT: the last run ended with exit status WANT
    [ "$rc" -eq "$1" ] && return 0
    diag "expected exit status $1, got $rc"; return 1
}
failed() { # the last run failed, but did not crash or time out
    [ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && return 0
    diag "expected a clean failure (status 1..123), got $rc"; return 1
}

# --- Windows programs under Wine ($UDS_RUN), for win32.test files ---------
winpath() { printf 'Z:%s\n' "$1" | tr / '\\'; }  # a Unix path as Wine's Z: sees it
unix_text() { # unix_text NAME: drop the \r of Windows line ends from $T/NAME.*
    for _f in "$T/$1.out" "$T/$1.err"; do
        tr -d '\r' <"$_f" >"$_f.tmp" && mv "$_f.tmp" "$_f"
    done
}
# wrun NAME COMMAND...: run a Windows program like run, with Unix line ends.
# When Wine itself fails to start (its client loses the wineserver, which
# happens when several tests start Wine at once), the program never ran:
# try again, up to twice, rather than fail a check the program never saw.
wrun() {
    _n=$1; shift
    for _try in 1 2 3; do
        run "$_n" $UDS_RUN "$@"
        grep -q '^wine client error' "$T/$_n.err" 2>/dev/null || break
    done
    unix_text "$_n"
}
