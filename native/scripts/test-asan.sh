#!/usr/bin/env bash
# Builds the addon with AddressSanitizer + UBSan (cmake-js, build-asan/) and
# runs the native tests against it. Node itself is not sanitized, so the ASan
# runtime is preloaded; leak checking is off (V8 keeps memory until exit).
# Any sanitizer report aborts the test process, which fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."

# cmake-js downloads Node headers unless told where the installed ones are.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
npx cmake-js compile --out build-asan --CDSAMSA_SANITIZE=ON

# Other directories may not type-check yet; tsc still emits, and the native
# tests fail on their own if anything they need is missing.
npx tsc -p . >/dev/null || true

addon="$PWD/build-asan/Release/samsa_native.node"
test -f "$addon"
export SAMSA_NATIVE_ADDON="$addon"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allow_user_segv_handler=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)" npx ava "dist/test/native/" "$@"
