#!/usr/bin/env bash
# Runs a search unattended: restarts it with --resume after a crash (any exit but 0, 2 and 130), stops after a
# wall-clock limit or too many restarts, and leaves OUT/long-run.json with the restarts and the progress.
#
#   scripts/long-run.sh CONFIG OUT [--hours H] [--max-restarts N] [-- extra search flags]
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: scripts/long-run.sh CONFIG OUT [--hours H] [--max-restarts N] [-- search flags]" >&2; exit 2; }
config=$1; out=$2; shift 2
hours=24; max_restarts=20; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hours) hours=$2; shift 2 ;;
    --max-restarts) max_restarts=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "long-run: unknown option $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
deadline=$(( $(date +%s) + $(awk "BEGIN { printf \"%d\", $hours * 3600 }") ))
restarts=0; exits=(); status=running
while :; do
  left=$(( deadline - $(date +%s) ))
  if [ "$left" -le 0 ]; then status=time-limit; break; fi
  if [ -f "$out/config.json" ]; then args=(search --resume "$out"); else args=(search --config "$config" --out "$out"); fi
  timeout --signal=INT --kill-after=120 "$left" node "$here/dist/main.js" "${args[@]}" "${extra[@]}"
  code=$?
  exits+=("$code")
  case "$code" in
    0) status=finished; break ;;
    2) status=bad-input; break ;;
    124|130) status=time-limit; break ;;
  esac
  restarts=$((restarts + 1))
  if [ "$restarts" -gt "$max_restarts" ]; then status=too-many-restarts; break; fi
  echo "long-run: search exited $code; resuming (restart $restarts of at most $max_restarts)" >&2
  sleep 5
done
iterations=$(node "$here/dist/main.js" tail "$out" --type search.trained --json 2>/dev/null | wc -l)
mkdir -p "$out"
printf '{"status":"%s","restarts":%d,"exitCodes":[%s],"iterationsTrained":%d,"endedAt":"%s"}\n' \
  "$status" "$restarts" "$(IFS=,; echo "${exits[*]}")" "$iterations" "$(date -u +%FT%TZ)" > "$out/long-run.json"
cat "$out/long-run.json"
[ "$status" = finished ] || [ "$status" = time-limit ]
