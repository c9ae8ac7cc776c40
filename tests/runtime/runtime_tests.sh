#!/usr/bin/env bash
# Tests of the qlssl SDK host runtime (runtime/, include/ compat headers, qlrt-run, qlssl-server).
#
#   tests/runtime/runtime_tests.sh [all|unit|unit-asan|demo|demo-asan|demo-negative|refused|timeout|osi|osi-asan|osi-fail|
#                                   verdict|verdict-expect|verdict-strict|verdict-asan|nw-unit|nw-unit-asan|
#                                   nw-state|fault-datacall|fault-netloss|fault-register|fault-dns|
#                                   fault-reset|fault-negative]...
#
# Needs: target/release/libqlssl.so (cargo build --release), cc, make, cargo (the test server
# is built on first use), and for `refused` (and `unit`) root's `unshare -n` + `ip`, and strace.
# Every network peer is on loopback inside this machine; `refused` runs in a network namespace
# of its own that has only a loopback interface.
# Prints one line per test and ends with "N passed, M failed"; exit status 0 only if all passed.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/runtime/qlrt-run"
DEMO="$ROOT/c_examples/ssl_demo.c"
DEMO_MAP='www.baidu.com:443=@https,220.180.239.212:8252=@dtls'
# What the demo's 100 rounds make (head of c_examples/ssl_demo.c), as the server must count it.
DEMO_EXPECT='https_handshakes=266,http_200=266,https_resumed=132,https_hs_failed=0,dtls_handshakes=2,dtls_echoes=2,dtls_hs_failed=0'
WORK="$(mktemp -d "${TMPDIR:-/tmp}/qlrt-tests.XXXXXX")"
[ -n "${QLRT_TESTS_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0
FAILED_NAMES=""

log() { echo "runtime_tests: $*"; }

# expect FILE REGEX DESCRIPTION: the output must contain a line matching REGEX.
expect() {
    if ! grep -Eq -- "$2" "$1"; then
        log "  missing: $3 (/$2/)"
        return 1
    fi
}
# forbid FILE REGEX DESCRIPTION
forbid() {
    if grep -Eq -- "$2" "$1"; then
        log "  unexpected: $3:"
        grep -E -- "$2" "$1" | head -5 | sed 's/^/    /'
        return 1
    fi
}
# stat FILE NAME: a number from the server's statistics line
stat_of() { sed -n "s/.*server stats:.* $2=\([0-9]*\).*/\1/p" "$1" | tail -1; }

# ensure_tool CMD PACKAGE: install PACKAGE with apt-get when CMD is missing and we are root
# (the refusal test needs strace, ip and unshare; CI machines start without strace).
ensure_tool() {
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing $2 (for $1)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" </dev/null >/dev/null 2>&1 ||
            { DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >/dev/null 2>&1 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" </dev/null >/dev/null 2>&1; }
    fi
    command -v "$1" >/dev/null 2>&1
}

in_netns() {
    # Run "$@" in a fresh network namespace with only loopback up.
    unshare -n -- bash -c 'ip link set lo up && exec "$@"' netns "$@"
}
netns_ok() { unshare -n -- true 2>/dev/null && command -v ip >/dev/null; }

run_test() {
    local name=$1 start end rc
    start=$(date +%s.%N)
    "test_$name" "" >"$WORK/$name.log" 2>&1
    rc=$?
    end=$(date +%s.%N)
    local secs
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    if [ $rc = 0 ]; then
        PASSED=$((PASSED + 1))
        log "PASS $name (${secs}s)"
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES="$FAILED_NAMES $name"
        log "FAIL $name (${secs}s); its output:"
        sed 's/^/    | /' "$WORK/$name.log" | tail -80
    fi
}

demo_checks() { # OUTPUT_FILE
    local out=$1 ok=0
    expect "$out" "summary: https 266/266 ok \\(blocking 68, non-blocking 33, session cache 165, resumed 132/132\\), dtls-psk 2/2 ok" \
        "the demo's success summary" || ok=1
    expect "$out" "qlrt: summary: result=OK exit=0 .*tasks_created=1 tasks_ended=1 tasks_running=0 errors=0 failures=0 refused=0" \
        "the runtime's OK summary" || ok=1
    expect "$out" "tcp connect www.baidu.com:443 \\(198\\.18\\.0\\.1:443\\) -> 127\\.0\\.0\\.1:" "the HTTPS remap log line" || ok=1
    expect "$out" "udp connect 220\\.180\\.239\\.212:8252 -> 127\\.0\\.0\\.1:" "the DTLS remap log line" || ok=1
    expect "$out" "dtls \\(QL_SSL_CONF_PSK\\): echo ok" "the DTLS echo with the older generation's PSK item" || ok=1
    expect "$out" "dtls \\(PSK_IDENTITY/PSK_KEY\\): echo ok" "the DTLS echo with PSK_IDENTITY/PSK_KEY" || ok=1
    expect "$out" "session cache \\(resumed\\): HTTP/1\\.0 200" "a resumed exchange" || ok=1
    expect "$out" "qlrt-run: exit status 0" "runner exit status 0" || ok=1
    # Every expectation held and no ql_ssl_* call failed (WANT_READ/WANT_WRITE are not failures).
    expect "$out" "qlrt-run: summary: result=OK exit=0 app_exit=0 checks=7/7 library_failures=0" "the runner's evidence summary" || ok=1
    # The server's own counts, checked here too so this test does not rest on the runner alone.
    [ "$(stat_of "$out" https_handshakes)" = 266 ] || { log "  server handshakes: $(stat_of "$out" https_handshakes), want 266"; ok=1; }
    [ "$(stat_of "$out" https_resumed)" = 132 ] || { log "  server resumed: $(stat_of "$out" https_resumed), want 132"; ok=1; }
    [ "$(stat_of "$out" http_200)" = 266 ] || { log "  server http_200: $(stat_of "$out" http_200), want 266"; ok=1; }
    [ "$(stat_of "$out" dtls_echoes)" = 2 ] || { log "  server dtls_echoes: $(stat_of "$out" dtls_echoes), want 2"; ok=1; }
    [ "$(stat_of "$out" dtls_hello_verify)" -ge 1 ] 2>/dev/null || { log "  no DTLS HelloVerifyRequest was exchanged"; ok=1; }
    [ "$(stat_of "$out" https_errors)" = "0" ] || { log "  server https_errors: $(stat_of "$out" https_errors)"; ok=1; }
    # The library's log hook reaches QL_LOG with tag qlssl (runtime/log.c): one INFO line per
    # handshake, matching the server's counts (266 TLS, 132 of them resumed, + 2 DTLS).
    local done resumed
    done=$(grep -Ec " I qlssl .* handshake done: (TLS|DTLS)v1\\.2, " "$out")
    resumed=$(grep -Ec " I qlssl .* handshake done: TLSv1\\.2, .*, session resumed$" "$out")
    [ "$done" = 268 ] && [ "$resumed" = 132 ] ||
        { log "  the library's log through QL_LOG: $done 'handshake done' lines ($resumed resumed), want 268 (132)"; ok=1; }
    return $ok
}

# The demo, unchanged, time-scaled: 100 rounds (266 TLS connections, 132 of them resumed) + two
# DTLS-PSK echoes, judged by the server's counts (--expect) and with no failed ql_ssl_* call (--strict).
test_demo() {
    local out="$WORK/demo.out" rc start
    # The demo must compile warning-free as the SDK header set + gnu99 sees it.
    cc -std=gnu99 -Wall -Wextra -Werror -I "$ROOT/include" -c "$DEMO" -o "$WORK/demo.o" || return 1
    start=$(date +%s)
    "$RUN" --strict --expect "$DEMO_EXPECT" --time-scale 100 --timeout 55 --cflags "-Werror" --map "$DEMO_MAP" \
        "$DEMO" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 0 ] || { log "  runner exit status $rc, want 0"; return 1; }
    [ $(($(date +%s) - start)) -lt 60 ] || { log "  took 60 s or more"; return 1; }
    demo_checks "$out"
}

# The same under AddressSanitizer + UBSan (+ LeakSanitizer at exit); the runtime is built with them too.
test_demo_asan() {
    local out="$WORK/demo-asan.out" rc
    "$RUN" --asan --app-leaks-fatal --strict --expect "$DEMO_EXPECT" --time-scale 100 --timeout 110 \
        --map "$DEMO_MAP" "$DEMO" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 0 ] || { log "  runner exit status $rc, want 0 (99 = ASan/LSan report, 98 = UBSan)"; return 1; }
    forbid "$out" "ERROR: (Address|Leak)Sanitizer|runtime error:" "a sanitizer report" || return 1
    expect "$out" "qlrt-run: summary: result=OK exit=0 .* leaks_library=0 leaks_app=0" "no leak of any side" || return 1
    demo_checks "$out"
}

