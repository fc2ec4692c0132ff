#!/usr/bin/env bash
# Renders the README's pictures of the workbook and the HTML report from a
# scan of fixtures/ (with scripts/screenshots/waivers.yaml, so the waivers
# show in every state). Needs Chromium for the HTML pictures, and
# LibreOffice (soffice) and poppler (pdftoppm) for the workbook's; the
# tests need none of them. Debian: apt-get install chromium
# libreoffice-calc-nogui poppler-utils. Without LibreOffice the workbook
# pictures are left as they are, and the script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Built as make build does, so the header shows the version (git describe).
go build -ldflags "-X main.version=$(git describe --tags --match 'v[0-9]*' --always --dirty 2>/dev/null || echo dev)" \
  -o "$out/tenantscan" ./cmd/tenantscan
"$out/tenantscan" scan -q --log-level error --format table --waivers scripts/screenshots/waivers.yaml --as-of 2026-11-28 \
  --output xlsx="$out/audit.xlsx" --output html="$out/report.html" fixtures/ >/dev/null 2>&1 || true # exit 2: four fixtures are broken on purpose
wrote=()
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
  (cd "$out" && soffice -env:UserInstallation="file://$out/lo" --headless --convert-to pdf audit.xlsx >/dev/null 2>&1)
  # The first page of a sheet: the first whose top line matches the
  # sheet's heading (LibreOffice numbers pages across the whole workbook).
  first_page() { # first_page NAME REGEX
    local n pages
    pages=$(pdfinfo "$out/audit.pdf" | awk '/^Pages:/ {print $2}')
    for ((n = 1; n <= pages; n++)); do
      if pdftotext -f "$n" -l "$n" -layout "$out/audit.pdf" - | awk 'NF && !top { top = $0 } END { print top }' | tr -s ' ' | grep -Eq "$2"; then
        echo "$n"
        return
      fi
    done
    echo "no page of the $1 sheet in the workbook's PDF" >&2
    return 1
  }
  picture() { # picture SHEET REGEX HEIGHT FILE: the top of the sheet's first page
    local page
    page=$(first_page "$1" "$2")
    pdftoppm -png -r 150 -f "$page" -l "$page" -x 0 -y 0 -W 1650 -H "$3" "$out/audit.pdf" "$out/$1"
    cp "$out/$1"*.png "$4"
    wrote+=("$4")
  }
  picture Summary '^ ?tenantscan compliance report' 1000 docs/images/workbook-summary.png
  picture Findings '^ ?Severity Tenant Control Title Status' 700 docs/images/workbook-findings.png
  picture Waivers '^ ?State Control Tenant Resource' 420 docs/images/workbook-waivers.png
else
  echo "no LibreOffice (soffice) or pdftoppm: the workbook pictures are left as they are" >&2
fi
CHROMIUM=${CHROMIUM:-chromium}
shot() { # shot WIDTH HEIGHT FILE: the top of the HTML report in a window that size
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$out/chrome" \
    --window-size="$1,$2" --virtual-time-budget=3000 --screenshot="$3" "file://$out/report.html" >/dev/null 2>&1
  wrote+=("$3")
}
# The header, the tenant × control matrix and the waivers; then a phone.
shot 1280 1560 docs/images/html-report.png
shot 390 844 docs/images/html-phone.png
echo "wrote ${wrote[*]}"
