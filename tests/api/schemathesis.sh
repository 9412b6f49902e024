#!/usr/bin/env bash
# Check the OpenAPI document a real `tocsin serve` serves, then fuzz its JSON API from it.
#
# Starts target/debug/tocsin (built beforehand; this script builds nothing) on a free loopback
# port with a throw-away data dir holding an administrator with an API token (made with
# `tocsin admin`), waits for /healthz, validates /api/v1/openapi.json with
# openapi-spec-validator (the OpenAPI 3.1 schema, unique operationIds, path parameters that
# are in the path: what client generators rely on), runs schemathesis as that administrator
# with the check `not_a_server_error` (any 5xx fails the run), then stops the server. Bounded
# in examples per operation and in time. Exits non-zero when the document is invalid, when
# schemathesis finds a failure, when the server cannot start, or when it died during the run.
#
# Environment: SCHEMATHESIS_MAX_EXAMPLES (default 20), SCHEMATHESIS_TIMEOUT (seconds, 600),
# SCHEMATHESIS_SEED (default fixed, so that CI runs are repeatable), TOCSIN_TEST_BINARY
# (another build of the server, as for the browser suite).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HOOKS_DIR="$(pwd)/tests/api" # hooks.py: the NDJSON serializer
BIN="${TOCSIN_TEST_BINARY:-target/debug/tocsin}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
RUN_TIMEOUT="${SCHEMATHESIS_TIMEOUT:-600}"
SEED="${SCHEMATHESIS_SEED:-20261101}"

if [ ! -x "$BIN" ]; then
    echo "error: $BIN is missing: run 'cargo build -p tocsin' first (scripts/test does)" >&2
    exit 1
fi
for tool in schemathesis openapi-spec-validator; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is not installed: pip install -r tests/requirements.txt" >&2
        exit 1
    }
done

TMP="$(mktemp -d /tmp/tocsin-schemathesis.XXXXXX)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

server_log_tail() {
    echo "---- server output (last 60 lines of $TMP/server.log) ----"
    tail -n 60 "$TMP/server.log" || true
    echo "---- end of server output ----"
}

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"

mkdir -p "$TMP/data"
export TOCSIN_DATA_DIR="$TMP/data"

# An administrator with an API token, made with the CLI before the server starts, so that the
# fuzzer gets past authentication and reaches every operation's own logic.
echo "creating an admin with an API token (tocsin admin create-user / create-token)"
if ! {
    "$BIN" migrate &&
        TOCSIN_PASSWORD="schemathesis-$(date +%s)-pw" "$BIN" admin create-user \
            --email schemathesis@example.tw --name Schemathesis --roles admin,analyst,coordinator &&
        "$BIN" admin create-token --email schemathesis@example.tw --name schemathesis >"$TMP/token"
} >"$TMP/cli.log" 2>&1; then
    echo "error: could not create the fuzzing admin and its token:" >&2
    cat "$TMP/cli.log" >&2
    exit 1
fi
TOKEN="$(tail -n 1 "$TMP/token" | tr -d '[:space:]')"
if [ -z "$TOKEN" ]; then
    echo "error: tocsin admin create-token printed no token" >&2
    exit 1
fi

echo "starting $BIN serve on $BASE (data dir $TMP/data)"
TOCSIN_LISTEN="127.0.0.1:$PORT" TOCSIN_LOG_FORMAT=text \
    "$BIN" serve >"$TMP/server.log" 2>&1 </dev/null &
SERVER_PID=$!

ready=""
for _ in $(seq 1 150); do # up to 30 s
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: the server exited before it answered /healthz" >&2
        server_log_tail
        exit 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$BASE/healthz" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ -z "$ready" ]; then
    echo "error: $BASE/healthz did not answer 2xx within 30 s" >&2
    server_log_tail
    exit 1
fi
echo "server is up"

doc_status=0
# The document as clients get it. Invalid, it fails the run; schemathesis still runs, so one
# run reports both what is wrong with the document and what the API does.
echo "validating $BASE/api/v1/openapi.json with openapi-spec-validator"
if curl -fsS --max-time 10 -o "$TMP/openapi.json" "$BASE/api/v1/openapi.json" &&
    openapi-spec-validator --validation-errors all "$TMP/openapi.json"; then
    echo "openapi-spec-validator: the document is valid"
else
    echo "error: the OpenAPI document is invalid (or could not be fetched)" >&2
    doc_status=1
fi

status=0
# Run from the temp dir: schemathesis keeps a crash cache (.schemathesis/) in its working dir.
(cd "$TMP" && SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$HOOKS_DIR${PYTHONPATH:+:$PYTHONPATH}" \
    timeout --kill-after=15 "$RUN_TIMEOUT" \
    schemathesis run "$BASE/api/v1/openapi.json" \
    --checks not_a_server_error \
    --header "Authorization: Bearer $TOKEN" \
    --max-examples "$MAX_EXAMPLES" \
    --workers 1 \
    --request-timeout 10 \
    --wait-for-schema 10 \
    --generation-database none \
    --seed "$SEED" \
    --no-color) ||
    status=$?

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "error: schemathesis did not finish within ${RUN_TIMEOUT}s" >&2
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "error: the server died during the run" >&2
    status=1
fi
if grep -q "panicked at" "$TMP/server.log"; then
    echo "error: the server panicked during the run" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    server_log_tail
    echo "schemathesis: FAILED (exit $status)"
else
    echo "schemathesis: passed"
fi
if [ "$doc_status" -ne 0 ]; then
    echo "openapi-spec-validator: FAILED (the document is invalid; its errors are above)"
    if [ "$status" -eq 0 ]; then status=1; fi
fi
exit "$status"
