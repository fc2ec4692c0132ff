#!/usr/bin/env bash
# Renders the README's pictures of the workbook and the HTML report from a
# scan of fixtures/. Needs LibreOffice (soffice), poppler (pdftoppm) and
# Chromium; the tests do not. Debian: apt-get install libreoffice-calc-nogui
# poppler-utils chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go run ./cmd/tenantscan scan --format table --output xlsx="$out/audit.xlsx" --output html="$out/report.html" fixtures/ >/dev/null || true
(cd "$out" && soffice --headless --convert-to pdf audit.xlsx >/dev/null 2>&1)
# Page 1 is the Summary sheet, page 3 the Findings sheet (fit to width).
pdftoppm -png -r 150 -f 1 -l 1 -x 100 -y 130 -W 2200 -H 520 "$out/audit.pdf" "$out/summary"
pdftoppm -png -r 150 -f 3 -l 3 -x 100 -y 130 -W 2200 -H 760 "$out/audit.pdf" "$out/findings"
cp "$out"/summary*.png docs/images/workbook-summary.png
cp "$out"/findings*.png docs/images/workbook-findings.png
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$out/chrome" \
  --window-size=1200,1500 --virtual-time-budget=3000 --screenshot="$out/html.png" "file://$out/report.html" >/dev/null 2>&1
cp "$out/html.png" docs/images/html-report.png
echo "wrote docs/images/workbook-summary.png docs/images/workbook-findings.png docs/images/html-report.png"
