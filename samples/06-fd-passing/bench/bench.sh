#!/bin/sh
# SPDX-License-Identifier: MIT
# The chapter's bench: connections per second through three ways of running
# a command for each TCP connection, measured side by side in one run.
#
#   fdpass       fdpass-server + fdpass-worker, passing each connection over
#                an AF_UNIX socket (this chapter's going-further pair)
#   pass         pass-server + pass-worker, the chapter's minimal pair (one
#                blocking loop, fork() per command)
#   fork-server  the plain accept-and-fork loop (bench/fork-server.c)
#   socat        socat TCP-LISTEN:PORT,fork,reuseaddr EXEC:/bin/true, if installed
#
# Each one runs /bin/true for every connection.  bench/tcp-load opens the
# connections on 127.0.0.1, with 1 client and with 8 concurrent clients.
# The contenders take turns round by round, so that a busy moment of the
# machine hits all of them alike.  Each figure is the best of the rounds:
# other work on the machine can only slow a run down, never speed it up, so
# the best run is the one least disturbed.  The CPU time each contender used
# per connection (its processes and the commands they ran, from /proc) is
# printed too: it hardly depends on what else the machine is doing.  So are
# the share of time the CPUs sat idle (a contender that leaves them idle
# with 8 clients is waiting on itself, not on the CPU) and the kernel's
# count of listen queue overflows; both count the whole machine.
#
# It reports numbers and never fails on speed: it fails only when something
# did not work (a contender did not start, a connection was not answered).
#
# usage: bench.sh [--smoke] [BUILDDIR]
#   --smoke   tiny counts, one round: checks that the bench works, not speed
# Environment: BENCH_COUNT (connections per run, default 2000), BENCH_ROUNDS
# (default 5), BENCH_WARMUP (connections per contender first, default 300),
# BENCH_SOCAT_OPTS (added to socat's TCP-LISTEN options, e.g. ",backlog=128").
# UDS_TOP_SRCDIR must name the top of the source tree (make bench sets it).

. "$UDS_TOP_SRCDIR/tests/kit.sh"

smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi
B=${1:-.}
if [ $smoke = 1 ]; then
    count=40 rounds=1 warmup=5
else
    count=${BENCH_COUNT:-2000} rounds=${BENCH_ROUNDS:-5} warmup=${BENCH_WARMUP:-300}
fi
clients="1 8"
cmd=/bin/true
problems=0

say() { printf 'bench: %s\n' "$*"; }
problem() { say "$*" >&2; problems=$((problems + 1)); }

# port_of NAME: the port of the readiness line "...: listening on HOST:PORT".
port_of() { sed -n 's/.*: listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/$1.out" | head -n 1; }

# started NAME: wait for NAME's readiness line; say why if it never comes.
started() {
    eval "_pid=\$${1}_pid"
    wait_for_line "$T/$1.out" ': listening on ' 60 "$_pid" && return 0
    problem "$1 did not start:"; cat "$T/$1.err" >&2
    return 1
}

contenders=""

# --- fdpass: the worker first, then the server that connects to it ---------
if [ -x "$B/linux/fdpass-worker" ] && [ -x "$B/linux/fdpass-server" ]; then
    bg worker "$B/linux/fdpass-worker" "$T/worker.sock" "$cmd"
    if started worker; then
        bg fdpass "$B/linux/fdpass-server" 127.0.0.1 0 "$T/worker.sock"
        started fdpass && contenders="$contenders fdpass"
    fi
else
    problem "fdpass: not built (linux/fdpass-server, linux/fdpass-worker in $B)"
fi

# --- pass: the minimal pair ------------------------------------------------
if [ -x "$B/linux/pass-worker" ] && [ -x "$B/linux/pass-server" ]; then
    bg pworker "$B/linux/pass-worker" "$T/pworker.sock" "$cmd"
    if started pworker; then
        bg pass "$B/linux/pass-server" 127.0.0.1 0 "$T/pworker.sock"
        started pass && contenders="$contenders pass"
    fi
else
    problem "pass: not built (linux/pass-server, linux/pass-worker in $B)"
fi

# --- fork-server ---------------------------------------------------------------
bg fork "$B/bench/fork-server" 127.0.0.1 0 "$cmd"
started fork && contenders="$contenders fork"

# listening PORT: is anything listening on TCP port PORT (state 0A in
# /proc/net/tcp and tcp6, port in hexadecimal)?
listening() {
    awk -v port="$(printf '%04X' "$1")" '$4 == "0A" && $2 ~ (":" port "$") { found = 1 }
        END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# --- socat: it cannot report a port it chose, so pick one below the
# ephemeral range (where connect() takes its ports) that nobody listens on,
# and wait until a connection gets through while socat is still running
# (if it could not bind, it has exited). ------------------------------------
if command -v socat >/dev/null 2>&1; then
    socat_port=""
    for _try in 1 2 3 4 5; do
        _p=$(( 20000 + $$ % 5000 + _try * 1009 ))
        listening "$_p" && continue
        bg socat socat "TCP-LISTEN:$_p,bind=127.0.0.1,fork,reuseaddr${BENCH_SOCAT_OPTS:-}" "EXEC:$cmd"
        _end=$(( $(date +%s) + 60 ))
        while kill -0 "$socat_pid" 2>/dev/null && [ "$(date +%s)" -le "$_end" ]; do
            if "$B/bench/tcp-load" -e 127.0.0.1 "$_p" 1 1 >/dev/null 2>&1 \
               && kill -0 "$socat_pid" 2>/dev/null; then
                socat_port=$_p; break
            fi
            sleep 0.02
        done
        [ -n "$socat_port" ] && break
        kill "$socat_pid" 2>/dev/null
    done
    if [ -n "$socat_port" ]; then
        echo "socat: listening on 127.0.0.1:$socat_port" >"$T/socat.out"
        contenders="$contenders socat"
    else
        problem "socat did not start:"; cat "$T/socat.err" >&2
    fi
else
    say "socat: skipped, not installed"
fi

# The kernel's count of connections dropped because a listen queue was full
# (0 if it cannot be read).  Each one stalls a client for a second or more,
# until the SYN or SYN-ACK is sent again: it explains many a slow figure.
overflows() {
    awk '$1 == "TcpExt:" { if (!n) { n = split($0, k) } else { split($0, v)
             for (i = 2; i <= n; i++) if (k[i] == "ListenOverflows") o = v[i] } }
         END { print o + 0 }' /proc/net/netstat 2>/dev/null || echo 0
}

