#!/usr/bin/env bash
# Runs a search, or with `study` first a study, unattended: restarts it with --resume after a crash (any exit but
# 0, 2 and 130) and a pause (--pause S, 5 by default: a crash that recurs at once does not spin), stops after a
# wall-clock limit, a number of search iterations or too many restarts, and leaves OUT/long-run.json with the
# restarts and the progress.
#
#   scripts/long-run.sh [study] CONFIG OUT [--hours H] [--iterations N] [--max-restarts N] [--pause S] [-- extra flags]
set -uo pipefail
usage="usage: scripts/long-run.sh [study] CONFIG OUT [--hours H] [--iterations N] [--max-restarts N] [--pause S] [-- search or study flags]"
command=search; saved=config.json
# A study keeps its settings in study-config.json, and its search runs under OUT/runs/.
[ "${1:-}" = study ] && { command=study; saved=study-config.json; shift; }
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
config=$1; out=$2; shift 2
hours=24; max_iterations=0; max_restarts=20; pause=5; extra=()
number() { [[ "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "long-run: $1 expects a number, got \"$2\"" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  [ "$1" = -- ] && { shift; extra=("$@"); break; }
  [ $# -ge 2 ] || { echo "long-run: $1 needs a value ($usage)" >&2; exit 2; }
  case "$1" in
    --hours) number "$1" "$2"; hours=$2 ;;
    --iterations) [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "long-run: --iterations expects a whole number ≥ 1, got \"$2\"" >&2; exit 2; }; max_iterations=$2 ;;
    --max-restarts) [[ "$2" =~ ^[0-9]+$ ]] || { echo "long-run: --max-restarts expects a whole number, got \"$2\"" >&2; exit 2; }; max_restarts=$2 ;;
    --pause) number "$1" "$2"; pause=$2 ;;
    *) echo "long-run: unknown option $1 ($usage)" >&2; exit 2 ;;
  esac
  shift 2
done
here=$(cd "$(dirname "$0")/.." && pwd)
deadline=$(( $(date +%s) + $(awk "BEGIN { printf \"%d\", $hours * 3600 }") ))

# Distinct search iterations trained over the run's whole life (a study's: over all its runs): an iteration
# repeated after a resume counts once.
trained() {
  local total=0 log n
  for log in "$out/events.jsonl" "$out"/runs/*/events.jsonl; do
    [ -f "$log" ] || continue
    n=$(grep '"type":"search.trained"' "$log" | grep -o '"iteration":[0-9]*' | cut -d: -f2 \
      | awk 'BEGIN { n = 0 } $1 + 1 > n { n = $1 + 1 } END { print n }')
    total=$((total + n))
  done
  echo "$total"
}

restarts=0; exits=(); status=running
while :; do
  left=$(( deadline - $(date +%s) ))
  if [ "$left" -le 0 ]; then status=time-limit; break; fi
  if [ -f "$out/$saved" ]; then args=("$command" --resume "$out"); else args=("$command" --config "$config" --out "$out"); fi
  # timeout passes a SIGINT on to the search, which stops at once and keeps its last checkpoint as the resume point.
  timeout --signal=INT --kill-after=120 "$left" node "$here/dist/main.js" "${args[@]}" "${extra[@]}" &
  child=$!
  limited=0
  # Polled only while an iteration limit is to be enforced: otherwise its exit is taken as it comes, not up to a
  # poll later.
  while [ "$max_iterations" -gt 0 ] && [ "$limited" -eq 0 ] && kill -0 "$child" 2>/dev/null; do
    if [ "$(trained)" -ge "$max_iterations" ]; then kill -INT "$child"; limited=1; else sleep 1; fi
  done
  wait "$child"
  code=$?
  exits+=("$code")
  if [ "$limited" -eq 1 ] && [ "$code" -ne 0 ]; then status=iteration-limit; break; fi
  case "$code" in
    0) status=finished; break ;;
    2) status=bad-input; break ;;
    124|130) status=time-limit; break ;;
  esac
  restarts=$((restarts + 1))
  if [ "$restarts" -gt "$max_restarts" ]; then status=too-many-restarts; break; fi
  echo "long-run: $command exited $code; resuming (restart $restarts of at most $max_restarts)" >&2
  sleep "$pause"
done
mkdir -p "$out"
printf '{"status":"%s","restarts":%d,"exitCodes":[%s],"iterationsTrained":%d,"endedAt":"%s"}\n' \
  "$status" "$restarts" "$(IFS=,; echo "${exits[*]}")" "$(trained)" "$(date -u +%FT%TZ)" > "$out/long-run.json"
cat "$out/long-run.json"
[ "$status" = finished ] || [ "$status" = time-limit ] || [ "$status" = iteration-limit ]
