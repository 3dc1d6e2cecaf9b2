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
    eval "_bgname_$!=$_name"
    _bg_pids="$_bg_pids $!"
}

# wait_for_line FILE PATTERN [SECONDS] [PID]: wait until FILE has a line
# matching PATTERN (grep -E); fail on timeout or when PID has exited.
# Under a checker (UDS_WRAP) every program is many times slower to start,
# so every time limit below is five times longer: limits end hangs, they do
# not measure speed.
_slow() { if [ -n "${UDS_WRAP:-}" ]; then echo $(($1 * 5)); else echo "$1"; fi; }

wait_for_line() {
    _f=$1 _pat=$2 _secs=$(_slow "${3:-10}") _pid=${4:-}
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
    _pid=$1 _secs=$(_slow "${2:-10}")
    eval "_last_run=\${_bgname_$_pid:-}"
    _end=$(( $(date +%s) + _secs ))
    while kill -0 "$_pid" 2>/dev/null; do
        if [ "$(date +%s)" -gt "$_end" ]; then
            kill -KILL "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null; rc=124
            _last_what="a process still running after ${_secs} s (a time-out: it was stopped)"
            return 1
        fi
        sleep 0.02
    done
    wait "$_pid" 2>/dev/null; rc=$?
    _last_what=
    return 0
}

# run NAME COMMAND...: run COMMAND in the foreground with a time limit;
# output to $T/NAME.out and $T/NAME.err, exit status to $rc.  The limit is
# there to end a hang, not to measure speed: it is generous (60 s), and
# five times that under a checker such as valgrind, whose start alone can
# take many seconds on a loaded machine.  UDS_TIMEOUT overrides it.
run() {
    _name=$1; shift
    _wrapper "$1"
    _limit=${UDS_TIMEOUT:-60}
    [ -z "$_kit_wrap" ] || [ -n "${UDS_TIMEOUT:-}" ] || _limit=300
    timeout -k 2 "$_limit" $_kit_wrap "$@" >"$T/$_name.out" 2>"$T/$_name.err" </dev/null
    rc=$?
    _last_run=$_name _last_what=
    # timeout(1) says 124 when it stopped the program, 137 when it had to kill it.
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        _last_what="$(basename "$1") still running after $_limit s (a time-out: it was stopped)"
    fi
}
_last_run= _last_what=

# what_happened: how the last run ended, in words, and what it printed on
# its standard error: a failing check shows the program's own message.
what_happened() {
    if [ -n "$_last_what" ]; then
        diag "$_last_what"
    elif [ "$rc" -gt 128 ] && [ "$rc" -lt 160 ]; then
        diag "killed by signal SIG$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))"
    fi
    if [ -n "$_last_run" ] && [ -s "$T/$_last_run.err" ]; then
        diag "its standard error ($_last_run.err):"
        diag "$(head -n 20 "$T/$_last_run.err")"
    fi
}

# Assertions that print what they saw when they fail.
has() {   # has FILE PATTERN: FILE has a line matching PATTERN (grep -E)
    grep -Eq -- "$2" "$1" && return 0
    diag "expected /$2/ in $(basename "$1"), which holds:"; diag "$(cat "$1")"; _err_too "$1"; return 1
}
same() {  # same FILE TEXT: FILE holds exactly TEXT and a newline
    [ "$(cat "$1")" = "$2" ] && [ "$(wc -l < "$1")" -eq 1 ] && return 0
    diag "expected '$2' in $(basename "$1"), got:"; diag "$(cat "$1")"; _err_too "$1"; return 1
}
has_text() { # has_text FILE TEXT: FILE holds TEXT, taken literally (grep -F)
    grep -Fq -- "$2" "$1" && return 0
    diag "expected '$2' in $(basename "$1"), which holds:"; diag "$(cat "$1")"; _err_too "$1"; return 1
}
_err_too() { # _err_too FILE: for NAME.out, also show NAME.err, and a time-out
    case $1 in
        *.out) [ -s "${1%.out}.err" ] && { diag "and $(basename "${1%.out}").err holds:"; diag "$(head -n 20 "${1%.out}.err")"; } ;;
    esac
    [ "$(basename "$1" .out)" = "$_last_run" ] && [ -n "$_last_what" ] && diag "$_last_what"
    return 0
}
status() { # status WANT: the last run ended with exit status WANT
    [ "$rc" -eq "$1" ] && return 0
    diag "expected exit status $1, got $rc"; what_happened; return 1
}
failed() { # the last run failed, but did not crash or time out
    [ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && return 0
    diag "expected a clean failure (status 1..123), got $rc"; what_happened; return 1
}

# --- Windows programs, for win32.test files --------------------------------
# Under Wine ($UDS_RUN is wine) on Linux, or natively on Windows in MSYS2
# (UDS_NATIVE_WIN=yes, $UDS_RUN empty), where the same tests run for real.
case $(uname -s) in
    MINGW*|MSYS*|CYGWIN*|UCRT64*|CLANG*|*_NT-*) UDS_NATIVE_WIN=yes ;;
    *) UDS_NATIVE_WIN=no ;;
