#!/usr/bin/env bash
# Long hardening runs (the fast variants are ctest cases in tests/hardening; see docs/HARDENING.md):
#   1. LSan soak     10 000 connect/handshake/echo/close/free cycles, ASan+UBSan build, session
#                    resumption on; leaks fail at exit, live heap must stay flat
#   2. valgrind      200 cycles under memcheck (--leak-check=full; definite/indirect leaks and every
#                    memory error fail)
#   3. concurrency   8 threads x 50 contexts: plain, ASan+UBSan, ThreadSanitizer on the test program
#   4. TSan library  the same with libqlssl itself (Rust + mbedtls) built with ThreadSanitizer
#                    (nightly toolchain; skipped without one)
#   5. helgrind      2 threads x 5 contexts under valgrind --tool=helgrind: informative only (it
#                    cannot see the library's parking_lot locks, so it reports their users as races)
# Usage: scripts/soak.sh [CYCLES]        (CYCLES for phase 1, default 10000)
# Exit status 1 if any phase fails. Loopback only; every server started is stopped.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cycles=${1:-10000}
export CARGO_BUILD_JOBS=2

results=()
failed=0
phase() { # name status detail
    results+=("$(printf '%-5s %-28s %s' "$2" "$1" "$3")")
    [ "$2" = FAIL ] && failed=1
    echo "-> $2 $1 $3"
}

echo "== building (cargo build --release; tests/hardening plain and ASan+UBSan)"
cargo build --release -q || exit 1
plain=target/hardening
asan=target/hardening-asan
cmake -S tests/hardening -B "$plain" -DCMAKE_BUILD_TYPE= >/dev/null && cmake --build "$plain" -j2 >/dev/null || exit 1
cmake -S tests/hardening -B "$asan" -DCMAKE_BUILD_TYPE= \
    -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" >/dev/null &&
    cmake --build "$asan" -j2 >/dev/null || exit 1
pki=$root/$plain/pki
tests/hardening/gen_pki.sh "$pki" >/dev/null
export HARDENING_PKI=$pki
logs=target/soak-logs
mkdir -p "$logs"

run() { # name log command... ; returns the command's status
    local name=$1 log=$2 start=$SECONDS rc
    shift 2
    echo "== $name"
    "$@" > "$log" 2>&1
    rc=$?
    tail -3 "$log" | sed 's/^/   /'
    echo "   ($((SECONDS - start)) s, log $log)"
    return $rc
}

# 1. LSan soak
export HARDENING_TLS_SERVER=$root/$asan/hardening_tls_server
if run "LSan soak: $cycles cycles (ASan+UBSan)" "$logs/lsan-soak.log" \
    env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$asan/hardening_soak" "$cycles"; then
    phase "lsan-soak-$cycles" PASS "$(grep -E '^[0-9]+ cycles' "$logs/lsan-soak.log")"
else
    phase "lsan-soak-$cycles" FAIL "see $logs/lsan-soak.log"
fi

# 2. valgrind memcheck soak (hashbrown tables held by statics show up as "possibly lost" through
#    interior pointers: reported, not counted)
export HARDENING_TLS_SERVER=$root/$plain/hardening_tls_server
if command -v valgrind >/dev/null; then
    if run "valgrind memcheck soak: 200 cycles" "$logs/valgrind-soak.log" \
        valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$plain/hardening_soak" 200; then
        phase valgrind-soak-200 PASS "$(grep -E 'ERROR SUMMARY' "$logs/valgrind-soak.log" | sed 's/==[0-9]*== //')"
    else
        phase valgrind-soak-200 FAIL "$(grep -E 'ERROR SUMMARY' "$logs/valgrind-soak.log" | sed 's/==[0-9]*== //'); see $logs/valgrind-soak.log"
    fi
else
    phase valgrind-soak-200 SKIP "valgrind not installed"
fi

# 3. concurrency, three builds of the test program
if run "concurrency 8x50 (plain)" "$logs/conc-plain.log" "$plain/hardening_concurrency" 8 50; then
    phase concurrency-8x50 PASS "$(grep -E 'threads x' "$logs/conc-plain.log")"
else
    phase concurrency-8x50 FAIL "see $logs/conc-plain.log"
fi
if HARDENING_TLS_SERVER=$root/$asan/hardening_tls_server run "concurrency 8x50 (ASan+UBSan)" "$logs/conc-asan.log" \
    env ASAN_OPTIONS=detect_leaks=1 "$asan/hardening_concurrency" 8 50; then
    phase concurrency-8x50-asan PASS "$(grep -E 'threads x' "$logs/conc-asan.log")"
