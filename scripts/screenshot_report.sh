#!/usr/bin/env bash
# Screenshot a daily report (HTML) in headless Chromium, for docs/report-screenshot.png.
#
#   scripts/screenshot_report.sh [REPORT.html] [OUT.png]
#
# Default: the last report of `make demo` (out/demo/reports/report-*.html) into
# docs/report-screenshot.png.  Installs Debian's chromium with apt-get when it is missing
# (needs root).  The report is self-contained: Chromium fetches nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

html="${1:-$(ls -1 out/demo/reports/report-*.html 2>/dev/null | tail -n 1)}"
out="${2:-docs/report-screenshot.png}"
width="${WIDTH:-1280}"
height="${HEIGHT:-2400}"
if [[ -z "$html" || ! -f "$html" ]]; then
    echo "no report to screenshot (run \`make demo\` first, or name an HTML report)" >&2
    exit 2
fi

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
    echo "installing chromium (apt-get)..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    browser="$(command -v chromium)"
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --window-size="${width},${height}" \
    --screenshot="$(realpath -m "$out")" "file://$(realpath "$html")" 2>/dev/null
echo "$out"
