#!/usr/bin/env bash
# Installs the Debian packages scarsim needs, only those that are missing.
#   scripts/setup-deps.sh          what building and running scarsim needs
#   scripts/setup-deps.sh --tests  that, and what the test suite needs
#                                  (cmocka, gwyddion, ParaView, xvfb, chromium,
#                                  and Node.js with npm when missing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sections="Build Libraries"
[ "${1:-}" = "--tests" ] && sections="Build Libraries Tests"
pkgs=()
for sec in $sections; do
  # the line after "# <section>" lists that section's packages
  mapfile -t -O "${#pkgs[@]}" pkgs < <(awk -v s="# $sec" '$0 == s {getline; print}' \
    "$here/debian-packages.txt" | tr ' ' '\n' | sed '/^$/d')
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The browser tests (docs/web.md) need Node.js and npm; a machine that has
# them from elsewhere (nodesource, nvm) keeps its own.
if [ "${1:-}" = "--tests" ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "scarsim: installing ${#missing[@]} missing Debian packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