# cpu NAME: clock ticks of CPU used so far by the contender's processes and
# the children they have reaped (utime, stime, cutime, cstime of
# /proc/PID/stat; socat's children reap the commands, socat reaps them).
cpu() {
    case $1 in
        fdpass) _pids="$fdpass_pid $worker_pid" ;;
        pass) _pids="$pass_pid $pworker_pid" ;;
        *) eval "_pids=\$${1}_pid" ;;
    esac
    for _p in $_pids; do sed 's/.*) //' "/proc/$_p/stat"; done 2>/dev/null |
        awk '{ t += $12 + $13 + $14 + $15 } END { print t + 0 }'
}

# jiffies: the machine's idle and total CPU time so far, from /proc/stat.
jiffies() {
    awk '$1 == "cpu" { for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t }' /proc/stat 2>/dev/null
}

# load NAME CLIENTS COUNT: one tcp-load run; the connections per second go
# to $rate, the listen queue overflows to $dropped, the CPU ticks to $ticks
# and the share of time the machine's CPUs sat idle to $idle; or it says
# what went wrong and fails.
load() {
    _port=$(port_of "$1")
    _before=$(overflows) _cpu=$(cpu "$1") _j0=$(jiffies)
    # Generous, but bounded: a hung contender must end the bench, not hang it.
    if timeout -k 2 600 "$B/bench/tcp-load" -e 127.0.0.1 "$_port" "$3" "$2" \
           >"$T/load.out" 2>"$T/load.err"; then
        rate=$(sed -n 's/.*, \([0-9.]*\) per second$/\1/p' "$T/load.out")
        dropped=$(( $(overflows) - _before ))
        ticks=$(( $(cpu "$1") - _cpu ))
        idle=$(echo "$_j0 $(jiffies)" | awk '{ t = $4 - $2; print (t > 0 ? 100 * ($3 - $1) / t : 0) }')
        # Progress, on stderr: a long bench shows it is alive, and the
        # smoke test's watchdog sees it move.
        say "$1, $2 clients, $3 connections: $rate per second" >&2
        return 0
    fi
    problem "$1 with $2 clients: not every connection was answered:"
    cat "$T/load.out" "$T/load.err" >&2
    return 1
}

for _c in $contenders; do
    for _n in $clients; do
        load "$_c" "$_n" "$warmup" || contenders=$(echo "$contenders" | sed "s/ $_c\$//; s/ $_c / /")
    done
done

