#!/bin/sh
# Install Debian's chromium for the HTML report browser tests, when missing.
# Idempotent: does nothing if a chromium binary is already on PATH.
set -eu

for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then
        echo "install-browser: $(command -v "$name") already present"
        exit 0
    fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
command -v chromium
