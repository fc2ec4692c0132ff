#!/usr/bin/env bash
# Measures tenantscan against a decode-only lower bound, conftest and
# `opa eval` per snapshot, in one run on one generated corpus, for
# docs/performance.md. conftest and opa are installed outside the module:
#   go install github.com/open-policy-agent/conftest@latest
#   go install github.com/open-policy-agent/opa@v1.22.3
# Usage: scripts/bench-peers.sh [TENANTS] [USERS]
#
# Shared cloud machines drift from minute to minute, so the runs are
# interleaved (round 1 of every tool, then round 2 …) and each tool keeps
# its best round; CPU time (user + system) is reported beside wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${1:-200}; users=${2:-2000}; rounds=${ROUNDS:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bin="$(go env GOPATH)/bin"
go build -o "$work/tenantscan" ./cmd/tenantscan
go build -o "$work/decodeonly" ./scripts/decodeonly
go run ./fixtures/gen -tenants "$tenants" -users "$users" -out "$work/corpus"
bytes=$(du -sb "$work/corpus" | cut -f1)
echo "corpus: $tenants tenants x $users users, $((bytes / 1000000)) MB, $(nproc) CPUs, best of $rounds interleaved rounds"

cat >"$work/opa-each.sh" <<EOS
#!/usr/bin/env bash
for f in "$work"/corpus/*.json; do "$bin/opa" eval --fail --format raw -d policies -i "\$f" "data.controls" >/dev/null; done
EOS
chmod +x "$work/opa-each.sh"

names=("decode only (all cores)" "tenantscan scan --format json")
cmds=("$work/decodeonly $work/corpus"
  "$work/tenantscan scan --quiet --format json --output json=$work/report.json $work/corpus")
if [ -x "$bin/conftest" ]; then
  names+=("conftest test --all-namespaces")
  cmds+=("$bin/conftest test --all-namespaces --no-color -o json -p policies --data policies/data.json $work/corpus")
fi
if [ -x "$bin/opa" ]; then
  names+=("opa eval per snapshot (one round)")
  cmds+=("$work/opa-each.sh")
fi

# best[i] = "wall cpu kb" of tool i's fastest round
declare -a best
for round in $(seq "$rounds"); do
  for i in "${!cmds[@]}"; do
    if [ "$round" -gt 1 ] && [[ ${names[$i]} == *"one round"* ]]; then continue; fi
    # shellcheck disable=SC2086 # the command is split on purpose
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" ${cmds[$i]} >/dev/null 2>"$work/err" || true
    read -r wall user sys kb < <(tail -n 1 "$work/time")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')
    if [ -z "${best[$i]:-}" ] || awk "BEGIN{exit !($wall < ${best[$i]%% *})}"; then best[$i]="$wall $cpu $kb"; fi
  done
done

echo "| run | wall time | CPU time | throughput | | peak RSS |"
echo "|---|---|---|---|---|---|"
for i in "${!cmds[@]}"; do
  read -r wall cpu kb <<<"${best[$i]}"
  awk -v n="${names[$i]}" -v s="$wall" -v c="$cpu" -v kb="$kb" -v t="$tenants" -v b="$bytes" \
    'BEGIN{printf "| %s | %.2f s | %.2f s | %.0f snapshots/s | %.1f MB/s | %.0f MB |\n", n, s, c, t/s, b/1e6/s, kb/1024}'
done
read -r dwall dcpu _ <<<"${best[0]}"
read -r twall tcpu _ <<<"${best[1]}"
awk -v d="$dwall" -v dc="$dcpu" -v t="$twall" -v tc="$tcpu" \
  'BEGIN{printf "\ntenantscan / decode only: %.1fx wall, %.1fx CPU\n", t/d, tc/dc}'
if [ -n "${best[2]:-}" ]; then
  read -r cwall ccpu _ <<<"${best[2]}"
  awk -v c="$cwall" -v cc="$ccpu" -v t="$twall" -v tc="$tcpu" \
    'BEGIN{printf "conftest / tenantscan: %.1fx wall, %.1fx CPU\n", c/t, cc/tc}'
fi
