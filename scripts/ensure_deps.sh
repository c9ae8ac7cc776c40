# Sourced by scripts/demo.sh and scripts/test.sh: install the Debian packages the build and the
# tests need (only those dpkg reports missing), and make sure cargo is on PATH.
# Works non-interactively (CI=true, no stdin); needs root or password-less sudo to install.

# gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-user: the 32-bit ARM layout test (tests/c);
# libmbedtls-dev: the header tests with a real <mbedtls/ssl.h> and the programs linked next to
# Debian's mbedtls (tests/c/ecosystem.cmake); liblwip-dev: the header test with the real lwIP 2.1.3
# headers (tests/header.rs); pkg-config: the install test's pkg-config consumer (tests/install);
# python3-cryptography: AES-GCM for decrypting a captured session with the key log (tests/c);
# python3-serial: pyserial, the AT session of scripts/demo.sh (tests/at/demo_session.py).
QLSSL_DEB_PACKAGES=(cmake clang libclang-dev openssl gnutls-bin build-essential strace iproute2 libssl-dev valgrind
                    gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-user libmbedtls-dev liblwip-dev
                    pkg-config python3-cryptography python3-serial)

ensure_deps() {
    local missing=() p sudo=()
    if command -v dpkg >/dev/null 2>&1; then
        for p in "${QLSSL_DEB_PACKAGES[@]}"; do
            if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
                missing+=("$p")
            fi
        done
    else
        echo "ensure_deps: no dpkg here; assuming ${QLSSL_DEB_PACKAGES[*]} (or equivalents) are installed" >&2
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" -ne 0 ]; then
            if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
                sudo=(sudo -n)
            else
                echo "ensure_deps: missing packages ${missing[*]}; run as root or install them" >&2
                return 1
            fi
        fi
        echo "ensure_deps: installing ${missing[*]}"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" </dev/null
    fi
    if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
        PATH="$HOME/.cargo/bin:$PATH"
        export PATH
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "ensure_deps: cargo not found; install a Rust toolchain (https://rustup.rs)" >&2
        return 1
    fi
}
