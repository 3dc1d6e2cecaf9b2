# SPDX-License-Identifier: MIT
# actors: whoami-server whoami-client
# caption: Chapter 04: the server asks the kernel who connected (SO_PEERCRED), as traced by strace (Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md): one client asks who it is.
srv=$UDS_SAMPLES/linux/whoami-server
cli=$UDS_SAMPLES/linux/whoami-client
sock=$UDS_TRACE_DIR/whoami.sock
"$srv" "$sock" > "$UDS_TRACE_DIR/server.out" &
pid=$!
# Not a test: wait for the server to say it listens.
until grep -q '^listening' "$UDS_TRACE_DIR/server.out" 2>/dev/null; do sleep 0.05; done
"$cli" "$sock"
# The server serves until it is stopped.
kill "$pid"
wait "$pid" || true
