"""mbedtls's sample server built from a copy of the vendored mbedtls sources, and the PKI."""
import glob
import os
import re
import shutil
import subprocess
import time

from .base import GEN_CERTS, ROOT, log, run_text

# ---------------------------------------------------------------------------------------------
# ssl_server2: built at test time from a copy of the vendored mbedtls sources.
# ---------------------------------------------------------------------------------------------
def mbedtls_vendor_dir():
    env = os.environ.get("QLSSL_MBEDTLS_SRC")
    if env:
        return env
    ver = None
    try:
        lock = open(os.path.join(ROOT, "Cargo.lock")).read()
        m = re.search(r'name = "mbedtls-sys-auto"\nversion = "([^"]+)"', lock)
        ver = m.group(1) if m else None
    except OSError:
        pass
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    pats = [os.path.join(home, "registry", "src", "*", "mbedtls-sys-auto-%s" % (ver or "*"), "vendor")]
    for p in pats:
        hits = sorted(glob.glob(p))
        if hits:
            return hits[-1]
    return None

def ssl_server2_path(args):
    return os.path.join(args.work, "mbedtls-build", "programs", "ssl", "ssl_server2")

def ssl_server2_version(args):
    src = os.path.join(args.work, "mbedtls-src", "include", "mbedtls", "version.h")
    try:
        m = re.search(r'MBEDTLS_VERSION_STRING\s+"([^"]+)"', open(src).read())
        return "mbedtls %s ssl_server2 (sample server built from mbedtls-sys-auto's vendored sources)" % m.group(1)
    except (OSError, AttributeError):
        return "mbedtls ssl_server2"

CONFIG_EDITS = [
    ("set", "MBEDTLS_SSL_PROTO_SSL3"),              # SSL 3.0, as the library's own build has it
    ("unset", "MBEDTLS_REMOVE_ARC4_CIPHERSUITES"),  # keep RC4 suites in the server's default list
    ("unset", "MBEDTLS_REMOVE_3DES_CIPHERSUITES"),  # keep 3DES suites in the server's default list
    ("set", "MBEDTLS_ARIA_C"),                      # ARIA, as the library's build has it (off in config.h)
]

def edit_config(path):
    text = open(path).read()
    for op, name in CONFIG_EDITS:
        if op == "set":
            text, n = re.subn(r"^//\s*#define %s\b" % name, "#define %s" % name, text, flags=re.M)
            if n == 0 and not re.search(r"^#define %s\b" % name, text, re.M):
                raise RuntimeError("config.h: cannot enable %s" % name)
        else:
            text = re.sub(r"^#define %s\b" % name, "//#define %s" % name, text, flags=re.M)
    open(path, "w").write(text)

def build_ssl_server2(args):
    exe = ssl_server2_path(args)
    stamp = os.path.join(args.work, "mbedtls-build", ".qlssl-stamp")
    vendor = mbedtls_vendor_dir()
    if vendor is None:
        log("ssl_server2: vendored mbedtls sources not found (set QLSSL_MBEDTLS_SRC)")
        return False
    want = "%s|%s" % (vendor, CONFIG_EDITS)
    if os.path.exists(exe) and os.path.exists(stamp) and open(stamp).read() == want:
        log("ssl_server2: up to date (%s)" % exe)
        return True
    src = os.path.join(args.work, "mbedtls-src")
    bld = os.path.join(args.work, "mbedtls-build")
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(bld, ignore_errors=True)
    log("ssl_server2: copying %s" % vendor)
    shutil.copytree(vendor, src, symlinks=True)
    edit_config(os.path.join(src, "include", "mbedtls", "config.h"))
    cmake = shutil.which("cmake")
    if not cmake:
        log("ssl_server2: cmake not found")
        return False
    t0 = time.monotonic()
    for cmd in ([cmake, "-S", src, "-B", bld, "-DENABLE_TESTING=OFF", "-DENABLE_PROGRAMS=ON",
                 "-DCMAKE_BUILD_TYPE=Release", "-DMBEDTLS_FATAL_WARNINGS=OFF", "-DUSE_SHARED_MBEDTLS_LIBRARY=OFF"],
                [cmake, "--build", bld, "--target", "ssl_server2", "-j", str(max(2, os.cpu_count() or 2))]):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            log("ssl_server2 build failed: %s\n%s" % (" ".join(cmd), (r.stdout + r.stderr)[-4000:]))
            return False
    # The copy's config really has what the matrix relies on.
    for name, want_rc in (("MBEDTLS_SSL_PROTO_SSL3", 0), ("MBEDTLS_ARC4_C", 0), ("MBEDTLS_DES_C", 0),
                          ("MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA_ENABLED", 0), ("MBEDTLS_KEY_EXCHANGE_ECDH_RSA_ENABLED", 0),
                          ("MBEDTLS_REMOVE_ARC4_CIPHERSUITES", 1), ("MBEDTLS_ARIA_C", 0)):
        rc, _ = run_text([exe, "query_config=" + name])
        if rc != want_rc:
            log("ssl_server2: query_config=%s returned %d, expected %d" % (name, rc, want_rc))
            return False
    open(stamp, "w").write(want)
    log("ssl_server2: built in %.0f s (%s)" % (time.monotonic() - t0, exe))
    return True

def ensure_pki(args):
    d = os.path.join(args.work, "pki")
    r = subprocess.run(["bash", GEN_CERTS, d], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("gen_certs.sh failed: %s" % (r.stdout + r.stderr))
