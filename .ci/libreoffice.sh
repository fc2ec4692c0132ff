#!/usr/bin/env bash
# Installs LibreOffice Calc (no GUI) from the distribution's packages when
# it is missing, for the test that converts the workbook to PDF and counts
# its pages (report/format/xlsx TestWorkbookPrintsInLibreOffice; it skips
# without LibreOffice). Source it with `. .ci/libreoffice.sh`. On a clean
# Debian 12 runner: 56 packages, 88 MB downloaded, about 65 s to install
# (measured on the 2-core CI machine), under 20 s for the test itself.
if ! command -v soffice >/dev/null 2>&1; then
	echo "installing LibreOffice Calc (apt-get)" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >&2
fi
echo "LibreOffice: $(soffice --version 2>/dev/null | head -1)" >&2