# Negative control: the server expects another PSK identity, so the demo's DTLS leg fails and the
# run must be reported as failed (exit 1) - the success criterion can fail.
test_demo_negative() {
    local out="$WORK/demo-negative.out" rc
    "$RUN" --time-scale 100 --timeout 55 --cflags "-DDEMO_LOOPS=2" --server-arg=--psk-identity \
        --server-arg=someone_else --map "$DEMO_MAP" "$DEMO" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 1 ] || { log "  runner exit status $rc, want 1"; return 1; }
    expect "$out" "summary: https 7/7 ok .*dtls-psk 0/2 ok" "the demo's failure summary" || return 1
    expect "$out" "qlrt: summary: result=FAIL exit=1 " "the runtime's FAIL summary" || return 1
    [ "$(stat_of "$out" dtls_errors)" -ge 1 ] 2>/dev/null || { log "  the server saw no DTLS failure"; return 1; }
}

# Non-remapped public destinations are refused and never connected: a loopback-only network
# namespace, and strace proving no connect()/sendto() to those addresses was ever made.
test_refused() {
    local out="$WORK/refused.out" trace="$WORK/refused.trace" rc ok=0
    ensure_tool ip iproute2; ensure_tool unshare util-linux
    # Build the test server outside the namespace: cargo may need the registry.
    if [ ! -x "$ROOT/tools/qlssl-server/target/release/qlssl-server" ]; then
        (cd "$ROOT/tools/qlssl-server" && cargo build --release -j1) || { log "  qlssl-server build failed"; return 1; }
    fi
    netns_ok || { log "  needs 'unshare -n' (root) and 'ip' to run in a loopback-only namespace"; return 1; }
    ensure_tool strace strace || { log "  needs strace"; return 1; }
    in_netns "$RUN" --init refusal_app_init --timeout 30 --cflags "-Wextra -Werror" --map '198.51.100.7:443=@https' \
        --wrap "strace -f -qq -o $trace -e trace=connect,sendto,sendmsg,sendmmsg" \
        "$ROOT/tests/runtime/refusal_app.c" >"$out" 2>&1
    rc=$?
    cat "$out"
    echo "---- strace ----"
    cat "$trace" 2>/dev/null | head -50
    [ $rc = 3 ] || { log "  runner exit status $rc, want 3 (refused)"; ok=1; }
    expect "$out" "qlrt: summary: result=REFUSED exit=3 .* errors=0 failures=0 refused=5 " "5 refusals, no failure" || ok=1
    expect "$out" "REFUSED tcp connect to 93\\.184\\.216\\.34:443" "TCP refusal log" || ok=1
    expect "$out" "REFUSED tcp connect to 1\\.1\\.1\\.1:443" "non-blocking TCP refusal log" || ok=1
    expect "$out" "REFUSED udp sendto to 220\\.180\\.239\\.212:8252" "UDP sendto refusal log" || ok=1
    expect "$out" "REFUSED udp connect to 8\\.8\\.8\\.8:53" "UDP connect refusal log" || ok=1
    expect "$out" "REFUSED name lookup of 'unmapped\\.example\\.org'" "name refusal log" || ok=1
    expect "$out" "mapped 198\\.51\\.100\\.7:443 answered: HTTP/1\\.0 200 OK" "the mapped positive control" || ok=1
    # strace saw the mapped connection (so it was tracing) and nothing towards a public address.
    expect "$trace" 'connect\(.*inet_addr\("127\.0\.0\.1"\)' "the traced loopback connect" || ok=1
    forbid "$trace" '93\.184\.216\.34|1\.1\.1\.1|220\.180\.239\.212|8\.8\.8\.8|198\.51\.100\.7|198\.18\.' \
        "a syscall towards a public address" || ok=1
    if grep -E 'inet_addr\("' "$trace" | grep -vqE 'inet_addr\("127\.'; then
        log "  a syscall used a non-loopback IPv4 address:"; grep -E 'inet_addr\("' "$trace" | grep -vE 'inet_addr\("127\.' | head -3
        ok=1
    fi
    return $ok
}

