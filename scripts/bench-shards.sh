#!/usr/bin/env bash
# CPU time of a whole scan and of each of N shards of it, on one corpus,
# for docs/performance.md ("Shards divide the work"). CPU time (user +
# sys) rather than wall time: the shards of a job run on separate
# machines, and CPU time is what each one costs.
# Usage: scripts/bench-shards.sh CORPUS [N]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$1; n=${2:-4}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/tenantscan" ./cmd/tenantscan
cpu() { # prints user+sys seconds of the command
	/usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || [ $? = 1 ] || { cat "$work/err" >&2; exit 1; }
	awk '{printf "%.2f", $1 + $2}' "$work/time"
}
whole=$(cpu "$work/tenantscan" scan -q --fail-on none --format json --output "json=$work/all.json" "$corpus")
echo "corpus $corpus: $(find "$corpus" -type f | wc -l) snapshots; whole scan $whole s CPU"
busiest=0
for k in $(seq "$n"); do
	s=$(cpu "$work/tenantscan" scan -q --fail-on none --shard "$k/$n" --format json --output "json=$work/s$k.json" "$corpus")
	echo "shard $k/$n: $s s CPU ($(awk -v s="$s" -v w="$whole" 'BEGIN{printf "%.2f", s/w}') of the whole)"
	busiest=$(awk -v a="$s" -v b="$busiest" 'BEGIN{print (a > b) ? a : b}')
done
awk -v b="$busiest" -v w="$whole" 'BEGIN{printf "busiest shard: %.2f of the whole scan\n", b/w}'
