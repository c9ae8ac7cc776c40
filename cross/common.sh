# shellcheck shell=bash
# Shared helpers of scripts/cross.sh and cross/baremetal/build.sh (sourced, not run).
# Expects ROOT (the repository root) to be set.

. "$ROOT/cross/versions.env"

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
fi

log() { printf '[cross] %s\n' "$*"; }
die() { printf '[cross] ERROR: %s\n' "$*" >&2; exit 1; }

# Installed version of a package (arch-qualified names allowed), or nothing.
pkg_version() {
    dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null | awk '$1=="ii"{print $2}'
}

APT_UPDATED=0
apt_install() { # packages (name or name=version)...
    [ $# -gt 0 ] || return 0
    [ "$(id -u)" -eq 0 ] || [ ${#SUDO[@]} -gt 0 ] || die "missing packages $*: run as root or install them"
    if [ "$APT_UPDATED" -eq 0 ]; then
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q </dev/null
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install \
        -y -q --no-install-recommends --allow-downgrades "$@" </dev/null; then
        die "apt-get install failed. If a pinned version is no longer served, update cross/versions.env (apt-cache policy rustc-web)"
    fi
}

# ensure_packages "plain packages..." "pinned packages..." : installs what is missing; the pinned
# ones (rustc-web family) at exactly QLSSL_CROSS_RUST_WEB_VERSION.
ensure_packages() {
    local want=() p
    for p in $1; do
        [ -n "$(pkg_version "$p")" ] || want+=("$p")
    done
    for p in $2; do
        [ "$(pkg_version "$p")" = "$QLSSL_CROSS_RUST_WEB_VERSION" ] || want+=("$p=$QLSSL_CROSS_RUST_WEB_VERSION")
    done
    apt_install "${want[@]}"
}

# check_rust_pins "pinned packages..." : the Debian Rust toolchain is exactly the pinned one.
check_rust_pins() {
    local p v out
    for p in $1; do
        v=$(pkg_version "$p")
        [ "$v" = "$QLSSL_CROSS_RUST_WEB_VERSION" ] ||
            die "$p is '${v:-not installed}', pinned $QLSSL_CROSS_RUST_WEB_VERSION (cross/versions.env)"
    done
    out=$(/usr/bin/rustc --version)
    case "$out" in "rustc $QLSSL_CROSS_RUST_RELEASE "*) ;; *) die "/usr/bin/rustc says '$out', pinned $QLSSL_CROSS_RUST_RELEASE" ;; esac
    out=$(/usr/bin/cargo --version)
    case "$out" in "cargo $QLSSL_CROSS_RUST_RELEASE "*) ;; *) die "/usr/bin/cargo says '$out', pinned $QLSSL_CROSS_RUST_RELEASE" ;; esac
}

# make_pki DIR : a test CA, an unrelated CA and a server certificate for localhost / 127.0.0.1
# (P-256), made once per directory with the host's openssl.
make_pki() {
    local dir=$1
    [ -f "$dir/done" ] && return 0
    rm -rf "$dir" && mkdir -p "$dir"
    (
        cd "$dir"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
            -subj "/CN=qlssl cross test CA" -keyout ca.key -out ca.crt 2>/dev/null
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
            -subj "/CN=qlssl unrelated CA" -keyout other-ca.key -out other-ca.crt 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile server.ext -out server.crt 2>/dev/null
        touch ./done
    ) || die "could not create the test PKI in $dir"
}

# ---- loopback test servers: started in the background, all stopped by stop_servers -----------
SERVER_PIDS=()
stop_servers() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true # KILL also ends a server left stopped (SIGSTOP)
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
}

# start_s_server PKI-DIR LOG-FILE : `openssl s_server -www` on 127.0.0.1 with PKI-DIR's server
# certificate, on a port the kernel picks; sets SERVER_PORT. -naccept bounds its life: it serves
# every leg that shares it (both bare-metal targets' tests and clients together need more than 40).
start_s_server() {
    local pki=$1 logf=$2
    : >"$logf"
    openssl s_server -accept 127.0.0.1:0 -cert "$pki/server.crt" -key "$pki/server.key" -www \
        -naccept 400 </dev/null >"$logf" 2>&1 &
    SERVER_PIDS+=($!)
    for _ in $(seq 1 200); do
        SERVER_PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$logf" | head -1)
        [ -n "$SERVER_PORT" ] && return 0
        sleep 0.05
    done
    cat "$logf" >&2
    die "openssl s_server did not start"
}
