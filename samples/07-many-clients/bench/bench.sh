#!/bin/sh
# SPDX-License-Identifier: MIT
# Chapter 07's bench: how fast one chat-server fans lines out, and what one
# wake-up of poll() costs next to epoll.
#
# 1. chat-server with 10, 100 and 1000 clients from bench/chat-load: each
#    round, every client says one line at once and the round ends when every
#    client has heard every other; lines per second counts lines delivered
#    (N-1 for each line said).  The latency of a line is from its send() in
#    chat-load to its recv() there: a round is a burst (1000 clients make a
#    million deliveries at once), so the slowest lines wait behind the rest.
#    Each figure is the best of BENCH_ROUNDS runs: other work on the machine
#    can only slow a run down.
# 2. bench/poll-cost: microseconds per wake-up when 1 socket of N is ready,
#    with poll() and with epoll_wait(), for N = 10 ... 5000.
#
# It reports numbers and never fails on speed: it fails only when something
# did not work (the server did not start, a line was lost).
#
# usage: bench.sh [--smoke] [BUILDDIR]
#   --smoke   tiny counts, one run: checks that the bench works, not speed
# UDS_TOP_SRCDIR must name the top of the source tree (make bench sets it).

. "$UDS_TOP_SRCDIR/tests/kit.sh"

smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi
B=${1:-.}
runs=${BENCH_ROUNDS:-3}
[ $smoke = 1 ] && runs=1
problems=0
say() { printf 'bench: %s\n' "$*"; }

sock=$T/chat.sock
bg srv "$B/linux/chat-server" "$sock"
wait_for_line "$T/srv.out" "^listening on" 20 "$srv_pid" ||
    { say "chat-server did not start:"; cat "$T/srv.err" >&2; exit 1; }

echo
echo "chat-server, one poll() loop: every client says one line per round"
printf '%8s %7s %10s %12s %12s %12s\n' clients rounds lines lines/s "p50 latency" "p99 latency"
for spec in 10:2000 100:40 1000:2; do
    n=${spec%:*} rounds=${spec#*:}
    [ $smoke = 1 ] && rounds=1
    best="" p50="" p99=""
    for r in $(seq 1 "$runs"); do
        if ! "$B/bench/chat-load" "$sock" "$n" "$rounds" >"$T/load.out" 2>"$T/load.err"; then
            say "chat-load with $n clients failed:"; cat "$T/load.out" "$T/load.err" >&2
            problems=$((problems + 1)); break
        fi
        set -- $(sed -n 's/^speed: \([0-9]*\) lines\/s, latency p50 \([0-9]*\) us, p99 \([0-9]*\) us$/\1 \2 \3/p' "$T/load.out")
        if [ -z "$best" ] || [ "$1" -gt "$best" ]; then best=$1 p50=$2 p99=$3; fi
        # Wait until the server has seen every client of this run leave.
        wait_for_line "$T/srv.out" "left, 0 online$" 60 "$srv_pid"
        : >"$T/srv.out"
    done
    [ -n "$best" ] || continue
    lines=$((n * (n - 1) * rounds))
    printf '%8s %7s %10s %12s %9s us %9s us\n' "$n" "$rounds" "$lines" "$best" "$p50" "$p99"
done
kill -TERM "$srv_pid"; wait_exit "$srv_pid" 20

echo
echo "one wake-up when 1 socket of N is ready (microseconds)"
iters=20000
[ $smoke = 1 ] && iters=200
printf '%8s %10s %10s\n' N poll epoll
if "$B/bench/poll-cost" "$iters" 10 100 1000 5000 >"$T/cost.out" 2>"$T/cost.err"; then
    while read -r n p e; do printf '%8s %10s %10s\n' "$n" "$p" "$e"; done <"$T/cost.out"
else
    say "poll-cost failed:"; cat "$T/cost.err" >&2; problems=$((problems + 1))
fi
echo
[ $problems -eq 0 ] || { say "$problems problem(s); see above"; exit 1; }
