#!/usr/bin/env bash
# Installs the Debian packages that Dorsum's build, tests and demo need: only those missing,
# so that a second run does nothing. Runs apt-get as root, or through sudo otherwise.
set -euo pipefail

packages=(
  cmake ninja-build g++ make pkg-config          # build
  libeigen3-dev libfmt-dev libcli11-dev           # linear algebra, formatting, command line
  nlohmann-json3-dev libtoml11-dev                # JSON results, TOML data and scenario files
  libgtest-dev libgmock-dev libbenchmark-dev      # tests and benchmarks
  coinor-libipopt-dev                             # reference solver in the recruitment tests
  clang-format clang-tidy                         # make format, make lint
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
