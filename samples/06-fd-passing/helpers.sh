# SPDX-License-Identifier: MIT
# Shell helpers shared by chapter 06's tests (sourced after tests/kit.sh).

# How long a wait for something that should happen soon may take before the
# test gives up on it: generous, since a wait ends as soon as the event
# comes, and a loaded machine running valgrind is slow to start a program.
W=60
[ -z "${UDS_WRAP:-}" ] || W=180

# wait_until SECONDS COMMAND...: poll a condition, at most SECONDS (a
# watchdog for something that should happen soon, not a measurement).
wait_until() {
    _s=$1; shift; _e=$(( $(date +%s) + _s ))
    while ! "$@"; do [ "$(date +%s)" -le "$_e" ] || return 1; sleep 0.05; done
}
fd_count() { ls "/proc/$1/fd" | wc -l; }
# children PID [STATE]: how many children PID has (in STATE, such as Z).
children() {
    cat /proc/[0-9]*/stat 2>/dev/null |
        awk -v p="$1" -v s="${2:-}" '{ sub(/^.*\) /, ""); if ($2 == p && (s == "" || $1 == s)) n++ } END { print n + 0 }'
}
no_children() { [ "$(children "$1")" -eq 0 ]; }
lines_at_least() { [ "$(grep -Ec -- "$2" "$1")" -ge "$3" ]; } # FILE PATTERN N
count_lines() { grep -Ec -- "$2" "$1"; }                       # FILE PATTERN
have() { command -v "$1" >/dev/null 2>&1; }
# cpu_ticks PID: user + system CPU time PID has used, in clock ticks.
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# wait_progress PID STALL COMMAND...: wait for PID to end, for as long as
# it takes while it makes progress, which is when the output of COMMAND
# changes (say, `cat` of a log, or of /proc/PID/stat, which changes as a
# process runs).  It fails (killing PID, $rc 124) only when that output has
# not changed for STALL seconds: a watchdog, not a time limit.
wait_progress() {
    _wp=$1 _stall=$2; shift 2
    _seen= _since=$(date +%s)
    while kill -0 "$_wp" 2>/dev/null; do
        _now=$("$@" 2>/dev/null | cksum)
        if [ "$_now" != "$_seen" ]; then
            _seen=$_now _since=$(date +%s)
        elif [ $(( $(date +%s) - _since )) -gt "$_stall" ]; then
            diag "no progress for $_stall seconds: stopping pid $_wp"
            kill -KILL "$_wp" 2>/dev/null; wait "$_wp" 2>/dev/null; rc=124; return 1
        fi
        sleep 0.2
    done
    wait "$_wp" 2>/dev/null; rc=$?
    return 0
}

# fd_limit: how many descriptors a program started under $UDS_WRAP can
# use when `ulimit -n 32` is set: a checker such as valgrind keeps some for
# itself (it reports 20 to its program, and the last of those is its own
# too); 32 without one.
fd_limit() {
    if [ -n "${UDS_WRAP:-}" ]; then
        echo $(( $(sh -c "ulimit -n 32; exec $UDS_WRAP /bin/sh -c 'ulimit -n'" 2>/dev/null) - 1 ))
    else
        echo 32
    fi
}

# bg_starved NAME FREE PROGRAM ARGS...: start PROGRAM (under $UDS_WRAP)
# with `ulimit -n 32` and every descriptor but FREE of its limit already
# taken by inherited /dev/null descriptors: it runs out at once.
bg_starved() {
    _n=$1 _free=$2; shift 2
    _last=$(( $(fd_limit) - _free - 1 ))
    bg "$_n" bash -c 'ulimit -n 32 || exit 99
        for ((i = 3; i <= $1; i++)); do eval "exec $i</dev/null"; done
        shift; exec $UDS_WRAP_CMD "$@"' starved "$_last" "$@"
}
UDS_WRAP_CMD=${UDS_WRAP:-}
export UDS_WRAP_CMD
