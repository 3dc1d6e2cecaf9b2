# SPDX-License-Identifier: MIT
# actors: stream-server stream-client
# caption: Chapter 05: two length-prefixed frames on a stream and their replies, as traced by strace (Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md): one client, two messages.
srv=$UDS_SAMPLES/linux/stream-server
cli=$UDS_SAMPLES/linux/stream-client
sock=$UDS_TRACE_DIR/stream.sock
"$srv" "$sock" 1 > "$UDS_TRACE_DIR/server.out" &
pid=$!
# Not a test: wait for the server to say it listens.
until grep -q '^listening' "$UDS_TRACE_DIR/server.out" 2>/dev/null; do sleep 0.05; done
"$cli" "$sock" hello frames
wait "$pid"
