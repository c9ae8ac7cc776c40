#!/usr/bin/env bash
# The whole suite: Rust tests, then the C tests (ctest) twice - a plain build and an
# AddressSanitizer + UndefinedBehaviorSanitizer build -, the aarch64 Linux leg under qemu-user,
# the bare-metal build under qemu-arm and the old-glibc libqlssl.so in a glibc 2.31 chroot.
# Non-interactive; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure_deps.sh
ensure_deps

results=()
failures=()
failed=0
logs=target/test-logs
rm -rf "$logs" && mkdir -p "$logs"
# Each phase's output goes to the terminal and to its own log; for a failed phase, the lines that
# name what failed are repeated under the summary (a CI page often keeps only the end of a run).
phase() { # name command...
    local name=$1 start=$SECONDS log="$logs/phase-$((${#results[@]} + 1)).log"
    shift
    echo "==== $name ===="
    if "$@" 2>&1 | tee "$log"; then
        results+=("PASS  $name ($((SECONDS - start)) s)")
    else
        results+=("FAIL  $name ($((SECONDS - start)) s)")
        failures+=("---- $name (whole output: $log)")
        local lines
        lines=$(grep -E "FAILED|FAIL[ :]|panicked|assertion|[Ee]rror[: ]|Timeout|timed out" "$log" | tail -n 25 || true)
        failures+=("${lines:-(no line matched; see the log)}")
        failed=1
    fi
}

ctest_variant() { # name cmake-C-flags
    local dir=target/ctest-$1
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS="$2" &&
        cmake --build "$dir" -j2 &&
        ctest --test-dir "$dir" --output-on-failure --no-tests=error -j2
}

# The generated tables in docs/ are checked against this run, not rewritten (regenerate them with
# QLSSL_INTEROP_DOC= / CERTS_WRITE_DOCS=1 when a change is intended).
export QLSSL_INTEROP_DOC=check

# Nothing else can run without the library.
cargo build --release

phase "cargo test --release" cargo test --release
phase "qlssl-at (AT engine over a pty, real TLS)" bash scripts/at_tests.sh
# Resumption after a restart on a delayed link between two network namespaces (root; SKIP without
# namespaces or TUN): the resumed connect waits for one TLS round trip less (docs/PERFORMANCE.md).
phase "delayed link: session store resumption (namespaces + TUN)" timeout 300 bash scripts/netdelay.sh --delay 50 --check
# The TLS 1.3 engine (rustls, feature tls13; docs/ENGINES.md) against openssl s_server and
# gnutls-serv -- in its own target dir, so target/release stays the default build the later phases use;
# then the hardening cases that apply to it with QL_SSL_VERSION_4 (ctest label tls13, ~10 s).
phase "TLS 1.3 engine (feature tls13)" bash -c 'set -e
    export CARGO_TARGET_DIR=target/tls13
    cargo test --release --features tls13 --test tls13_engine
    cargo build --release --features tls13
    cmake -S tests/hardening -B target/ctest-tls13 -DCMAKE_BUILD_TYPE= -DQLSSL_LIB_DIR="$PWD/target/tls13/release" -DHARDENING_TLS13=ON >/dev/null
    cmake --build target/ctest-tls13 -j2 >/dev/null
    ctest --test-dir target/ctest-tls13 -L tls13 -j2 --output-on-failure'
# Lints as the architecture asks (docs/DESIGN.md): clippy with warnings as errors on every target,
# for the default build, the vendor-API-only build and the TLS 1.3 engine's (each in the target dir
# its build already uses, so only the lint pass is added).
phase "clippy -D warnings (default, vendor API only, tls13)" bash -c 'set -e
    cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
    cargo clippy --release --all-targets -- -D warnings
    cargo clippy --release --all-targets --no-default-features --features std -- -D warnings
    CARGO_TARGET_DIR=target/tls13 cargo clippy --release --all-targets --features tls13 -- -D warnings'
phase "ctest (plain)" ctest_variant plain ""
phase "ctest (ASan+UBSan)" ctest_variant asan "-fsanitize=address,undefined -fno-omit-frame-pointer"

# The module CPUs: the same C suite for aarch64 Linux under qemu-user (docs/CROSS.md), then the
# TLS 1.3 engine there: the tls13 library, its smoke client and the tls13 hardening cases
# (QLSSL_CROSS_TLS13=0 skips them; docs/ENGINES.md, "CI").
phase "cross aarch64 (qemu-user, with the TLS 1.3 engine)" bash cross/ci_leg.sh
# The RTOS modules: the library no_std + alloc for armv7a-none-eabi (soft float) and armv7a-none-eabihf
# (hard float), its tests under qemu-arm.
phase "bare metal armv7a-none-eabi + armv7a-none-eabihf (qemu-arm)" timeout 1500 bash cross/baremetal/build.sh
# The QuecOpen port layer over the host runtime, with the bare-metal (hooks) library built for x86_64.
phase "port layer: hooks build + port/quecopen on the host runtime" \
    bash -c 'timeout 900 tests/port/host_run.sh && timeout 300 tests/port/host_run.sh --checks'
# Linux module SDKs with glibc older than 2.34: libqlssl.so linked against glibc 2.31, needing
# GLIBC <= 2.17, run on glibc 2.31 (chroot; qemu-aarch64 -L) (docs/CROSS.md, "glibc floor").
phase "glibc floor x86_64 + aarch64 (libqlssl.so for glibc < 2.34, run on glibc 2.31)" timeout 1200 bash scripts/glibc_floor.sh all

echo "==== summary ===="
printf '%s\n' "${results[@]}"
if ((${#failures[@]})); then
    echo "==== what failed ===="
    printf '%s\n' "${failures[@]}"
fi
exit "$failed"
