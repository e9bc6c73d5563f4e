#!/usr/bin/env bash
# Load test (issue #9): builds a demo region in a fresh data directory, starts `tuopin serve` on
# loopback, drives 100 concurrent clients of mixed reads and writes for a bounded time
# (e2e/load.py), then stops the server. Fails on any error or any acknowledged write that is missing.
#
#   e2e/load.sh                        # the full run: 250,000 households (about 1,000,000 people), 60 s
#   e2e/load.sh --households 10000 --seconds 20 --counties 540102,540103   # the reduced run of .ci/run
#     (a small region is put in two counties so that each clerk has a household for every client)
#   DATABASE_URL=postgres://… e2e/load.sh …           # on PostgreSQL (the database must be empty)
#   e2e/load.sh --data DIR --password P …             # on a demo region already built in DIR (and DATABASE_URL),
#     whose demo logins have the password P: no demo is built (CI shares one region with the benchmark)
#
# TUOPIN_BIN names the executable (default .build/release/tuopin if built, else .build/debug/tuopin).
# The report (JSON) is written to $TUOPIN_LOAD_REPORT if set.
set -euo pipefail
cd "$(dirname "$0")/.."
households=250000 seconds=60 clients=100 counties="" existing="" password="Load-pass-2026!"
while [ $# -gt 0 ]; do
  case "$1" in
    --households) households="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --counties) counties="$2"; shift 2 ;;
    --data) existing="$2"; shift 2 ;;
    --password) password="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin="${TUOPIN_BIN:-}"
if [ -z "$bin" ]; then bin=.build/release/tuopin; [ -x "$bin" ] || bin=.build/debug/tuopin; fi
data="${existing:-$(mktemp -d /tmp/tuopin-load.XXXXXX)}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$existing" ] || rm -rf "$data"
}
trap cleanup EXIT
export TUOPIN_DATA_DIR="$data"
database=SQLite; [ -n "${DATABASE_URL:-}" ] && database=PostgreSQL
if [ -n "$existing" ]; then
  echo "load: the demo region in $existing ($bin, $database), $clients clients for $seconds s"
else
  echo "load: $households households in ${counties:-all 74 counties} ($bin, $database), $clients clients for $seconds s"
  "$bin" demo --households "$households" ${counties:+--counties "$counties"} --password "$password" > "$data/demo.log"
  grep "Demo region ready" "$data/demo.log"
fi
"$bin" serve --hostname 127.0.0.1 --port "$port" > "$data/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.5; done
python3 e2e/load.py "http://127.0.0.1:$port" --password "$password" --clients "$clients" --seconds "$seconds" \
  ${TUOPIN_LOAD_REPORT:+--report "$TUOPIN_LOAD_REPORT"}