esac
# winpath PATH: a Unix path as the Windows program sees it: cygpath's
# C:\msys64\tmp\... natively, Wine's Z:\tmp\... under Wine.
winpath() {
    if [ "$UDS_NATIVE_WIN" = yes ]; then cygpath -w "$1"
    else printf 'Z:%s\n' "$1" | tr / '\\'; fi
}
# Wine keeps quiet (its diagnostics are not the program's output) unless
# the caller asked for them.
WINEDEBUG=${WINEDEBUG:--all}; export WINEDEBUG
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

# option_rule NAME PROGRAM USAGE_LINE [ARGS...]: the kit's rule for an
# argument that starts with "-" (docs/authoring.md): `PROGRAM ARGS --help`
# prints USAGE_LINE on stdout and exits 0; `PROGRAM ARGS -x` is a usage
# error (exit 2) that names the option; neither leaves a file named after
# the option in the working directory.  Runs with $option_run (default
# run; wrun for a Windows program).
option_rule() {
    _on=$1 _op=$2 _ou=$3; shift 3
    ${option_run:-run} "$_on-h" "$_op" "$@" --help
    check "$_on $* --help: the usage line on stdout, exit 0" \
        eval 'status 0 && same "$T/$_on-h.out" "$_ou"'
    ${option_run:-run} "$_on-x" "$_op" "$@" -x
    check "$_on $* -x: unknown option, usage error (exit 2)" \
        eval 'status 2 && has_text "$T/$_on-x.err" "$_on: unknown option -x"'
    check "$_on $*: no file named --help or -x was made" test ! -e ./--help -a ! -e ./-x
}

# Stopping a Windows program as a user does, with Ctrl+C or Ctrl+Break:
# MSYS2's kill cannot deliver those to a native program, so the test
# helper tests/ctrl-event.exe starts the program in a console of its own
# and sends it the event with GenerateConsoleCtrlEvent().  Natively only:
# Wine has no console to send it through (the check is skipped there).
#   wbg NAME COMMAND...   like bg, in its own console
#   wstop NAME [c|break]  send Ctrl+C (default) or Ctrl+Break to it
# Both fail (status 1) where they cannot work: test can_ctrl_event first.
UDS_CTRL_EVENT=${UDS_TOP_BUILDDIR:-.}/tests/ctrl-event.exe
can_ctrl_event() { [ "$UDS_NATIVE_WIN" = yes ] && [ -x "$UDS_CTRL_EVENT" ]; }
wbg() {
    _wn=$1; shift
    can_ctrl_event || return 1
    bg "$_wn" "$UDS_CTRL_EVENT" start "$(winpath "$T/$_wn.winpid")" "$@"
}
wstop() {
    can_ctrl_event || return 1
    wait_for_line "$T/$1.winpid" '^[0-9]+$' 10 || return 1
    "$UDS_CTRL_EVENT" "${2:-c}" "$(cat "$T/$1.winpid")"
}