_round=1
while [ $_round -le "$rounds" ]; do
    for _c in $contenders; do
        for _n in $clients; do
            if load "$_c" "$_n" "$count"; then
                echo "$rate" >>"$T/rate.$_c.$_n"
                echo "$dropped" >>"$T/drop.$_c.$_n"
                echo "$ticks" >>"$T/cpu.$_c.$_n"
                echo "$idle" >>"$T/idle.$_c.$_n"
            fi
        done
    done
    _round=$((_round + 1))
done

# best NAME CLIENTS: the best of the rounds' figures, or "-".
best() {
    [ -s "$T/rate.$1.$2" ] || { echo -; return; }
    sort -n "$T/rate.$1.$2" | tail -n 1
}
# cpu_per NAME CLIENTS: CPU milliseconds per connection over all rounds, or "-".
cpu_per() {
    [ -s "$T/cpu.$1.$2" ] || { echo -; return; }
    awk -v hz="$(getconf CLK_TCK)" -v n="$count" \
        '{ t += $1; r++ } END { printf "%.3f\n", t * 1000 / hz / (n * r) }' "$T/cpu.$1.$2"
}
# mean FILE: the mean of the numbers in $T/FILE, or "-".
mean() {
    [ -s "$T/$1" ] || { echo -; return; }
    awk '{ t += $1 } END { printf "%.0f\n", t / NR }' "$T/$1"
}
# total FILE: the sum of the numbers in $T/FILE, or "-".
total() {
    [ -s "$T/$1" ] || { echo -; return; }
    awk '{ t += $1 } END { print t }' "$T/$1"
}
# ratio A B CLIENTS: A's figure over B's, or "-".
ratio() {
    _a=$(best "$1" "$3") _b=$(best "$2" "$3")
    if [ "$_a" = - ] || [ "$_b" = - ]; then echo -; return; fi
    awk -v a="$_a" -v b="$_b" 'BEGIN { printf "%.2fx\n", a / b }'
}

say "$count connections per run, best of $rounds rounds, after $warmup warm-up connections;"
say "command $cmd, clients on 127.0.0.1; $(nproc) CPUs, $(uname -s) $(uname -r) $(uname -m), $(date -u '+%Y-%m-%d %H:%M UTC')"
[ $smoke = 1 ] && say "smoke run: these counts are far too small for figures to mean anything"
printf '%-28s %12s %12s\n' "connections per second" "1 client" "8 clients"
for _c in fdpass pass fork socat; do
    case $_c in
        fdpass) _label="fdpass-server + worker" ;;
        pass) _label="pass-server + worker" ;;
        fork) _label="fork-server" ;;
        socat) _label="socat${BENCH_SOCAT_OPTS:-} ... EXEC" ;;
    esac
    printf '%-28s %12s %12s\n' "$_label" "$(best $_c 1)" "$(best $_c 8)"
done
printf '%-28s %12s %12s\n' "CPU ms per connection"
for _c in fdpass pass fork socat; do
    printf '%-28s %12s %12s\n' "  $_c" "$(cpu_per $_c 1)" "$(cpu_per $_c 8)"
done
printf '%-28s %12s %12s\n' "CPUs idle (%, mean)"
for _c in fdpass pass fork socat; do
    printf '%-28s %12s %12s\n' "  $_c" "$(mean idle.$_c.1)" "$(mean idle.$_c.8)"
done
printf '%-28s %12s %12s\n' "listen queue overflows"
for _c in fdpass pass fork socat; do
    printf '%-28s %12s %12s\n' "  $_c (all rounds)" "$(total drop.$_c.1)" "$(total drop.$_c.8)"
done
printf '%-28s %12s %12s   (target 2.0x, 2.5x)\n' "fdpass / socat" "$(ratio fdpass socat 1)" "$(ratio fdpass socat 8)"
printf '%-28s %12s %12s   (target 1.0x, 1.0x)\n' "fdpass / fork-server" "$(ratio fdpass fork 1)" "$(ratio fdpass fork 8)"
printf '%-28s %12s %12s\n' "pass / socat" "$(ratio pass socat 1)" "$(ratio pass socat 8)"
printf '%-28s %12s %12s\n' "pass / fork-server" "$(ratio pass fork 1)" "$(ratio pass fork 8)"

# Stop the server before its worker, so that it does not report the worker's
# departure; kit.sh's cleanup stops the rest and removes $T.
[ -n "${fdpass_pid:-}" ] && kill "$fdpass_pid" 2>/dev/null && wait_exit "$fdpass_pid" 5
[ -n "${pass_pid:-}" ] && kill "$pass_pid" 2>/dev/null && wait_exit "$pass_pid" 5

if [ $problems -gt 0 ]; then
    say "$problems problem(s): see above" >&2
    exit 1
fi
exit 0
