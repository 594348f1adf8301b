#!/usr/bin/env bash
# The whole test suite, with all its set-up: installs moto's server (the AWS
# emulator the end-to-end tests start on 127.0.0.1) into a private virtualenv,
# then runs every test. Fails loudly if anything cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/moto-env.sh
cargo test --no-fail-fast "$@"
