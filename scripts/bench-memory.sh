#!/usr/bin/env bash
# Peak RSS of a scan for standard output and every output format, for
# docs/performance.md ("Memory bounded by bytes").
# Usage: [RUNS="..."] scripts/bench-memory.sh CORPUS [each|together]
#   each:     one run per format (stdout json, stdout table, each file
#             format, --metrics-file, --baseline, merge);
#   together: one run: the table to standard output and every other format
#             to a file, with --metrics-file (the writers run one after
#             another, so its peak bounds each one's); for large corpora.
# RUNS limits "each" to some runs: merge, stdout-json, stdout-table, the
# file formats by name (json csv sarif junit html markdown xlsx table),
# metrics, baseline (default: all). No snapshot deadline applies
# (--snapshot-timeout 0): a slow or paused machine changes times, not
# memory.
# The bound it checks: the workers' snapshots plus 150 MB, where one
# snapshot's cost is measured: the peak of a one-worker scan of the
# corpus's largest snapshot, less the peak of a scan of almost nothing
# (the binary and the compiled policies: one small fixture).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$1; mode=${2:-each}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/tenantscan" ./cmd/tenantscan
ts="$work/tenantscan"
workers=$(nproc)
n=$(find "$corpus" -type f | wc -l)
largest=$(find "$corpus" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)

peak() { # label, command...: prints "label peak-MB wall-s"
	local label=$1; shift
	/usr/bin/time -f "%M %e" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
		local rc=$?
		# 1 is "findings"; anything else is a failure worth seeing
		[ $rc = 1 ] || { echo "$label: exit $rc" >&2; cat "$work/err" >&2; exit 1; }
	}
	read -r kb s <"$work/time"
	awk -v l="$label" -v kb="$kb" -v s="$s" 'BEGIN{printf "| %s | %.0f MB | %.0f s |\n", l, kb/1024, s}'
}
runs=" ${RUNS:-merge stdout-json stdout-table json csv sarif junit html markdown xlsx table metrics baseline} "
want() { [[ $runs == *" $1 "* ]]; }

size() { # file: prints its size to stderr
	ls -l "$1" | awk '{printf "%s: %.0f MB\n", $NF, $5/1e6}' >&2
}

one=$(peak "one" "$ts" scan -q --fail-on none --parallel 1 --format json --output "json=$work/one.json" "$largest" | awk '{print $4}')
base=$(peak "base" "$ts" scan -q --fail-on none --parallel 1 --format json --output "json=$work/one.json" fixtures/contoso-compliant.yaml | awk '{print $4}')
per=$((one - base))
bound=$((workers * per + 150))
echo "corpus $corpus: $n snapshots, $(du -sh "$corpus" | cut -f1); $workers workers"
echo "one snapshot (largest, one worker): $one MB; a scan of one small fixture: $base MB;"
echo "bound: $workers x $per MB + 150 MB = $bound MB"
echo
echo "| output | peak RSS | wall |"
echo "|---|---|---|"
if [ "$mode" = each ]; then
	if want merge || want baseline; then
		# The previous report, for --baseline, made by two shards and merge.
		"$ts" scan -q --fail-on none --snapshot-timeout 0 --shard 1/2 --format json --output "json=$work/s1.json" "$corpus"
		"$ts" scan -q --fail-on none --snapshot-timeout 0 --shard 2/2 --format json --output "json=$work/s2.json" "$corpus"
		peak "merge of 2 shard reports, --output json=FILE" "$ts" merge -q --fail-on none --output "json=$work/base.json" "$work/s1.json" "$work/s2.json"
		rm "$work/s1.json" "$work/s2.json"
	fi
	scan=("$ts" scan -q --fail-on none --snapshot-timeout 0)
	! want stdout-json || peak "standard output, json" "${scan[@]}" --format json "$corpus"
	! want stdout-table || peak "standard output, table" "${scan[@]}" "$corpus"
	for f in json csv sarif junit html markdown xlsx table; do
		want "$f" || continue
		peak "--output $f=FILE" "${scan[@]}" --format "$f" --output "$f=$work/r.$f" "$corpus"
		size "$work/r.$f"
		rm "$work/r.$f"
	done
	! want metrics || peak "--metrics-file" "${scan[@]}" --format json --output "json=$work/r.json" --metrics-file "$work/m.prom" "$corpus"
	! want baseline || peak "--baseline (json)" "${scan[@]}" --format json --output "json=$work/r.json" --baseline "$work/base.json" "$corpus"
else
	args=(--format table --snapshot-timeout 0)
	for f in json csv sarif junit html markdown xlsx; do args+=(--format "$f" --output "$f=$work/r.$f"); done
	peak "one run: table to standard output, every other format to a file, --metrics-file" \
		"$ts" scan -q --fail-on none "${args[@]}" --metrics-file "$work/m.prom" "$corpus"
	ls -l "$work"/r.* "$work/m.prom" | awk '{printf "%s %.0f MB\n", $NF, $5/1e6}' >&2
fi
