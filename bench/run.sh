#!/usr/bin/env bash
# Runs every benchmark once and keeps the JSON with the machine's description:
#   bash bench/run.sh            -> bench/out/bench-<host>-<date>.json
# Benchmarks are not part of `make check`: goals are measured here, not timed in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all
mkdir -p bench/out
out="bench/out/bench-$(hostname)-$(date +%Y%m%d-%H%M%S).json"
{
  echo "{\"machine\": {\"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
  echo "  \"cores\": $(nproc), \"git\": \"$(git rev-parse --short=12 HEAD)\"},"
  echo "\"bench\":"
  build/scarsim bench --json "$@"
  echo "}"
} >"$out"
echo "$out"
