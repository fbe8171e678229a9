#!/usr/bin/env bash
# The test command, from a fresh clone on Debian with Node 20+: installs what the tests need, then
# runs `npm test` (lint, typecheck, generated-code check, jest). CI (.ci/run) runs exactly this.
#
#   bash scripts/test.sh [jest arguments...]
#
# 1. System packages, when a command is missing (apt-get as root, else sudo): a C++ toolchain
#    (better-sqlite3 compiles from source: no prebuilt binary download is reachable), Debian's
#    Chromium (the HTML report test drives it with playwright-core) and redis-server (the BullMQ
#    and Redis pub/sub tests start their own on a loopback port).
# 2. `npm install` from the committed package-lock.json; warns if that rewrote the lockfile.
# 3. `npm test`, with any arguments passed on to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "scripts/test.sh: Node 20 or later is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
echo "== node $(node --version), npm $(npm --version)"

need=()
for pair in python3:python3 make:make g++:g++ chromium:chromium redis-server:redis-server; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "scripts/test.sh: missing ${need[*]}; install them (Debian: apt-get install -y ${need[*]}) or run as root" >&2
    exit 1
  fi
  echo "== apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

# onnxruntime-node's install step would download extra (CUDA) binaries: skip it (also in .npmrc).
export ONNXRUNTIME_NODE_INSTALL=skip
# node-gyp (better-sqlite3) needs Node's headers: use the ones installed beside node instead of
# downloading them, unless npm already has a nodedir.
node_prefix=$(node -p 'require("path").resolve(process.execPath, "..", "..")')
if [ "$(npm config get nodedir 2>/dev/null)" = "undefined" ] && [ -f "$node_prefix/include/node/node_api.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi
echo "== npm install"
npm install --no-audit --no-fund
if command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- package-lock.json; then
  echo "WARNING: npm install changed package-lock.json; commit the lockfile that a fresh 'npm install' writes:" >&2
  git diff --stat -- package-lock.json >&2
fi

echo "== npm test"
npm test -- "$@"
