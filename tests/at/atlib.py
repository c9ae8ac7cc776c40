"""Helpers for the qlssl-at tests: the module process, an AT client over a real pty (pyserial) or
TCP, and the loopback peers (qlssl-server, openssl s_server, gnutls-serv). Every wait is bounded;
every process started here is stopped by Peers.stop_all()."""

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AT_BIN = os.environ.get("QLSSL_AT_BIN", os.path.join(ROOT, "target", "release", "qlssl-at"))
SERVER_BIN = os.path.join(ROOT, "tools", "qlssl-server", "target", "release", "qlssl-server")

FINALS = (b"OK", b"ERROR", b"NO CARRIER", b"CONNECT", b"SEND OK", b"SEND FAIL")


class Timeout(Exception):
    pass


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, deadline_s=10.0):
    end = time.time() + deadline_s
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Timeout("port %d never listened" % port)


def checksum(data):
    """The module's 16-bit XOR checksum (AT+QFUPL / AT+QFDWL), computed independently."""
    c = 0
    for i in range(0, len(data), 2):
        hi = data[i]
        lo = data[i + 1] if i + 1 < len(data) else 0
        c ^= (hi << 8) | lo
    return c


class Module:
    """A running qlssl-at."""

    count = 0

    def __init__(self, workdir, pty=True, map_rules=None, extra=()):
        Module.count += 1
        n = Module.count
        self.workdir = workdir
        self.ufs = os.path.join(workdir, "ufs%d" % n)
        self.log = os.path.join(workdir, "at%d.log" % n)
        self.link = os.path.join(workdir, "modem%d" % n)
        self.errfile = open(os.path.join(workdir, "at%d.stderr" % n), "w+b")
        args = [AT_BIN]
        if pty:
            args += ["--pty", self.link]
        else:
            args += ["--tcp", "127.0.0.1:0"]
        args += ["--ufs", self.ufs, "--log", self.log]
        if map_rules:
            args += ["--map", map_rules]
        args += list(extra)
        self.proc = subprocess.Popen(args, stderr=self.errfile)
        self.tcp_port = None
        end = time.time() + 10
        while time.time() < end:
            text = self.stderr_text()
            if "ready" in text:
                m = re.search(r"ready on tcp 127\.0\.0\.1:(\d+)", text)
                if m:
                    self.tcp_port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise RuntimeError("qlssl-at exited: " + text)
            time.sleep(0.02)
        # Not yet in any context's module list: stop it here, or it would outlive the test.
        self.proc.kill()
        self.proc.wait()
        raise Timeout("qlssl-at never printed ready")

    def stderr_text(self):
        """What the module wrote on stderr so far. Read through a file of its own: seeking
        self.errfile would move the offset the child writes at (it is one open file), and a line
        the child writes in pieces would then land on top of itself."""
        with open(self.errfile.name, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        """SIGTERM; returns the exit status (must be 0)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -9
        return self.proc.returncode

    def client(self):
        if self.tcp_port:
            return AtClient(tcp=("127.0.0.1", self.tcp_port))
        return AtClient(port=self.link)


class AtClient:
    """A byte-exact AT client: reads lines, raw payloads, prompts and URCs."""

    def __init__(self, port=None, tcp=None):
        self.sock = None
        self.ser = None
        if tcp:
            self.sock = socket.create_connection(tcp, timeout=5)
            self.sock.setblocking(False)
        else:
            import serial  # pyserial: only needed for the pty

            self.ser = serial.Serial(port, 115200, timeout=0.05)
        self.buf = b""
        self.urcs = []  # ('recv', id, data|None) | ('closed', id) | ('open', id, err)
        self.echo = True

    def close(self):
        if self.ser:
            self.ser.close()
        if self.sock:
            self.sock.close()

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        if self.ser:
            self.ser.write(data)
            self.ser.flush()
        else:
            self.sock.sendall(data)

    def _fill(self, deadline):
        if time.time() > deadline:
            raise Timeout("no answer; have %r" % self.buf[-300:])
        if self.ser:
            d = self.ser.read(4096)
        else:
            r, _, _ = select.select([self.sock], [], [], 0.05)
            d = self.sock.recv(65536) if r else b""
            if r and not d:
                raise EOFError("module closed the TCP session")
        self.buf += d

    def read_line(self, deadline):
        while b"\r\n" not in self.buf:
            self._fill(deadline)
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def read_exact(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline)
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def drain(self, seconds=0.2):
        """Read whatever arrives for a while (URCs are parsed)."""
        end = time.time() + seconds
        while time.time() < end:
            try:
                self._fill(end + 1)
            except Timeout:
                break
        # Parse complete URC lines that arrived.
        rest = b""
        while b"\r\n" in self.buf:
            l = self.read_line(time.time() + 1)
            if not self._urc(l, time.time() + 5) and l:
                rest += l + b"\r\n"
        self.buf = rest + self.buf

    def _urc(self, l, deadline):
        m = re.match(rb'^\+QSSLURC: "recv",(\d+)(?:,(\d+))?$', l)
        if m:
            data = None
            if m.group(2) is not None:
                data = self.read_exact(int(m.group(2)), deadline)
            self.urcs.append(("recv", int(m.group(1)), data))
            return True
        m = re.match(rb'^\+QSSLURC: "closed",(\d+)$', l)
        if m:
            self.urcs.append(("closed", int(m.group(1))))
            return True
        m = re.match(rb"^\+QSSLOPEN: (\d+),(\d+)$", l)
        if m:
            self.urcs.append(("open", int(m.group(1)), int(m.group(2))))
            return True
        return False

    def response(self, timeout=10, sent=None):
        """Lines up to a final result; returns (final, [info lines], [raw payloads])."""
        deadline = time.time() + timeout
        infos, payloads = [], []
        while True:
            l = self.read_line(deadline)
            if sent is not None and l.rstrip(b"\r").endswith(sent):
                # The echo of the command line (ends with CR, then the response's CR LF).
                continue
            if not l:
                continue
            if self._urc(l, deadline):
                continue
            if l in FINALS or l.startswith(b"+CME ERROR:"):
                return l, infos, payloads
            m = re.match(rb"^\+QSSLRECV: (\d+)$", l)
            if m and int(m.group(1)) > 0:
                payloads.append(self.read_exact(int(m.group(1)), deadline))
            infos.append(l)

    def cmd(self, line, timeout=10):
        enc = line.encode() if isinstance(line, str) else line
        self.write(enc + b"\r")
        return self.response(timeout, sent=enc)

    def ok(self, line, timeout=10):
        final, infos, payloads = self.cmd(line, timeout)
        if final != b"OK":
            raise AssertionError("%s -> %r %r" % (line, final, infos))
        return infos

    def prompt(self, timeout=5):
        deadline = time.time() + timeout
        while b"> " not in self.buf:
            self._fill(deadline)
        before, self.buf = self.buf.split(b"> ", 1)
        for l in before.split(b"\r\n"):
            self._urc(l, deadline)

    def wait_urc(self, pred, timeout=15):
        deadline = time.time() + timeout
        while True:
            for u in self.urcs:
                if pred(u):
                    self.urcs.remove(u)
                    return u
            while b"\r\n" in self.buf:
                l = self.read_line(deadline)
                if l and not self._urc(l, deadline):
                    raise AssertionError("unexpected line while waiting for a URC: %r" % l)
            for u in self.urcs:
                if pred(u):
                    self.urcs.remove(u)
                    return u
            self._fill(deadline)

    def read_raw_until(self, pred, timeout=10):
        """Transparent mode: raw bytes until pred(buffer) is true."""
        deadline = time.time() + timeout
        while not pred(self.buf):
            self._fill(deadline)
        d, self.buf = self.buf, b""
        return d


class Peers:
    """Loopback servers started by one test; all stopped by stop_all()."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []

    def qlssl_server(self, pki, name="srv", extra=()):
        pf = os.path.join(self.workdir, name + ".ports")
        sf = os.path.join(self.workdir, name + ".stats")
        for f in (pf, sf):
            if os.path.exists(f):
                os.unlink(f)
        args = [SERVER_BIN, "--cert", os.path.join(pki, "server.pem"), "--key", os.path.join(pki, "server.key"),
                "--port-file", pf, "--stats-file", sf, "--max-seconds", "600"] + list(extra)
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.workdir, name + ".err"), "wb"))
        self.procs.append(p)
        end = time.time() + 10
        while time.time() < end:
            if os.path.exists(pf):
                text = open(pf).read()
                ports = dict(l.split("=") for l in text.split() if "=" in l)
                if "https" in ports:
                    return QlsslServer(p, sf, {k: int(v) for k, v in ports.items()})
            time.sleep(0.02)
        raise Timeout("qlssl-server never wrote its ports")

    def openssl(self, pki, extra=("-rev",)):
        port = free_port()
        args = ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", os.path.join(pki, "server.pem"),
                "-key", os.path.join(pki, "server.key"), "-quiet"] + list(extra)
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.procs.append(p)
        wait_port(port)
        return p, port

    def gnutls_echo(self, pki):
        port = free_port()
        args = ["gnutls-serv", "--echo", "-p", str(port), "--x509certfile", os.path.join(pki, "server.pem"),
                "--x509keyfile", os.path.join(pki, "server.key")]
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.procs.append(p)
        wait_port(port)
        return p, port

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []


