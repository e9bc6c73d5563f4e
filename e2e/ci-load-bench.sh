#!/usr/bin/env bash
# CI's reduced load test and benchmark: one demo region of 10,000 households in two counties per
# database, built once; the load test (100 clients, 20 s) and then `tuopin bench` (wrk 5 s each)
# run on it. The two counties give each demo clerk a township of about 550 households, enough for
# every load client to own households of its own.
#
#   e2e/ci-load-bench.sh postgres://tuopin:tuopin@127.0.0.1:5432/tuopin_ci /tmp/reports
set -euo pipefail
cd "$(dirname "$0")/.."
admin_url=$1 reports=$2
bin=${TUOPIN_BIN:-.build/debug/tuopin}
password="Load-pass-2026!" counties=540102,540103
export TUOPIN_BCRYPT_COST=10 TUOPIN_NIGHTLY_CHECK=0

for db in sqlite postgres; do
  data=$(mktemp -d /tmp/tuopin-region.XXXXXX)
  if [ "$db" = postgres ]; then
    name="tuopin_region_$$"
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
    url="${admin_url%/*}/$name"
  fi
  run() { if [ "$db" = postgres ]; then DATABASE_URL="$url" TUOPIN_DATA_DIR="$data" "$@"; else env -u DATABASE_URL TUOPIN_DATA_DIR="$data" "$@"; fi; }
  started=$(date +%s)
  run "$bin" demo --households 10000 --counties "$counties" --password "$password" | grep "Demo region ready"
  echo "region on $db built in $(( $(date +%s) - started )) s"
  TUOPIN_LOAD_REPORT="$reports/load-$db.json" run e2e/load.sh --data "$data" --password "$password" --seconds 20 >"$reports/load-$db.log" 2>&1 \
    || { tail -40 "$reports/load-$db.log"; exit 1; }
  grep -E '"(requests|errors|writes_acknowledged|writes_missing)"' "$reports/load-$db.json" | tr -d ' \n'; echo
  # The household page under the mixed load (issue #27 item 2): reads do not queue behind writes.
  python3 -c 'import json, sys; l = json.load(open(sys.argv[1]))["latency_ms"]["household"]; print("household page under load: p50 %.0f ms, p99 %.0f ms (%d requests)" % (l["p50"], l["p99"], l["count"]))' "$reports/load-$db.json"
  started=$(date +%s)
  run "$bin" bench --database "$db" --region "$data" --password "$password" --counties "$counties" --seconds 5 \
    --json "$reports/bench-$db.json" >"$reports/bench-$db.log" 2>&1 || { tail -40 "$reports/bench-$db.log"; exit 1; }
  echo "bench on $db in $(( $(date +%s) - started )) s"
  [ "$db" = postgres ] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  rm -rf "$data"
done