# Runtime unit checks (headers, lwip_* over host sockets, remapping, tasks, time scale).
test_unit() {
    local out="$WORK/unit$1.out" rc
    local cmd=("$RUN" $1 --init rt_unit_init --timeout 30 --time-scale 20 --cflags "-Wextra -Werror"
        --map 'svc.example.net:7000=127.0.0.1:7777,192.0.2.10:9=127.0.0.1:7778' "$ROOT/tests/runtime/rt_unit.c")
    if netns_ok; then in_netns "${cmd[@]}" >"$out" 2>&1; else "${cmd[@]}" >"$out" 2>&1; fi
    rc=$?
    cat "$out"
    [ $rc = 0 ] || { log "  runner exit status $rc, want 0"; return 1; }
    expect "$out" "rt_unit: [0-9]+ checks passed" "the checks' completion line" || return 1
    expect "$out" "qlrt: summary: result=OK exit=0 .*tasks_created=4 tasks_ended=4 tasks_running=0 errors=0 failures=0 refused=0" \
        "the runtime's OK summary" || return 1
    forbid "$out" "ERROR: (Address|Leak)Sanitizer|runtime error:" "a sanitizer report" || return 1
}
# The same with the runtime and the checks built with ASan + UBSan.
test_unit_asan() { test_unit --asan; }

