#!/usr/bin/env bash
# What --history adds to a scan, for docs/performance.md ("Run history"):
# the same corpus scanned without a history, into an empty history (the
# first run: every finding new) and into one holding the previous night
# (with --baseline history), on SQLite and, when TENANTSCAN_TEST_POSTGRES
# names a server (. .ci/postgres.sh starts one), on PostgreSQL. The runs
# are interleaved (round 1 of each, then round 2 …) so that drift of a
# shared machine falls on all alike; wall and CPU time (user + sys of
# tenantscan; PostgreSQL's server works in other processes) per run, then
# the mean and the change against no history.
# Usage: scripts/bench-history.sh CORPUS [ROUNDS]
#   CORPUS: e.g. go run ./fixtures/gen -findings-heavy -tenants 10 -out /tmp/heavy10
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$1; rounds=${2:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/tenantscan" ./cmd/tenantscan
pg=${TENANTSCAN_TEST_POSTGRES:-}
run() { # label, extra args...
	local label=$1; shift
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$work/tenantscan" scan -q --fail-on none --format json --output "json=$work/r.json" "$@" "$corpus" >/dev/null 2>"$work/err" ||
		{ echo "$label failed:" >&2; cat "$work/err" >&2; exit 1; }
	echo "$label $(cat "$work/time")"
}
for r in $(seq "$rounds"); do
	run none
	rm -f "$work"/h.db*
	run sqlite-first --history "$work/h.db"
	run sqlite-nightly --history "$work/h.db" --baseline history
	if [ -n "$pg" ]; then
		psql "$pg" -qAt -c "DROP DATABASE IF EXISTS tenantscan_bench" -c "CREATE DATABASE tenantscan_bench" >/dev/null 2>&1
		path=${pg%%\?*}
		db="${path%/*}/tenantscan_bench${pg#"$path"}"
		run postgres-first --history "$db"
		run postgres-nightly --history "$db" --baseline history
	fi
done | tee "$work/runs" | awk '{printf "round %s: %-17s %6.2f s wall %6.2f s CPU\n", int((NR - 1) / n) + 1, $1, $2, $3 + $4}' n="$([ -n "$pg" ] && echo 5 || echo 3)"
awk '{w[$1] += $2; c[$1] += $3 + $4; k[$1]++; if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 } }
	END { for (i = 1; i <= m; i++) { l = order[i]
		printf "mean %-17s %6.2f s wall (%+4.0f %%) %6.2f s CPU (%+4.0f %%)\n", l, w[l] / k[l], (w[l] / k[l]) / (w["none"] / k["none"]) * 100 - 100, c[l] / k[l], (c[l] / k[l]) / (c["none"] / k["none"]) * 100 - 100 } }' "$work/runs"
