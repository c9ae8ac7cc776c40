#!/usr/bin/env python3
"""A capture of a qlssl session decrypts with the line libqlssl wrote to SSLKEYLOGFILE.

    keylog_decrypt_capture.py PKI_DIR PATH_TO_https_get

The example client c_examples/https_get (libqlssl) talks TLS 1.2 to `openssl s_server -www`
through a relay on loopback that records both byte streams (the capture: every byte either side
put on the wire, nothing else). With SSLKEYLOGFILE set, libqlssl appends its NSS key-log line.
From that line alone (the master secret for the ClientHello's random) this script derives the
record keys (RFC 5246 PRF, key expansion) and decrypts the AES-GCM records of both directions:
each record's GCM tag must verify, the client's Finished must be a Finished message, the client's
data must be the HTTP request and the server's the HTTP response. Once per suite whose PRF hash
differs (SHA-256, SHA-384).

Controls, which must fail: the same capture with the key log's master secret changed in one bit,
and with the master secret of the other session (a real but wrong key-log line). Either must
make every record's tag check fail; if they decrypted, the positive result would prove nothing.

Loopback only; every process under a time limit and stopped on every path.
Needs: openssl, python3-cryptography (AESGCM).
"""
import hashlib
import hmac
import os
import select
import socket
import subprocess
import sys
import tempfile
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

OPENSSL = os.environ.get("OPENSSL", "openssl")
# (OpenSSL suite name, IANA id, key length, PRF hash)
SUITES = [
    ("ECDHE-RSA-AES128-GCM-SHA256", 0xC02F, 16, hashlib.sha256),
    ("ECDHE-RSA-AES256-GCM-SHA384", 0xC030, 32, hashlib.sha384),
]
CT_CCS, CT_ALERT, CT_HANDSHAKE, CT_APPDATA = 20, 21, 22, 23
GCM_TAG, GCM_EXPLICIT_NONCE = 16, 8


class Fail(Exception):
    pass


def prf(secret, label, seed, length, hash_fn):
    """TLS 1.2 PRF (RFC 5246, section 5): P_hash(secret, label + seed)."""
    seed = label + seed
    out, a = b"", seed
    while len(out) < length:
        a = hmac.new(secret, a, hash_fn).digest()
        out += hmac.new(secret, a + seed, hash_fn).digest()
    return out[:length]


def records(stream):
    """The TLS records of one direction: [(type, version bytes, payload)]."""
    out, i = [], 0
    while i + 5 <= len(stream):
        ctype, ver, length = stream[i], stream[i + 1:i + 3], int.from_bytes(stream[i + 3:i + 5], "big")
        if i + 5 + length > len(stream):
            raise Fail(f"truncated record at offset {i}")
        out.append((ctype, ver, stream[i + 5:i + 5 + length]))
        i += 5 + length
    if i != len(stream):
        raise Fail(f"{len(stream) - i} stray bytes after the last record")
    return out


def hello(recs, msg_type):
    """(random, cipher suite or None) of the first handshake record's Client/ServerHello."""
    ctype, _, body = recs[0]
    if ctype != CT_HANDSHAKE or body[0] != msg_type:
        raise Fail(f"first record is not a hello of type {msg_type}")
    random = body[6:38]
    suite = None
    if msg_type == 2:
        sid_len = body[38]
        suite = int.from_bytes(body[39 + sid_len:41 + sid_len], "big")
    return random, suite


def encrypted(recs):
    """The records after ChangeCipherSpec: [(type, version, payload)], sequence numbers from 0."""
    for n, (ctype, _, _) in enumerate(recs):
        if ctype == CT_CCS:
            return recs[n + 1:]
    raise Fail("no ChangeCipherSpec in this direction")


def decrypt_direction(recs, key, salt):
    """Plaintexts of the encrypted records; raises InvalidTag when the key is wrong."""
    aead, plain = AESGCM(key), []
    for seq, (ctype, ver, payload) in enumerate(recs):
        nonce = salt + payload[:GCM_EXPLICIT_NONCE]
        body = payload[GCM_EXPLICIT_NONCE:]
        aad = seq.to_bytes(8, "big") + bytes([ctype]) + ver + (len(body) - GCM_TAG).to_bytes(2, "big")
        plain.append((ctype, aead.decrypt(nonce, body, aad)))
    return plain