# A task that never ends: the runner gives up after QLRT_TIMEOUT and says so (exit 2).
test_timeout() {
    local out="$WORK/timeout.out" app="$WORK/hang.c" rc start
    cat >"$app" <<'EOF'
#include "ql_api_osi.h"
#include "ql_log.h"
static void hang(void *arg)
{
    int i;
    (void)arg;
    for (i = 0; i < 100000; i++)
        ql_rtos_task_sleep_ms(100);
}
int hang_init(void)
{
    ql_task_t t;
    QL_LOG(QL_LOG_LEVEL_INFO, "hang", "creating a task that does not end");
    return ql_rtos_task_create(&t, 4096, APP_PRIORITY_NORMAL, "hang", hang, 0, 0);
}
EOF
    start=$(date +%s)
    "$RUN" --init hang_init --timeout 2 --cflags "-Wextra -Werror" "$app" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 2 ] || { log "  runner exit status $rc, want 2"; return 1; }
    [ $(($(date +%s) - start)) -lt 20 ] || { log "  the timeout did not hold"; return 1; }
    expect "$out" "qlrt: summary: result=TIMEOUT exit=2 .*tasks_running=1" "the TIMEOUT summary" || return 1
    # --duration: an app whose tasks are meant to run forever ends after it, and that is no timeout.
    out="$WORK/duration.out"
    "$RUN" --init hang_init --duration 1 --timeout 20 --cflags "-Wextra -Werror" "$app" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 0 ] || { log "  --duration: runner exit status $rc, want 0"; return 1; }
    expect "$out" "QLRT_DURATION=1 s reached with 1 task\\(s\\) running" "the duration line" || return 1
    expect "$out" "qlrt: summary: result=OK exit=0 .*tasks_running=1 " "the OK summary with the task still running" || return 1
}

# ---- the runner's verdict: evidence, not the app's own word (tests/runtime/evidence_app.c never
# reports a failure itself; the runtime's own summary says OK in every case below).
EV_APP="$ROOT/tests/runtime/evidence_app.c"
EV_MAP='192.0.2.44:443=@https'
# ev_run NAME WANT_RC [runner options...] -- [extra files]: run evidence_app, check the exit status.
ev_run() {
    local name=$1 want=$2 rc
    shift 2
    local opts=() files=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    files=("$@")
    "$RUN" --init evidence_app_init --timeout 30 --map "$EV_MAP" "${opts[@]}" "$EV_APP" ${files[@]+"${files[@]}"} \
        >"$WORK/$name.out" 2>&1
    rc=$?
    sed "s/^/[$name] /" "$WORK/$name.out"
    [ "$rc" = "$want" ] || { log "  $name: runner exit status $rc, want $want"; return 1; }
    expect "$WORK/$name.out" "qlrt: summary: result=OK exit=0 " "$name: the runtime's own OK (the app reports nothing)"
}

# Handshakes that fail at the server make the run fail (exit 5) although the app says OK; the
# same run passes when --expect says that is what should happen.
test_verdict() {
    local ok=0
    ev_run plain 5 --cflags "-DEV_PLAINTEXT -Wextra -Werror" || ok=1
    expect "$WORK/plain.out" "check https_handshakes>=1: 0 FAIL \\(default rule" "no handshake at all" || ok=1
    expect "$WORK/plain.out" "check https_errors=0: [1-9][0-9]* FAIL|check https_hs_failed=0: [1-9][0-9]* FAIL" \
        "the failed handshake" || ok=1
    expect "$WORK/plain.out" "qlrt-run: summary: result=FAIL exit=5 app_exit=0 checks=0/2 library_failures=0" "the FAIL summary" || ok=1
    [ "$(stat_of "$WORK/plain.out" https_accepted)" = 1 ] || { log "  the server accepted no connection"; ok=1; }
    ev_run plain-expected 0 --cflags "-DEV_PLAINTEXT" --expect 'https_handshakes=0,https_accepted=1' || ok=1
    expect "$WORK/plain-expected.out" "check https_handshakes=0: 0 ok \\(--expect\\)" "the expectation met" || ok=1
    forbid "$WORK/plain-expected.out" "default rule: @https" "the default rule despite an https_ expectation" || ok=1
    # The positive control: a real handshake and HTTP 200 pass the default rule.
    ev_run good 0 --cflags "-Wextra -Werror" || ok=1
    expect "$WORK/good.out" "check https_handshakes>=1: 1 ok" "one handshake counted" || ok=1
    expect "$WORK/good.out" "qlrt-run: summary: result=OK exit=0 app_exit=0 checks=2/2 library_failures=0" "the OK summary" || ok=1
    [ "$(stat_of "$WORK/good.out" http_200)" = 1 ] || { log "  server http_200 is not 1"; ok=1; }
    return $ok
}

# --expect: every named key is checked; a mismatch or a key the server does not count fails.
test_verdict_expect() {
    local ok=0
    ev_run expect-match 0 --expect 'https_handshakes=1,http_200>=1' --expect 'https_errors<=0' || ok=1
    expect "$WORK/expect-match.out" "checks=3/3 " "three expectations met" || ok=1
    ev_run expect-mismatch 5 --expect 'https_handshakes=2' || ok=1
    expect "$WORK/expect-mismatch.out" "check https_handshakes=2: 1 FAIL \\(--expect\\)" "the mismatch" || ok=1
    ev_run expect-absent 5 --expect 'http_200=1,no_such_count>=0' || ok=1
    expect "$WORK/expect-absent.out" "check no_such_count>=0: not in the server's stats FAIL" "the absent key" || ok=1
    "$RUN" --init evidence_app_init --map "$EV_MAP" --expect 'https_handshakes==1' "$EV_APP" >"$WORK/expect-bad.out" 2>&1
    [ $? = 4 ] || { log "  a malformed --expect must be a setup error (4)"; ok=1; }
    return $ok
}

