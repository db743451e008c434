#!/usr/bin/env bash
# Installs the Debian packages scarsim needs, only those that are missing.
#   scripts/setup-deps.sh          what building and running scarsim needs
#   scripts/setup-deps.sh --tests  that, and what the test suite needs
#                                  (cmocka, gwyddion, ParaView, xvfb)
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
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "scarsim: installing ${#missing[@]} missing Debian packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
