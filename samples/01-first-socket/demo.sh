#!/bin/sh
# SPDX-License-Identifier: MIT
# Chapter 01's demo: start the echo server, let two clients talk to it,
# and show what each side printed, labelled.  Ends by itself.
# usage: demo.sh DIR   (DIR holds the built linux/echo-server and echo-client)
set -u
dir=${1:-.}
tmp=$(mktemp -d /tmp/uds-demo.XXXXXX) || exit 1
sock=$tmp/echo.sock
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

echo "== chapter 01 demo: an AF_UNIX echo server and its client =="
echo "   socket file: $sock"

# The server serves two clients, then exits and removes its socket file.
# Its output is shown live, labelled, and kept in a log to wait on.
mkfifo "$tmp/server.fifo"
while IFS= read -r line; do
    echo "[server] $line"
    echo "$line" >>"$tmp/server.log"
done <"$tmp/server.fifo" &
reader_pid=$!
"$dir/linux/echo-server" "$sock" 2 >"$tmp/server.fifo" 2>&1 &
server_pid=$!

# Wait (at most 10 s) until the server says it listens; no fixed sleep.
i=0
until grep -q '^listening on' "$tmp/server.log" 2>/dev/null; do
    if ! kill -0 "$server_pid" 2>/dev/null || [ $i -ge 500 ]; then
        echo "demo: the server did not start" >&2
        exit 1
    fi
    sleep 0.02; i=$((i + 1))
done

status=0
for message in "hello, AF_UNIX" "a second client, a second connection"; do
    echo "[client] sending: $message"
    "$dir/linux/echo-client" "$sock" "$message" 2>&1 | sed 's/^/[client] received: /'
done

wait "$server_pid" || status=1
server_pid=""
wait "$reader_pid"
if [ -e "$sock" ]; then echo "demo: the socket file was left behind" >&2; status=1; fi
[ $status -eq 0 ] && echo "== demo finished: both clients got their bytes back =="
exit $status
