#!/usr/bin/env bash
# Install (as root) or name (otherwise) the Debian/Ubuntu packages FaceQuest needs.
#   scripts/system-packages.sh          runtime packages
#   scripts/system-packages.sh --test   runtime packages + what the tests use (sox, chromium, xvfb, strace)
set -euo pipefail
runtime=(libxcb1 libegl1 libgles2 libgl1 libglib2.0-0 libsm6 libice6 libxext6 libportaudio2 espeak-ng libespeak-ng1)
testing=(sox chromium xvfb fonts-noto-cjk strace)
wanted=("${runtime[@]}")
[[ "${1:-}" == "--test" ]] && wanted+=("${testing[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-like system: install the equivalents of: ${wanted[*]}" >&2
  exit 0
fi
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]]; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "FaceQuest needs these system packages; run this, then try again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
