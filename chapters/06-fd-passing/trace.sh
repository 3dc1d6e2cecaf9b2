# SPDX-License-Identifier: MIT
# actors: socat pass-server pass-worker echo
# caption: Chapter 06 on Linux: the minimal pair; a TCP connection handed to the worker with SCM_RIGHTS, as traced by strace
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md): a TCP client (socat), the
# server that accepts it, the worker that receives it and the command the
# worker starts on it (echo).
srv=$UDS_SAMPLES/linux/pass-server
wrk=$UDS_SAMPLES/linux/pass-worker
sock=$UDS_TRACE_DIR/w.sock
out=$UDS_TRACE_DIR
"$wrk" "$sock" echo hello > "$out/worker.out" &
wpid=$!
# Not a test: wait for each program to say it is ready.
until grep -q 'listening' "$out/worker.out" 2>/dev/null; do sleep 0.05; done
"$srv" 127.0.0.1 0 "$sock" > "$out/server.out" &
spid=$!
until grep -q 'listening on' "$out/server.out" 2>/dev/null; do sleep 0.05; done
port=$(sed -n 's/^pass-server: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out/server.out")
socat -u TCP:127.0.0.1:"$port" - > "$out/client.out"
kill -TERM "$spid" "$wpid"
wait "$spid" "$wpid"
grep -q '^hello$' "$out/client.out"
