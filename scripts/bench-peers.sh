#!/usr/bin/env bash
# Measures tenantscan against a decode-only lower bound, conftest and
# `opa eval` per snapshot, in one run on one generated corpus, for
# docs/performance.md. conftest and opa are installed outside the module:
#   go install github.com/open-policy-agent/conftest@latest
#   go install github.com/open-policy-agent/opa@v1.22.3
# Usage: scripts/bench-peers.sh [TENANTS] [USERS]
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${1:-200}; users=${2:-2000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bin="$(go env GOPATH)/bin"
go build -o "$work/tenantscan" ./cmd/tenantscan
go build -o "$work/decodeonly" ./scripts/decodeonly
go run ./fixtures/gen -tenants "$tenants" -users "$users" -out "$work/corpus"
bytes=$(du -sb "$work/corpus" | cut -f1)
echo "corpus: $tenants tenants x $users users, $((bytes / 1000000)) MB, $(nproc) CPUs"

# run NAME CMD...: wall time (s) and peak RSS (MB), best of $REPS (3)
run() {
  local name=$1; shift
  local best=""
  for _ in $(seq "${REPS:-3}"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
    read -r secs kb < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < ${best%% *})}"; then best="$secs $kb"; fi
  done
  read -r secs kb <<<"$best"
  awk -v n="$name" -v s="$secs" -v kb="$kb" -v t="$tenants" -v b="$bytes" \
    'BEGIN{printf "| %s | %.2f s | %.0f snapshots/s | %.1f MB/s | %.0f MB |\n", n, s, t/s, b/1e6/s, kb/1024}'
}
echo "| run | wall time | throughput | | peak RSS |"
echo "|---|---|---|---|---|"
run "decode only (all cores)" "$work/decodeonly" "$work/corpus"
run "tenantscan scan --format json" "$work/tenantscan" scan --quiet --format json --output "json=$work/report.json" "$work/corpus"
if [ -x "$bin/conftest" ]; then
  run "conftest test --all-namespaces" "$bin/conftest" test --all-namespaces --no-color -o json -p policies --data policies/data.json "$work/corpus"
fi
if [ -x "$bin/opa" ]; then
  cat >"$work/opa-each.sh" <<EOS
#!/usr/bin/env bash
for f in "$work"/corpus/*.json; do "$bin/opa" eval --fail --format raw -d policies -i "\$f" "data.controls" >/dev/null; done
EOS
  chmod +x "$work/opa-each.sh"
  REPS=1 run "opa eval per snapshot (1 run)" "$work/opa-each.sh"
fi
