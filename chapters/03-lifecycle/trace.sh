# SPDX-License-Identifier: MIT
# actors: upcase-server upcase-client
# caption: Chapter 03: the half-close: the client shuts down its sending side, the server answers and closes (strace, Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md).
srv=$UDS_SAMPLES/linux/upcase-server
cli=$UDS_SAMPLES/linux/upcase-client
sock=$UDS_TRACE_DIR/up.sock
"$srv" "$sock" > "$UDS_TRACE_DIR/server.out" &
pid=$!
# Not a test: wait for the server to say it listens.
until grep -q '^listening' "$UDS_TRACE_DIR/server.out" 2>/dev/null; do sleep 0.05; done
printf 'hello, world\n' | "$cli" "$sock"
kill -INT "$pid"
wait "$pid"
