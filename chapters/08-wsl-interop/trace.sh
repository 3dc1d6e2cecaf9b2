# SPDX-License-Identifier: MIT
# actors: interop-server interop-client
# caption: Chapter 08: a request ended by a half-close, and the answer, as traced by strace (Linux, both sides Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md): one client, one request.
srv=$UDS_SAMPLES/linux/interop-server
cli=$UDS_SAMPLES/linux/interop-client
sock=$UDS_TRACE_DIR/app.sock
"$srv" "$sock" 1 > "$UDS_TRACE_DIR/server.out" &
pid=$!
# Not a test: wait for the server to say it listens.
until grep -q '^listening' "$UDS_TRACE_DIR/server.out" 2>/dev/null; do sleep 0.05; done
"$cli" "$sock" "hello from WSL"
wait "$pid"