else
    phase concurrency-8x50-asan FAIL "see $logs/conc-asan.log"
fi
if [ -x "$plain/hardening_concurrency_tsan" ]; then
    if run "concurrency 8x50 (TSan on the test program)" "$logs/conc-tsan.log" \
        env TSAN_OPTIONS=halt_on_error=1:ignore_noninstrumented_modules=1 "$plain/hardening_concurrency_tsan" 8 50; then
        phase concurrency-8x50-tsan-app PASS "$(grep -E 'threads x' "$logs/conc-tsan.log")"
    else
        phase concurrency-8x50-tsan-app FAIL "see $logs/conc-tsan.log"
    fi
fi

# 4. the library itself under ThreadSanitizer: Rust with -Zsanitizer=thread and -Zbuild-std (so the
#    standard library's Arc/Mutex are instrumented too; without it they give false reports), mbedtls
#    with -fsanitize=thread. Needs a nightly toolchain with rust-src.
nightly_src=$(rustc +nightly --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library
if [ -d "$nightly_src" ]; then
    echo "== building libqlssl with ThreadSanitizer (nightly, -Zbuild-std, target/tsan-std; a few minutes)"
    tsan_dir=target/tsan-std
    tsan_lib=$tsan_dir/x86_64-unknown-linux-gnu/release/libqlssl.a
    if RUSTFLAGS="-Zsanitizer=thread -Cforce-frame-pointers=yes" CFLAGS="-fsanitize=thread -g" \
        cargo +nightly build -Zbuild-std --release -q --lib --target x86_64-unknown-linux-gnu \
        --target-dir "$tsan_dir" > "$logs/tsan-build.log" 2>&1 &&
        cc -c -O1 -o "$tsan_dir/tsan_mem_shim.o" tests/hardening/tsan_mem_shim.c >> "$logs/tsan-build.log" 2>&1 &&
        cc -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fsanitize=thread -Iinclude -Itests/common \
            tests/hardening/concurrency.c tests/hardening/hsupport.c tests/common/qlssl_test.c \
            "$tsan_dir/tsan_mem_shim.o" "$tsan_lib" \
            -lpthread -ldl -lm -o "$tsan_dir/hardening_concurrency_tsanlib" >> "$logs/tsan-build.log" 2>&1; then
        # Races on first use depend on scheduling: three runs (a few seconds each).
        tsan_ok=1
        for i in 1 2 3; do
            run "concurrency 8x50 (TSan-instrumented library), run $i/3" "$logs/conc-tsanlib-$i.log" \
                env TSAN_OPTIONS="halt_on_error=0 exitcode=66 suppressions=$root/tests/hardening/tsan.supp" \
                "$tsan_dir/hardening_concurrency_tsanlib" 8 50 || tsan_ok=0
        done
        if [ "$tsan_ok" = 1 ]; then
            phase concurrency-8x50-tsan-lib PASS "3 runs, $(grep -hE 'threads x' "$logs"/conc-tsanlib-1.log)"
        else
            phase concurrency-8x50-tsan-lib FAIL "$(grep -hE '^SUMMARY' "$logs"/conc-tsanlib-*.log | sed 's/.*library\///; s/:[0-9]* in / in /' | sort -u | tr '\n' ';') see $logs/conc-tsanlib-*.log"
        fi
    else
        phase concurrency-8x50-tsan-lib FAIL "build failed, see $logs/tsan-build.log"
    fi
else
    phase concurrency-8x50-tsan-lib SKIP "needs nightly + rust-src (rustup component add rust-src --toolchain nightly)"
fi

# 5. helgrind (informative)
if command -v valgrind >/dev/null; then
    run "helgrind 2x5 (informative)" "$logs/helgrind.log" valgrind --tool=helgrind "$plain/hardening_concurrency" 2 5
    n=$(grep -c 'Possible data race' "$logs/helgrind.log")
    # Reports whose racing access is in the test program itself (not inside libqlssl).
    outside=$(grep -A1 'Possible data race' "$logs/helgrind.log" | grep -E ' at 0x' | grep -cE 'concurrency\.c|hsupport\.c')
    phase helgrind-2x5 INFO "$n possible-race reports, $outside of them in the test program's own code"
fi

echo "== summary"
printf '%s\n' "${results[@]}"
exit "$failed"
