#!/usr/bin/env bash
# Fuzz libqlssl for a bounded time (cargo-fuzz / libFuzzer + AddressSanitizer; see docs/HARDENING.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   run each target SECONDS (default 120) after replaying
#                                           its committed corpus and crash regressions
#   scripts/fuzz.sh --replay                only replay fuzz/corpus/* and fuzz/regressions/* (no fuzzing)
# Targets: at_parser conf_api hostile_handshake hostile_records (default: all).
# Environment: QLSSL_FUZZ_STRUCT_COPY=1 lets conf_api copy config structs by value (finds a known
#   open defect at once, see docs/HARDENING.md); FUZZ_JOBS (default 1) parallel fuzzing jobs.
# Needs a nightly toolchain (rustup toolchain install nightly) and cargo-fuzz (installed from
# crates.io if missing) and clang. The C code (mbedtls, the shim) is built with ASan and
# sanitizer coverage too, so libFuzzer is guided by mbedtls's parsers as well.
# Writes: fuzz/corpus-run/<target> (the growing corpus, not committed), fuzz/artifacts/<target>
# (crashes), target/fuzz-summary.txt. Exit status 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=120
replay_only=0
targets=()
for a in "$@"; do
    case $a in
        --replay) replay_only=1 ;;
        [0-9]*) seconds=$a ;;
        *) targets+=("$a") ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(at_parser conf_api hostile_handshake hostile_records)

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz (crates.io)"
    cargo install cargo-fuzz --locked
fi
command -v clang >/dev/null || { echo "fuzz: needs clang" >&2; exit 2; }

# Instrument the C parts (mbedtls via cmake, the variadic shim via cc) like the Rust code.
export CC=clang
export CFLAGS="-fsanitize=address -fsanitize-coverage=inline-8bit-counters,pc-table,trace-cmp -g"
export CARGO_BUILD_JOBS=2
echo "== building the fuzz targets (cargo +nightly fuzz build -O)"
mkdir -p target
if ! cargo +nightly fuzz build -O > target/fuzz-build.log 2>&1; then
    tail -30 target/fuzz-build.log
    exit 2
fi
bin=fuzz/target/x86_64-unknown-linux-gnu/release

summary=target/fuzz-summary.txt
mkdir -p target
: > "$summary"
failed=0
for t in "${targets[@]}"; do
    exe=$bin/$t
    [ -x "$exe" ] || { echo "fuzz: no target $t" >&2; exit 2; }
    artifacts=$root/fuzz/artifacts/$t/
    mkdir -p "$artifacts" "fuzz/corpus-run/$t"
    # 1. Regressions: every saved crash input must now run clean (a directory per target; inputs
    #    needing QLSSL_FUZZ_STRUCT_COPY=1 live in <target>_struct_copy and are replayed only then).
    regress=()
    for d in "fuzz/regressions/$t" "fuzz/corpus/$t"; do
        [ -d "$d" ] && regress+=("$d")
    done
    if [ "${QLSSL_FUZZ_STRUCT_COPY:-0}" = 1 ] && [ -d "fuzz/regressions/${t}_struct_copy" ]; then
        regress+=("fuzz/regressions/${t}_struct_copy")
    fi
    files=()
    for d in "${regress[@]}"; do
        while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$d" -type f ! -name '*.md' -print0)
    done
    if [ ${#files[@]} -gt 0 ]; then
        echo "== $t: replaying ${#files[@]} corpus/regression inputs"
        if ! "$exe" -runs=1 -artifact_prefix="$artifacts" "${files[@]}" > "target/fuzz-$t-replay.log" 2>&1; then
            echo "   REPLAY FAILED (target/fuzz-$t-replay.log)"
            grep -E "panicked|ERROR: AddressSanitizer|SUMMARY" "target/fuzz-$t-replay.log" | head -5
            echo "$t: replay of committed inputs FAILED" >> "$summary"
            failed=1
            continue
        fi
    fi
    [ "$replay_only" = 1 ] && { echo "$t: replay ok (${#files[@]} inputs)" >> "$summary"; continue; }

    # 2. Fuzz for a bounded time.
    echo "== $t: fuzzing for $seconds s"
    before=$(find "$artifacts" -type f | wc -l)
    log=target/fuzz-$t.log
    set +e
    "$exe" "fuzz/corpus-run/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$artifacts" -rss_limit_mb=3072 -timeout=20 -max_len=65536 \
        ${FUZZ_JOBS:+-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS} > "$log" 2>&1
    rc=$?
    set -e
    after=$(find "$artifacts" -type f | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    line="$t: ${execs:-?} executions in $seconds s (${rate:-?}/s), $cov, corpus $(ls "fuzz/corpus-run/$t" | wc -l) inputs, new crashes: $((after - before)), exit $rc"
    echo "   $line"
    echo "$line" >> "$summary"
    if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
        failed=1
        grep -E "panicked|ERROR: AddressSanitizer|ERROR: LeakSanitizer|SUMMARY|Test unit written" "$log" | head -6
        echo "   reproduce: $exe <artifact>; minimize: cargo +nightly fuzz tmin -O $t <artifact>;"
        echo "   then keep the minimized input in fuzz/regressions/$t/ (replayed by every run)"
    fi
done
echo "== summary ($summary)"
cat "$summary"
exit "$failed"
