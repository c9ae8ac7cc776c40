"""Paths, constants and process plumbing: every peer process dies with the runner."""
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The command line (re-executed in a network namespace and per group by `all`).
ENTRY = os.path.join(ROOT, "scripts", "interop_matrix.py")
DOC_PATH = os.path.join(ROOT, "docs", "INTEROP.md")
GEN_CERTS = os.path.join(ROOT, "tests", "interop", "gen_certs.sh")
HOST = "127.0.0.1"
PSK_IDENTITY = "qlssl-interop"
PSK_KEY = "00112233445566778899aabbccddeeff"   # hex string, the QL_SSL_CONF_PSK_KEY format
SKIP_RC = 77

# ---------------------------------------------------------------------------------------------
# Process handling: every child dies with us (PR_SET_PDEATHSIG) and is killed in `finally`.
# ---------------------------------------------------------------------------------------------
_libc = ctypes.CDLL(None, use_errno=True)

def _child_setup():
    _libc.prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG

class Terminated(Exception):
    pass

def _on_signal(signum, _frame):
    raise Terminated("signal %d" % signum)

def log(msg):
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()

def free_port(kind):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port

class Server:
    """One peer process on a free loopback port, its output in a log file."""

    def __init__(self, ctx, name, kind, argv_fn, ready_re, env=None, parse=None):
        self.ctx, self.name, self.kind, self.argv_fn = ctx, name, kind, argv_fn
        self.ready_re = re.compile(ready_re, re.M)
        self.env = env
        self.parse = parse
        self.proc = None
        self.port = None
        self.log_path = os.path.join(ctx.log_dir, name + ".log")
        self.argv = None

    def start(self):
        last = ""
        for _attempt in range(5):
            self.port = free_port(self.kind)
            self.argv = self.argv_fn(self.port)
            logf = open(self.log_path, "wb")
            env = dict(os.environ)
            env.update(self.env or {})
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=logf, stderr=subprocess.STDOUT,
                                         env=env, cwd=self.ctx.log_dir, preexec_fn=_child_setup,
                                         start_new_session=True)
            logf.close()
            self.ctx.servers.append(self)
            deadline = time.monotonic() + 15.0
            while time.monotonic() < deadline:
                text = self.text_since(0)
                if self.ready_re.search(text):
                    time.sleep(0.05)
                    return self
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
            last = self.text_since(0)
            self.stop()
            if not re.search(r"in use|bind", last, re.I):
                break
        raise RuntimeError("peer %s did not come up: %s\n--- log ---\n%s" % (self.name, " ".join(self.argv), last[-3000:]))

    def offset(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def text_since(self, off):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(off)
                return f.read().decode("latin-1")
        except OSError:
            return ""

    def send_stdin(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            self.proc.stdin.close()
        except (OSError, ValueError):
            pass
        self.proc = None

# ---------------------------------------------------------------------------------------------
# Peer discovery: versions and what each peer can negotiate (asked from the peer itself).
# ---------------------------------------------------------------------------------------------
def run_text(argv, timeout=30, env=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
        return r.returncode, r.stdout + r.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return -1, str(e)
