#!/usr/bin/env bash
# A local DynamoDB-compatible server (moto) for the DynamoDB store's tests.
#
#   eval "$(bash scripts/dynamodb-local.sh start)"   # sets PLUMBLINE_DYNAMODB_ENDPOINT
#   cargo test -p plumbline-store --test store dynamo::
#   bash scripts/dynamodb-local.sh stop
#
# `start` installs moto when absent (pip install 'moto[server]'), starts it on a free port in the
# background, waits until it answers, records its pid and port under target/dynamodb-local/, and
# prints the export line (progress goes to stderr). When one is already running it is reused.
# `stop` ends the server recorded there. State is in memory: `POST $ENDPOINT/moto-api/reset`
# clears it.
#
# moto is run as `moto_server` would run it, but with one lock around every request: moto's
# TransactWriteItems is not atomic under concurrent requests (it snapshots the table, applies
# writes one by one and restores the snapshot on cancellation, which can undo or resurrect
# other requests' writes). Real DynamoDB transactions are serialisable; serialising the fake
# makes it so too, at no cost to these tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${CARGO_TARGET_DIR:-$ROOT/target}/dynamodb-local"
PID_FILE="$STATE/pid"
PORT_FILE="$STATE/port"
LOG="$STATE/moto.log"
PYTHON="${PYTHON:-python3}"

# moto_server's main(), with every request handled under one lock.
SERIALISED_MOTO='
import sys, threading
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()

def serialised(environ, start_response):
    with lock:
        return list(app(environ, start_response))

run_simple("127.0.0.1", int(sys.argv[1]), serialised, threaded=True)
'

say() { printf '%s\n' "$*" >&2; }

running() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

answers() {
  # Any HTTP response, even an error status, means the server is up.
  "$PYTHON" - "$1" <<'EOF' 2>/dev/null
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1)
except urllib.error.HTTPError:
    pass
EOF
}

start() {
  mkdir -p "$STATE"
  if running && answers "$(cat "$PORT_FILE")"; then
    say "moto already running (pid $(cat "$PID_FILE"))"
    echo "export PLUMBLINE_DYNAMODB_ENDPOINT=http://127.0.0.1:$(cat "$PORT_FILE")"
    return
  fi
  if running; then stop; fi # recorded but not answering
  if ! command -v moto_server >/dev/null 2>&1 || ! "$PYTHON" -c 'import moto.server' 2>/dev/null; then
    say "installing moto (pip install 'moto[server]')"
    "$PYTHON" -m pip install --quiet 'moto[server]' >&2 ||
      "$PYTHON" -m pip install --quiet --user --break-system-packages 'moto[server]' >&2
  fi
  local port
  port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  MOTO_PORT="$port" nohup "$PYTHON" -c "$SERIALISED_MOTO" "$port" >"$LOG" 2>&1 &
  echo $! >"$PID_FILE"
  echo "$port" >"$PORT_FILE"
  local deadline=$((SECONDS + 20))
  until answers "$port"; do
    if ! running || ((SECONDS >= deadline)); then
      say "moto did not start on port $port; its log ($LOG):"
      tail -n 20 "$LOG" >&2 || true
      stop
      exit 1
    fi
    sleep 0.2
  done
  say "moto listening on 127.0.0.1:$port (pid $(cat "$PID_FILE"), log $LOG)"
  echo "export PLUMBLINE_DYNAMODB_ENDPOINT=http://127.0.0.1:$port"
}

stop() {
  if running; then
    local pid
    pid="$(cat "$PID_FILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    say "moto stopped (pid $pid)"
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    say "usage: $0 start|stop"
    exit 2
    ;;
esac