class QlsslServer:
    def __init__(self, proc, stats_file, ports):
        self.proc, self.stats_file, self.ports = proc, stats_file, ports

    def stats(self):
        """Stop the server and return its final counters."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        text = open(self.stats_file).read()
        return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", text)}


def cme(final):
    """The code of a `+CME ERROR: <n>` final line, or None."""
    m = re.match(rb"^\+CME ERROR: (\d+)$", final)
    return int(m.group(1)) if m else None


class SuiteCtx:
    """What one test gets: a work directory, the peers it starts, the modules it runs; `cleanup`
    stops them all and checks each module exits 0 on SIGTERM. `stops`: extra stop callbacks."""

    def __init__(self, base, pki):
        self.base, self.pki = base, pki
        self.work = tempfile.mkdtemp(dir=base)
        self.peers = Peers(self.work)
        self.modules = []
        self.stops = []

    def cleanup(self):
        for stop in self.stops:
            stop()
        self.peers.stop_all()
        for m in self.modules:
            rc = m.stop()
            assert rc == 0, "qlssl-at exit status %r on SIGTERM" % rc


def run_suite(label, tests, make_ctx, prefix):
    """Run `tests` (functions of one context each; `-k SUBSTRING` on the command line selects),
    each with a fresh `make_ctx(base, pki)` and its cleanup; print PASS/FAIL lines and a summary
    `<label>: N passed, M failed`; exit 1 when any failed. The PKI comes from scripts/gen_pki.sh."""
    only = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else None
    base = tempfile.mkdtemp(prefix=prefix)
    pki = os.path.join(base, "pki")
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "gen_pki.sh"), pki], check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    passed, failed = 0, []
    for fn in tests:
        if only and only not in fn.__name__:
            continue
        t = make_ctx(base, pki)
        t0 = time.time()
        try:
            try:
                fn(t)
            finally:
                t.cleanup()
            passed += 1
            print("PASS %s (%.1f s)" % (fn.__name__, time.time() - t0), flush=True)
        except Exception:
            failed.append(fn.__name__)
            print("FAIL %s (%.1f s)" % (fn.__name__, time.time() - t0), flush=True)
            traceback.print_exc()
            for mod in t.modules:
                try:
                    print("--- qlssl-at log tail:", open(mod.log, "rb").read()[-1500:])
                except OSError:
                    pass
    if failed:
        print("%s: %d passed, %d failed: %s" % (label, passed, len(failed), " ".join(failed)))
        sys.exit(1)
    shutil.rmtree(base, ignore_errors=True)
    print("%s: %d passed, 0 failed" % (label, passed))
