#!/usr/bin/env bash
# Installs Tern's build and test dependencies from Debian 12 packages (idempotent).
# Runs apt-get update at most once, and only when a package is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  clang clang-format clang-tidy lld libclang-rt-14-dev
  libboost1.81-dev            # asio, interprocess, beast (header-only parts)
  libabsl-dev                 # absl::Status, StatusOr, strings, containers, synchronization
  libxxhash-dev               # fast non-cryptographic hashing for in-memory tables
  libspdlog-dev libfmt-dev    # logging
  libcli11-dev                # command-line parsing for the tern binary
  rapidjson-dev               # JSON (config files, remoting headers)
  libdeflate-dev              # libdeflate_crc32: CRC-32 for BODYCRC
  zlib1g-dev                  # zlib for compressed message bodies
  liblz4-dev libzstd-dev      # LZ4 / ZSTD bodies from Java >= 4.9.4 producers (client decode)
  libgtest-dev libgmock-dev   # GoogleTest / GoogleMock
  libbenchmark-dev            # Google Benchmark
  prometheus                  # promtool: tests check /metrics with `promtool check metrics`
  chromium                    # headless browser for the dashboard test (tests/dashboard)
)
# Node.js runs the ali-ons interop test; the machine image may already have a newer one.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