# A library-side failure (the second ql_ssl_free of one context) is shown from QLSSL_ERROR_LOG,
# and fails the run only with --strict.
test_verdict_strict() {
    local ok=0
    ev_run liberr 0 --cflags "-DEV_LIB_ERROR" || ok=1
    expect "$WORK/liberr.out" "library failures: 1 ql_ssl_\\* call" "the failure count" || ok=1
    expect "$WORK/liberr.out" "^qlrt-run: +1 ql_ssl_free -3 QL_SSL_ERROR_INVALID_PARAM$" "count per function and code" || ok=1
    expect "$WORK/liberr.out" "^qlrt-run:   \\| ql_ssl_free -3 QL_SSL_ERROR_INVALID_PARAM handle is NULL, unknown, stale or already freed" \
        "the log line verbatim" || ok=1
    ev_run liberr-strict 5 --strict --cflags "-DEV_LIB_ERROR" || ok=1
    expect "$WORK/liberr-strict.out" "summary: result=FAIL exit=5 .*1 library-side failure\\(s\\) \\(--strict\\)" "the strict verdict" || ok=1
    ev_run good-strict 0 --strict || ok=1
    return $ok
}

# --asan: LeakSanitizer's leaks are attributed by the module that allocated them. An app leak is
# reported, not fatal (unless --app-leaks-fatal); a leak allocated in a libqlssl* library fails.
test_verdict_asan() {
    local ok=0 probe="$WORK/libqlssl-leakprobe.so"
    cc -shared -fPIC -g -O1 -fno-omit-frame-pointer -o "$probe" "$ROOT/tests/runtime/leakprobe.c" || return 1
    ev_run asan-appleak 0 --asan --cflags "-DEV_APP_LEAK" || ok=1
    expect "$WORK/asan-appleak.out" "summary: result=OK exit=0 .* leaks_library=0 leaks_app=1$" "one app leak, reported" || ok=1
    expect "$WORK/asan-appleak.out" "#1 .* in evidence_task .*evidence_app\\.c" "the app leak's stack" || ok=1
    ev_run asan-appleak-fatal 99 --asan --app-leaks-fatal --cflags "-DEV_APP_LEAK" || ok=1
    ev_run asan-libleak 99 --asan --cflags "-DEV_PROBE_LEAK" -- "$probe" || ok=1
    expect "$WORK/asan-libleak.out" "summary: result=FAIL exit=99 .* leaks_library=1 leaks_app=0 \\(1 library-side leak" \
        "the library-side leak verdict" || ok=1
    expect "$WORK/asan-libleak.out" "#1 .* in qlssl_leakprobe_leak .*\\{.*libqlssl-leakprobe\\.so\\}" "the library leak's stack" || ok=1
    return $ok
}

# ---- the OSI and log APIs (tests/runtime/osi_unit.c): every family, at time scale 10.
OSI_UNIT="$ROOT/tests/runtime/osi_unit.c"
osi_checks() { # OUTPUT_FILE
    local out=$1 ok=0 w
    expect "$out" "osi_unit: [0-9]+ checks passed" "the checks' completion line" || ok=1
    [ "$(sed -n 's/.*osi_unit: \([0-9]*\) checks passed.*/\1/p' "$out")" -ge 170 ] 2>/dev/null ||
        { log "  fewer than 170 checks ran"; ok=1; }
    expect "$out" "qlrt: summary: result=OK exit=0 .*tasks_created=18 tasks_ended=18 tasks_running=0 errors=0 failures=0" \
        "the runtime's OK summary, every task ended" || ok=1
    expect "$out" "priority NORMAL vs LOW on one core: .* ratio" "the priority measurement" || ok=1
    # printf is a log line (the SDK's macro); ql_quec_trace_enable(false) silences the app's lines.
    expect "$out" "I QOPN .* osi_unit: printf is a QOPN log line 42$" "printf as a QOPN log line" || ok=1
    expect "$out" "I QOSI .* osi_unit: tagged line" "QL_LOG_PRINTF_TAG's tag" || ok=1
    forbid "$out" "MUTED-LINE" "a line logged while ql_quec_trace_enable(false)" || ok=1
    # Each call without host meaning warns exactly once, however often it is called.
    for w in "ql_log_set_port: " "ql_log_pcap_set: " "ql_log_pcap_get_from_nv: " "ql_log_set_trace_max_size: " \
        "ql_log_set_fs_trace_opt: " "ql_fs_trace_init: " "ql_rtos_exit_critical\\(0\\): not the innermost" \
        "ql_rtos_mutex_lock: task .* locks a mutex it holds"; do
        [ "$(grep -Ec " W qlrt .*$w" "$out")" = 1 ] || { log "  want exactly one WARN line /$w/"; ok=1; }
    done
    forbid "$out" "ERROR: (Address|Leak)Sanitizer|runtime error:" "a sanitizer report" || ok=1
    return $ok
}
test_osi() {
    local out="$WORK/osi${1:+-asan}.out" rc
    "$RUN" $1 --init osi_unit_init --timeout 60 --time-scale 10 --cflags "-Wextra -Werror" "$OSI_UNIT" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 0 ] || { log "  runner exit status $rc, want 0"; return 1; }
    osi_checks "$out"
}
# The same under ASan + UBSan, leaks of every side fatal.
test_osi_asan() { test_osi "--asan --app-leaks-fatal"; }
# Negative controls: a watchdog nobody feeds ends the run as the module would restart (exit 1),
# and ql_assert() aborts (128 + SIGABRT).
test_osi_fail() {
    local out="$WORK/osi-dog.out" rc ok=0
    "$RUN" --init osi_unit_init --timeout 60 --time-scale 10 --cflags "-DOSI_DOG_EXPIRE" "$OSI_UNIT" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 1 ] || { log "  watchdog: runner exit status $rc, want 1"; ok=1; }
    expect "$out" "E qlrt .*software watchdog: 3 periods \\(20 ms each, host time\\) without ql_rtos_feed_dog\\(\\)" \
        "the watchdog's ERROR line" || ok=1
    expect "$out" "run stopped early: software watchdog expired" "the early stop" || ok=1
    expect "$out" "qlrt: summary: result=FAIL exit=1 " "the FAIL summary" || ok=1
    forbid "$out" "the watchdog did not end the run|checks passed" "the run going on after the watchdog" || ok=1
    out="$WORK/osi-assert.out"
    "$RUN" --init osi_unit_init --timeout 60 --time-scale 10 --cflags "-DOSI_ASSERT" "$OSI_UNIT" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 134 ] || { log "  ql_assert: runner exit status $rc, want 134 (SIGABRT)"; ok=1; }
    expect "$out" "E qlrt .*ql_assert\\(\\) called by task 'osi_unit_main_ta'" "the assertion's ERROR line" || ok=1
    return $ok
}

