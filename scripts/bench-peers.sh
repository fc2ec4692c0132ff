#!/usr/bin/env bash
# Measures tenantscan against a decode-only lower bound, conftest and
# `opa eval` per snapshot, in one run on one generated corpus, for
# docs/performance.md. conftest and opa are installed outside the module:
#   go install github.com/open-policy-agent/conftest@latest
#   go install github.com/open-policy-agent/opa@v1.22.3
# Usage: scripts/bench-peers.sh [TENANTS] [USERS] [light|heavy]
#   light: fixtures/gen's default share of violations (about 100 findings
#          a tenant at 2,000 users);
#   heavy: fixtures/gen -findings-heavy (about 2,300 findings a tenant).
# ROUNDS=N sets the rounds (default 3); OPA=0 skips the `opa eval` run.
#
# Shared cloud machines drift from minute to minute, so the runs are
# interleaved (round 1 of every tool, then round 2 …): each tool's best
# round is in the table, and the ratio of each round — whose runs are
# neighbours in time — is listed with their range. CPU time (user +
# system) is reported beside wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${1:-200}; users=${2:-2000}; shape=${3:-light}; rounds=${ROUNDS:-3}
case $shape in
light) genflags=() ;;
heavy) genflags=(-findings-heavy) ;;
*) echo "bench-peers: the corpus is light or heavy, not $shape" >&2; exit 2 ;;
esac
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bin="$(go env GOPATH)/bin"
go build -o "$work/tenantscan" ./cmd/tenantscan
go build -o "$work/decodeonly" ./scripts/decodeonly
go run ./fixtures/gen -tenants "$tenants" -users "$users" "${genflags[@]}" -out "$work/corpus"
bytes=$(du -sb "$work/corpus" | cut -f1)
echo "corpus: $shape, $tenants tenants x $users users, $((bytes / 1000000)) MB, $(nproc) CPUs, $rounds interleaved rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"

cat >"$work/opa-each.sh" <<EOS
#!/usr/bin/env bash
for f in "$work"/corpus/*.json; do "$bin/opa" eval --fail --format raw -d policies -i "\$f" "data.controls" >/dev/null; done
EOS
chmod +x "$work/opa-each.sh"

names=("decode only (all cores)" "tenantscan scan --format json")
cmds=("$work/decodeonly $work/corpus"
  "$work/tenantscan scan --quiet --format json --output json=$work/report.json $work/corpus")
conftest=-1
if [ -x "$bin/conftest" ]; then
  conftest=${#cmds[@]}
  names+=("conftest test --all-namespaces")
  cmds+=("$bin/conftest test --all-namespaces --no-color -o json -p policies --data policies/data.json $work/corpus")
else
  echo "conftest is not in $bin: no comparison (go install github.com/open-policy-agent/conftest@latest)"
fi
if [ -x "$bin/opa" ] && [ "${OPA:-1}" != 0 ]; then
  names+=("opa eval per snapshot (one round)")
  cmds+=("$work/opa-each.sh")
fi

# best[i] = "wall cpu kb" of tool i's fastest round; runs[i] = every
# round's "wall cpu", space-separated pairs.
declare -a best runs
for round in $(seq "$rounds"); do
  for i in "${!cmds[@]}"; do
    if [ "$round" -gt 1 ] && [[ ${names[$i]} == *"one round"* ]]; then continue; fi
    # shellcheck disable=SC2086 # the command is split on purpose
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" ${cmds[$i]} >/dev/null 2>"$work/err" || true
    read -r wall user sys kb < <(tail -n 1 "$work/time")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')
    runs[i]="${runs[$i]:-} $wall:$cpu"
    if [ -z "${best[$i]:-}" ] || awk "BEGIN{exit !($wall < ${best[$i]%% *})}"; then best[i]="$wall $cpu $kb"; fi
  done
done

echo "| run (best round) | wall time | CPU time | throughput | | peak RSS |"
echo "|---|---|---|---|---|---|"
for i in "${!cmds[@]}"; do
  read -r wall cpu kb <<<"${best[$i]}"
  awk -v n="${names[$i]}" -v s="$wall" -v c="$cpu" -v kb="$kb" -v t="$tenants" -v b="$bytes" \
    'BEGIN{printf "| %s | %.2f s | %.2f s | %.0f snapshots/s | %.1f MB/s | %.0f MB |\n", n, s, c, t/s, b/1e6/s, kb/1024}'
done
read -r dwall dcpu _ <<<"${best[0]}"
read -r twall tcpu _ <<<"${best[1]}"
awk -v d="$dwall" -v dc="$dcpu" -v t="$twall" -v tc="$tcpu" \
  'BEGIN{printf "\ntenantscan / decode only (best rounds): %.1fx wall, %.1fx CPU\n", t/d, tc/dc}'
if [ "$conftest" -ge 0 ]; then
  # One ratio per round: conftest's run and tenantscan's are neighbours.
  read -ra ts <<<"${runs[1]}"
  read -ra cf <<<"${runs[$conftest]}"
  for r in "${!ts[@]}"; do echo "${cf[$r]} ${ts[$r]}"; done | awk '
    { split($1, c, ":"); split($2, t, ":"); w = c[1] / t[1]; p = c[2] / t[2]
      printf "round %d: conftest / tenantscan %.1fx wall (%.2f / %.2f s), %.1fx CPU (%.2f / %.2f s)\n", NR, w, c[1], t[1], p, c[2], t[2]
      if (NR == 1 || w < wmin) wmin = w; if (NR == 1 || w > wmax) wmax = w
      if (NR == 1 || p < pmin) pmin = p; if (NR == 1 || p > pmax) pmax = p }
    END { printf "conftest / tenantscan over %d rounds: %.1f-%.1fx wall, %.1f-%.1fx CPU\n", NR, wmin, wmax, pmin, pmax }'
fi
