#!/usr/bin/env bash
# Print the path of a headless-capable Chromium for the browser tests, installing Debian's
# `chromium` package when none is found (that needs root; nothing downloads a browser otherwise).
#
#   tools/chromium.sh          print the executable's path (install first if missing)
#
# MIMI_CHROMIUM, when set to an executable, is used as it is.
set -euo pipefail

find_chromium() {
  if [ -n "${MIMI_CHROMIUM:-}" ] && [ -x "$MIMI_CHROMIUM" ]; then
    echo "$MIMI_CHROMIUM"
    return 0
  fi
  local c
  for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Chromium is not installed and installing it needs root (or set MIMI_CHROMIUM)" >&2
  exit 1
fi
echo "installing Chromium from Debian packages ..." >&2
apt-get update >&2
# the colour emoji font, so that reactions show in the web demo's screenshots
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji >&2
find_chromium