# ---- data call, network, sockets, faults (docs/RUNTIME.md, "Data call, network, sockets, faults")

# All 21 data call and 35 ql_nw_* functions, lwIP's fd_set, netdb and the socket extras
# (tests/runtime/nw_unit.c), against the default simulated network.
test_nw_unit() {
    local out="$WORK/nw-unit$1.out" rc
    "$RUN" $1 --init nw_unit_init --timeout 30 --time-scale 20 --cflags "-Wextra -Werror" \
        --map 'svc.example.net:7000=127.0.0.1:7777' "$ROOT/tests/runtime/nw_unit.c" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 0 ] || { log "  runner exit status $rc, want 0"; return 1; }
    expect "$out" "nw_unit: [0-9]+ checks passed, 56 functions called" "the checks' completion line" || return 1
    expect "$out" "qlrt: summary: result=OK exit=0 .*tasks_ended=1 tasks_running=0 errors=0 failures=0 refused=0" \
        "the runtime's OK summary" || return 1
    # the calls without host meaning said so, once per group
    [ "$(grep -c 'has no meaning on the host' "$out")" = 3 ] || { log "  want 3 WARN lines (NAT, fence, TAU)"; return 1; }
    forbid "$out" "ERROR: (Address|Leak)Sanitizer|runtime error:" "a sanitizer report" || return 1
}
test_nw_unit_asan() { test_nw_unit --asan; }

