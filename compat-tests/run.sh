#!/usr/bin/env bash
# The compatibility suite: tests against the real Apache ZooKeeper (Debian packages). Extra
# arguments go to ava (e.g. --tap).
set -euo pipefail
cd "$(dirname "$0")/.."
bash compat-tests/install-deps.sh
ZKTS_SUITE=compat exec npx ava "$@"