def decrypt_session(capture, master, hash_fn, key_len):
    """Both directions' plaintexts from the capture and a master secret."""
    c_recs, s_recs = records(capture["c2s"]), records(capture["s2c"])
    client_random, _ = hello(c_recs, 1)
    server_random, _ = hello(s_recs, 2)
    block = prf(master, b"key expansion", server_random + client_random, 2 * key_len + 8, hash_fn)
    c_key, s_key = block[:key_len], block[key_len:2 * key_len]
    c_salt, s_salt = block[2 * key_len:2 * key_len + 4], block[2 * key_len + 4:]
    return decrypt_direction(encrypted(c_recs), c_key, c_salt), decrypt_direction(encrypted(s_recs), s_key, s_salt)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Fail(f"s_server exited early ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Fail(f"s_server not listening on {port} within {seconds} s")


def relay_once(listener, upstream_port, seconds):
    """Accepts one client, relays it to upstream and records both streams, within `seconds`."""
    deadline = time.monotonic() + seconds
    listener.settimeout(seconds)
    client, _ = listener.accept()
    server = socket.create_connection(("127.0.0.1", upstream_port), timeout=5)
    streams = {"c2s": bytearray(), "s2c": bytearray()}
    ends = {client: (server, "c2s"), server: (client, "s2c")}
    open_ends = {client, server}
    try:
        while open_ends and time.monotonic() < deadline:
            ready, _, _ = select.select(list(open_ends), [], [], 0.5)
            for sock in ready:
                data = sock.recv(65536)
                other, name = ends[sock]
                if not data:
                    open_ends.discard(sock)
                    try:
                        other.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                streams[name] += data
                other.sendall(data)
        if open_ends:
            raise Fail(f"the relayed session did not end within {seconds} s")
    finally:
        client.close()
        server.close()
    return {k: bytes(v) for k, v in streams.items()}


def capture_session(pki, https_get, suite, work, keylog):
    """Runs https_get through the recording relay to s_server limited to `suite`."""
    port = free_port()
    server = subprocess.Popen(
        [OPENSSL, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", os.path.join(pki, "server.pem"),
         "-key", os.path.join(pki, "server.key"), "-tls1_2", "-cipher", suite, "-www", "-no_ticket"],
        stdin=subprocess.DEVNULL, stdout=open(os.path.join(work, "s_server.log"), "ab"), stderr=subprocess.STDOUT)
    listener = socket.socket()
    try:
        wait_listening(port, server, 10)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        relay_port = listener.getsockname()[1]
        env = dict(os.environ, SSLKEYLOGFILE=keylog)
        client = subprocess.Popen([https_get, str(relay_port), os.path.join(pki, "ca.pem")], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            capture = relay_once(listener, port, 30)
            out, _ = client.communicate(timeout=30)
        finally:
            if client.poll() is None:
                client.kill()
                client.wait()
        if client.returncode != 0:
            raise Fail(f"https_get exit {client.returncode}: {out.decode(errors='replace')[-400:]}")
        return capture
    finally:
        listener.close()
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def master_for(keylog, client_random):
    lines = [l.split() for l in open(keylog).read().splitlines() if l.strip()]
    hits = [bytes.fromhex(l[2]) for l in lines if len(l) == 3 and l[0] == "CLIENT_RANDOM" and l[1] == client_random.hex()]
    if len(hits) != 1:
        raise Fail(f"{len(hits)} CLIENT_RANDOM lines for this session's random in {len(lines)} lines")
    if len(hits[0]) != 48:
        raise Fail(f"master secret of {len(hits[0])} bytes")
    return hits[0]


def check_plaintext(c_plain, s_plain):
    """What the decrypted session must be: Finished each way, the GET, the 200 response."""
    for side, plain in (("client", c_plain), ("server", s_plain)):
        ctype, fin = plain[0]
        if ctype != CT_HANDSHAKE or fin[:4] != b"\x14\x00\x00\x0c":
            raise Fail(f"{side}'s first encrypted record is not a Finished: {fin[:4].hex()}")
    request = b"".join(p for t, p in c_plain if t == CT_APPDATA)
    response = b"".join(p for t, p in s_plain if t == CT_APPDATA)
    if not request.startswith(b"GET / HTTP/1.0\r\n"):
        raise Fail(f"client plaintext is not the GET: {request[:40]!r}")
    if not response.startswith(b"HTTP/1.0 200 ok\r\n"):
        raise Fail(f"server plaintext is not the 200 response: {response[:40]!r}")
    return request, response


def tag_failures(capture, master, hash_fn, key_len):
    """True when the key material is refused (GCM tag check fails on the first record)."""
    try:
        decrypt_session(capture, master, hash_fn, key_len)
    except InvalidTag:
        return True
    return False


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    pki, https_get = sys.argv[1], sys.argv[2]
    sessions = []
    with tempfile.TemporaryDirectory(prefix="qlssl-keylog-") as work:
        keylog = os.path.join(work, "keylog.txt")
        try:
            for name, suite_id, key_len, hash_fn in SUITES:
                capture = capture_session(pki, https_get, name, work, keylog)
                client_random, _ = hello(records(capture["c2s"]), 1)
                _, chosen = hello(records(capture["s2c"]), 2)
                if chosen != suite_id:
                    raise Fail(f"server chose suite 0x{chosen:04x}, expected {name}")
                master = master_for(keylog, client_random)
                c_plain, s_plain = decrypt_session(capture, master, hash_fn, key_len)
                request, response = check_plaintext(c_plain, s_plain)
                n_records = len(c_plain) + len(s_plain)
                print(f"{name}: captured {len(capture['c2s'])} + {len(capture['s2c'])} bytes; "
                      f"{n_records} encrypted records decrypt and authenticate with the key-log line")
                print(f"  request:  {request.splitlines()[0].decode()}")
                print(f"  response: {response.splitlines()[0].decode()} ({len(response)} bytes)")
                sessions.append((name, capture, master, hash_fn, key_len))
            n_lines = len(open(keylog).read().splitlines())
            if n_lines != len(SUITES):
                raise Fail(f"key log has {n_lines} lines for {len(SUITES)} sessions")
            # Controls: a wrong key log must not decrypt.
            for (name, capture, master, hash_fn, key_len), (_, _, other_master, _, _) in zip(sessions, sessions[::-1]):
                flipped = bytes([master[0] ^ 0x01]) + master[1:]
                if not tag_failures(capture, flipped, hash_fn, key_len):
                    raise Fail(f"{name}: the capture decrypted with a master secret changed in one bit")
                if not tag_failures(capture, other_master, hash_fn, key_len):
                    raise Fail(f"{name}: the capture decrypted with the other session's master secret")
                print(f"{name}: control: one-bit-changed and other-session master secrets are refused (tag check fails)")
        except Fail as e:
            print(f"FAIL: {e}")
            for line in open(os.path.join(work, "s_server.log"), errors="replace").read().splitlines()[-20:]:
                print(f"  s_server: {line}")
            return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