# The simulated state's knobs: $QLRT_NW_FILE then $QLRT_NW (qlrt-run --nw); a bad value is an ERROR.
test_nw_state() {
    local out="$WORK/nw-state.out" app="$WORK/nw_state.c" rc ok=0
    cat >"$app" <<'EOF'
#include "ql_api_osi.h"
#include "ql_api_nw.h"
#include "ql_log.h"
static void t(void *arg)
{
    unsigned char csq = 0;
    ql_nw_reg_status_info_s reg;
    ql_nw_signal_strength_info_s sig;
    ql_nw_operator_info_s op;
    ql_nw_cause_s cause;
    (void)arg;
    ql_nw_get_csq(0, &csq);
    ql_nw_get_reg_status(0, &reg);
    ql_nw_get_signal_strength(0, &sig);
    ql_nw_get_emm_gmm_cause(&cause);
    QL_LOG(QL_LOG_LEVEL_INFO, "st", "state csq=%d reg=%d act=%d rsrp=%d oper_rc=0x%x cause=%d/%d", csq,
           (int)reg.data_reg.state, (int)reg.data_reg.act, sig.rsrp, (unsigned)ql_nw_get_operator_name(0, &op),
           (int)cause.causeId, cause.causeDetail);
    {
        uint32 t0 = ql_rtos_get_system_tick();
        unsigned rc = (unsigned)ql_network_register_wait(0, 3);
        QL_LOG(QL_LOG_LEVEL_INFO, "st", "wait rc=0x%x after %u ms; start rc=0x%x", rc,
               (unsigned)(ql_rtos_get_system_tick() - t0),
               (unsigned)ql_start_data_call(0, 1, QL_PDP_TYPE_IP, "apn", NULL, NULL, 0));
    }
    ql_rtos_task_delete(NULL);
}
int st_init(void)
{
    ql_task_t h;
    return ql_rtos_task_create(&h, 8192, APP_PRIORITY_NORMAL, "st", t, 0, 0);
}
EOF
    printf '# a file of the network state\ncsq=10\nrsrp=-110\nact=gsm\n' >"$WORK/nw.conf"
    QLRT_NW_FILE="$WORK/nw.conf" "$RUN" --init st_init --timeout 20 --time-scale 10 --nw 'reg=denied,reject=12' \
        --cflags "-Wextra -Werror" "$app" >"$out" 2>&1
    rc=$?
    cat "$out"
    [ $rc = 0 ] || { log "  runner exit status $rc, want 0"; ok=1; }
    # denied: not registered, so no operator; GSM from the file, the reject cause from QLRT_NW
    expect "$out" "state csq=10 reg=3 act=0 rsrp=255 oper_rc=0x86000008 cause=2/12" "the configured state" || ok=1
    # 3 s of application time at time scale 10: about 300 ms, then NW_REGISTER_TIMEOUT; no data call
    expect "$out" "wait rc=0x86010004 after (2[5-9][0-9]|3[0-9][0-9]|4[0-9][0-9]) ms; start rc=0x8601000e" \
        "the registration wait timing out (scaled) and the data call refused" || ok=1
    "$RUN" --init st_init --timeout 20 --nw 'reg=sideways' "$app" >"$WORK/nw-state-bad.out" 2>&1
    rc=$?
    cat "$WORK/nw-state-bad.out"
    [ $rc = 1 ] || { log "  a bad QLRT_NW value: exit $rc, want 1"; ok=1; }
    expect "$WORK/nw-state-bad.out" "QLRT_NW: bad value 'sideways' for reg" "the bad value named" || ok=1
    return $ok
}

# fault_run NAME EXPECT_RC QLRT-RUN-OPTIONS...: tests/runtime/fault_app.c against
# tests/runtime/echo_peer.py (started and stopped here); output in $WORK/NAME.out, the peer's
# stats in $WORK/NAME.peer.
fault_run() {
    local name=$1 want=$2 out="$WORK/$1.out" rc port pp i
    shift 2
    rm -f "$WORK/$name.port"
    python3 "$ROOT/tests/runtime/echo_peer.py" --port-file "$WORK/$name.port" --stats-file "$WORK/$name.peer" \
        --conns 20 --echoes 0 --max-seconds 90 >"$WORK/$name.peer.out" 2>&1 &
    pp=$!
    for i in $(seq 1 100); do [ -s "$WORK/$name.port" ] && break; sleep 0.05; done
    port=$(cat "$WORK/$name.port" 2>/dev/null)
    if [ -z "$port" ]; then
        kill "$pp" 2>/dev/null; wait "$pp" 2>/dev/null
        log "  the echo peer did not start"; return 1
    fi
    "$RUN" --init fault_app_init --timeout 60 --time-scale 10 --cflags "-Wextra -Werror" \
        --map "echo.example.net:7100=127.0.0.1:$port" "$@" "$ROOT/tests/runtime/fault_app.c" >"$out" 2>&1
    rc=$?
    kill "$pp" 2>/dev/null
    wait "$pp" 2>/dev/null
    cat "$out" "$WORK/$name.peer.out"
    [ "$rc" = "$want" ] || { log "  runner exit status $rc, want $want"; return 1; }
}
# app_stat NAME KEY: a count from the app's "fault_app: ..." line; peer_stat NAME KEY: from the peer's
app_stat() { sed -n "s/.*fault_app: .*\\b$2=\\([0-9]*\\).*/\\1/p" "$WORK/$1.out" | tail -1; }
peer_stat() { sed -n "s/.*\\b$2=\\([0-9]*\\).*/\\1/p" "$WORK/$1.peer" | tail -1; }
# ge NAME app|peer KEY MIN
ge() {
    local v
    if [ "$2" = app ]; then v=$(app_stat "$1" "$3"); else v=$(peer_stat "$1" "$3"); fi
    [ -n "$v" ] && [ "$v" -ge "$4" ] || { log "  $2 $3=${v:-missing}, want >= $4"; return 1; }
}
fault_common() { # NAME FAULT-LINE-REGEX
    local ok=0
    expect "$WORK/$1.out" "fault_app: done=40 " "all 40 exchanges completed" || ok=1
    expect "$WORK/$1.out" "qlrt: faults: scheduled=[0-9]+ fired=[0-9]+$" "the fault account" || ok=1
    forbid "$WORK/$1.out" "not_fired=" "a fault that did not fire" || ok=1
    expect "$WORK/$1.out" "$2" "the fault's log line" || ok=1
    ge "$1" peer echoed 40 || ok=1
    return $ok
}

