#!/usr/bin/env bash
# Installs what the interoperability tests need (the stock `age` CLI, unzip, 7-Zip, bsdtar, tmux,
# OpenSSH's ssh-keygen for bundle signatures, Python's bagit validator) when missing. The test command, in the README and in .ci/run:
#   bash scripts/test-tools.sh && cargo test --locked
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v age >/dev/null 2>&1 || need_apt+=(age)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
# ssh-keygen -Y sign/verify: what partners check a bundle's signature with.
command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
# 7-Zip and libarchive (the engine of Windows' own tar.exe): what partners unzip with.
command -v 7z >/dev/null 2>&1 || need_apt+=(p7zip-full)
command -v bsdtar >/dev/null 2>&1 || need_apt+=(libarchive-tools)
if ((${#need_apt[@]})); then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
    else
        echo "missing: ${need_apt[*]} (install them, e.g. sudo apt-get install ${need_apt[*]})" >&2
        exit 2
    fi
fi
if ! python3 -c 'import bagit' >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check bagit
fi

