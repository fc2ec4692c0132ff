#!/usr/bin/env bash
# Makes sure a headless Chromium is there for the browser tests of the HTML
# report (internal/browser): installs the distribution's package when it is
# missing, and exports CHROMIUM. Source it with `. .ci/chromium.sh`. In CI
# (CI=true) the tests fail, rather than skip, without a browser.

chromium_bin() {
	local c
	for c in "${CHROMIUM:-}" /usr/bin/chromium "$(command -v chromium 2>/dev/null)"; do
		[ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return; }
	done
	return 1
}

if ! CHROMIUM="$(chromium_bin)"; then
	echo "installing Chromium (apt-get)" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
	CHROMIUM="$(chromium_bin)"
fi
export CHROMIUM
echo "$("$CHROMIUM" --version 2>/dev/null | head -1) ($CHROMIUM)" >&2