# The network deactivates the data call: QUEC_DATACALL_PDP_DEACTIVE_IND, the TCP connection is
# reset (the peer sees a RST), no route until the app restarts the call; the app recovers.
test_fault_datacall() {
    local ok=0
    fault_run fault-datacall 0 --fault 'datacall_drop@1.5s' || return 1
    fault_common fault-datacall "FAULT datacall_drop@1.5s: 1 data call\\(s\\) deactivated by the network" || ok=1
    ge fault-datacall app pdp_deactive 1 || ok=1
    ge fault-datacall app starts 2 || ok=1
    ge fault-datacall app connects 2 || ok=1
    ge fault-datacall peer reset 1 || ok=1
    return $ok
}

# Network loss and recovery: REG_STATUS callbacks (lost, back), the call dropped, the app waits
# with ql_network_register_wait, restarts the call and reconnects.
test_fault_netloss() {
    local ok=0
    fault_run fault-netloss 0 --fault 'net_loss@1.5s+1s' || return 1
    fault_common fault-netloss "FAULT net_loss@1.5s\\+1s: network lost" || ok=1
    expect "$WORK/fault-netloss.out" "FAULT net_loss@1.5s\\+1s: network back" "the recovery" || ok=1
    ge fault-netloss app reg_inds 2 || ok=1
    ge fault-netloss app reg_lost 1 || ok=1
    ge fault-netloss app register_waits 1 || ok=1
    ge fault-netloss app pdp_deactive 1 || ok=1
    ge fault-netloss app connects 2 || ok=1
    ge fault-netloss peer reset 1 || ok=1
    return $ok
}

# Registration comes late: the app starts unregistered (--nw reg=searching) and waits for it.
test_fault_register() {
    local ok=0
    fault_run fault-register 0 --nw 'reg=searching' --fault 'net_back@1s' || return 1
    fault_common fault-register "FAULT net_back@1s: network back" || ok=1
    ge fault-register app register_waits 1 || ok=1
    ge fault-register app reg_inds 1 || ok=1
    return $ok
}

# DNS failure for a while: lookups fail (EAI_FAIL), the app retries until they work again.
test_fault_dns() {
    local ok=0
    fault_run fault-dns 0 --fault 'dns_fail@0s+1s' || return 1
    fault_common fault-dns "FAULT dns_fail@0s\\+1s: name lookups work again" || ok=1
    ge fault-dns app dns_failures 1 || ok=1
    return $ok
}

# Connection reset: the app's next call sees ECONNRESET, the peer a RST; the app reconnects.
test_fault_reset() {
    local ok=0
    fault_run fault-reset 0 --fault 'sock_reset@1.5s' || return 1
    fault_common fault-reset "FAULT sock_reset@1.5s: 1 TCP connection\\(s\\) reset" || ok=1
    ge fault-reset app resets 1 || ok=1
    ge fault-reset app connects 2 || ok=1
    ge fault-reset peer reset 1 || ok=1
    return $ok
}

# A network that never comes back: the app cannot complete and the run says so (timeout, 2);
# a malformed --fault is a setup error (4) before the app runs.
test_fault_negative() {
    local ok=0 rc
    fault_run fault-never 2 --timeout 4 --fault 'net_loss@1.5s' || ok=1
    forbid "$WORK/fault-never.out" "fault_app: done=40 " "completion without a network" || ok=1
    "$RUN" --init fault_app_init --fault 'datacall_drop@soon' "$ROOT/tests/runtime/fault_app.c" >"$WORK/fault-bad.out" 2>&1
    rc=$?
    cat "$WORK/fault-bad.out"
    [ $rc = 4 ] || { log "  a bad --fault: exit $rc, want 4"; ok=1; }
    expect "$WORK/fault-bad.out" "QLRT_FAULTS: bad item 'datacall_drop@soon'" "the bad item named" || ok=1
    return $ok
}

TESTS=("$@")
[ ${#TESTS[@]} -eq 0 ] && TESTS=(all)
[ "${TESTS[0]}" = all ] && TESTS=(unit unit-asan timeout refused demo demo-negative demo-asan verdict verdict-expect
    verdict-strict verdict-asan osi osi-asan osi-fail nw-unit nw-unit-asan nw-state fault-datacall fault-netloss
    fault-register fault-dns fault-reset fault-negative)
[ -f "$ROOT/target/release/libqlssl.so" ] || { log "target/release/libqlssl.so missing: run cargo build --release"; exit 1; }
for t in "${TESTS[@]}"; do
    case "$t" in
    unit|unit-asan|timeout|refused|demo|demo-negative|demo-asan|verdict|verdict-expect|verdict-strict|verdict-asan|\
        osi|osi-asan|osi-fail|nw-unit|nw-unit-asan|nw-state|fault-datacall|fault-netloss|fault-register|fault-dns|\
        fault-reset|fault-negative)
        run_test "${t//-/_}" ;;
    *) log "unknown test '$t'"; FAILED=$((FAILED + 1)) ;;
    esac
done
[ $FAILED = 0 ] || log "failed:$FAILED_NAMES"
echo "$PASSED passed, $FAILED failed"
[ $FAILED = 0 ]
