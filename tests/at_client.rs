//! A second, independent AT client: every command is built and every response parsed by the
//! `at-commands` crate (an open-source no_std AT builder/parser used by embedded modem drivers),
//! over a real pseudo-terminal to `qlssl-at`, which does a verified HTTPS GET to an
//! `openssl s_server -www` on loopback. Judged by the bytes the server sent back (HTTP 200 and the
//! s_server status page naming the negotiated cipher).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use at_commands::builder::CommandBuilder;
use at_commands::parser::CommandParser;

struct Proc(Child);
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !ready() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The client side of the pty, raw, non-blocking, read with a deadline.
struct Port {
    file: File,
    buf: Vec<u8>,
}

impl Port {
    fn open(path: &Path) -> Port {
        let file = OpenOptions::new().read(true).write(true).open(path).unwrap();
        let fd = file.as_raw_fd();
        // SAFETY: fd is open; termios is plain data filled by tcgetattr.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(fd, &mut t), 0);
            libc::cfmakeraw(&mut t);
            assert_eq!(libc::tcsetattr(fd, libc::TCSANOW, &t), 0);
            let fl = libc::fcntl(fd, libc::F_GETFL);
            libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
        Port { file, buf: Vec::new() }
    }

    fn send(&mut self, cmd: &[u8]) {
        self.file.write_all(cmd).unwrap();
        if !cmd.ends_with(b"\r") && !cmd.ends_with(b"\r\n") {
            self.file.write_all(b"\r").unwrap();
        }
    }

    /// Read until `end(buffer)` finds where the awaited part ends; returns that part and keeps the
    /// rest (a URC may follow in the same read).
    fn until(&mut self, what: &str, end: impl Fn(&[u8]) -> Option<usize>) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(n) = end(&self.buf) {
                let rest = self.buf.split_off(n);
                return std::mem::replace(&mut self.buf, rest);
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; have {:?}", String::from_utf8_lossy(&self.buf));
            match self.file.read(&mut chunk) {
                Ok(n) if n > 0 => self.buf.extend_from_slice(&chunk[..n]),
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }

    fn final_result(&mut self) -> Vec<u8> {
        self.until("a final result", |b| {
            [through(b, b"\r\nOK\r\n"), through(b, b"\r\nERROR\r\n"), line_end(b, b"+CME ERROR: ")].into_iter().flatten().min()
        })
    }
}

/// End of the first `pat` in `b`.
fn through(b: &[u8], pat: &[u8]) -> Option<usize> {
    find(b, pat).map(|i| i + pat.len())
}

/// End of the first line starting with `prefix`.
fn line_end(b: &[u8], prefix: &[u8]) -> Option<usize> {
    let i = find(b, prefix)?;
    through(&b[i..], b"\r\n").map(|n| i + n)
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}


fn built(f: impl FnOnce(&mut [u8]) -> &[u8]) -> Vec<u8> {
    let mut buf = [0u8; 256];
    f(&mut buf).to_vec()
}

fn pki(dir: &Path) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_pki.sh");
    let ok = Command::new("bash").arg(script).arg(dir).stdout(Stdio::null()).status().unwrap();
    assert!(ok.success());
    dir.to_path_buf()
}

/// `openssl s_server -www` on loopback (its status page names the negotiated cipher).
fn s_server_www(pki: &Path) -> (Proc, u16) {
    let port = free_port();
    let server = Proc(
        Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept", &format!("127.0.0.1:{port}")])
            .arg("-cert")
            .arg(pki.join("server.pem"))
            .arg("-key")
            .arg(pki.join("server.key"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("s_server", Duration::from_secs(10), || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    (server, port)
}

/// A fresh work directory with a PKI, and `qlssl-at` on a pty there (`extra`: e.g. the dialect).
fn module(name: &str, extra: &[&str]) -> (PathBuf, PathBuf, Proc, Port) {
    let work = std::env::temp_dir().join(format!("qlssl-at-client-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let pki = pki(&work.join("pki"));
    let link = work.join("modem");
    let err = work.join("at.stderr");
    let module = Proc(
        Command::new(env!("CARGO_BIN_EXE_qlssl-at"))
            .arg("--pty")
            .arg(&link)
            .arg("--ufs")
            .arg(work.join("ufs"))
            .args(extra)
            .stderr(File::create(&err).unwrap())
            .spawn()
            .unwrap(),
    );
    wait_for("qlssl-at ready", Duration::from_secs(10), || {
        std::fs::read_to_string(&err).is_ok_and(|s| s.contains("ready"))
    });
    let port = Port::open(&link);
    (work, pki, module, port)
}

/// SIGTERM: the module exits with status 0.
fn stop(mut module: Proc, work: &Path) {
    // SAFETY: signalling the child we spawned.
    unsafe { libc::kill(module.0.id() as libc::pid_t, libc::SIGTERM) };
    let status = module.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let _ = std::fs::remove_dir_all(work);
}

#[test]
fn https_get_driven_by_the_at_commands_crate() {
    let (work, pki, module, mut m) = module("quectel", &[]);
    let (_server, port) = s_server_www(&pki);

    // Echo off (a basic command: the builder's execute form).
    m.send(&built(|b| CommandBuilder::create_execute(b, true).named("E0").finish().unwrap()));
    let r = m.final_result();
    assert!(r.ends_with(b"\r\nOK\r\n"), "{r:?}");

    m.send(&built(|b| CommandBuilder::create_set(b, true).named("+QIACT").with_int_parameter(1).finish().unwrap()));
    assert_eq!(m.final_result(), b"\r\nOK\r\n");

    // Upload the CA.
    let ca = std::fs::read(pki.join("ca.pem")).unwrap();
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true)
            .named("+QFUPL")
            .with_string_parameter("ca.pem")
            .with_int_parameter(ca.len() as i32)
            .finish()
            .unwrap()
    }));
    m.until("CONNECT", |b| through(b, b"\r\nCONNECT\r\n"));
    m.file.write_all(&ca).unwrap();
    let r = m.final_result();
    let (size, _sum) = CommandParser::parse(&r)
        .expect_identifier(b"\r\n+QFUPL: ")
        .expect_int_parameter()
        .expect_raw_string()
        .expect_identifier(b"\r\n\r\nOK\r\n")
        .finish()
        .unwrap();
    assert_eq!(size as usize, ca.len());

    for (item, value) in [("seclevel", 1), ("sni", 1)] {
        m.send(&built(|b| {
            CommandBuilder::create_set(b, true)
                .named("+QSSLCFG")
                .with_string_parameter(item)
                .with_int_parameter(1)
                .with_int_parameter(value)
                .finish()
                .unwrap()
        }));
        assert_eq!(m.final_result(), b"\r\nOK\r\n");
    }
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true)
            .named("+QSSLCFG")
            .with_string_parameter("cacert")
            .with_int_parameter(1)
            .with_string_parameter("UFS:ca.pem")
            .finish()
            .unwrap()
    }));
    assert_eq!(m.final_result(), b"\r\nOK\r\n");

    // Queries parsed field by field.
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true).named("+QSSLCFG").with_string_parameter("seclevel").with_int_parameter(1).finish().unwrap()
    }));
    let r = m.final_result();
    let (item, ctx, level) = CommandParser::parse(&r)
        .expect_identifier(b"\r\n+QSSLCFG: ")
        .expect_string_parameter()
        .expect_int_parameter()
        .expect_int_parameter()
        .expect_identifier(b"\r\n\r\nOK\r\n")
        .finish()
        .unwrap();
    assert_eq!((item, ctx, level), ("seclevel", 1, 1));
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true)
            .named("+QSSLCFG")
            .with_string_parameter("sslversion")
            .with_int_parameter(1)
            .with_int_parameter(9)
            .finish()
            .unwrap()
    }));
    let r = m.final_result();
    let (code,) = CommandParser::parse(&r).expect_identifier(b"\r\n+CME ERROR: ").expect_int_parameter().expect_identifier(b"\r\n").finish().unwrap();
    assert_eq!(code, 552);

    // Open, then the URC.
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true)
            .named("+QSSLOPEN")
            .with_int_parameter(1)
            .with_int_parameter(1)
            .with_int_parameter(2)
            .with_string_parameter("localhost")
            .with_int_parameter(port as i32)
            .with_int_parameter(0)
            .finish()
            .unwrap()
    }));
    let r = m.until("+QSSLOPEN", |b| line_end(b, b"+QSSLOPEN: "));
    let (id, err) = CommandParser::parse(&r)
        .expect_identifier(b"\r\nOK\r\n\r\n+QSSLOPEN: ")
        .expect_int_parameter()
        .expect_int_parameter()
        .expect_identifier(b"\r\n")
        .finish()
        .unwrap();
    assert_eq!((id, err), (2, 0));

    let request = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true).named("+QSSLSEND").with_int_parameter(2).with_int_parameter(request.len() as i32).finish().unwrap()
    }));
    m.until("the > prompt", |b| through(b, b"\r\n> "));
    m.file.write_all(request).unwrap();
    assert_eq!(m.until("SEND OK", |b| through(b, b"\r\nSEND OK\r\n")), b"\r\nSEND OK\r\n");
    let r = m.until("+QSSLURC recv", |b| line_end(b, b"+QSSLURC: "));
    let (what, id) = CommandParser::parse(&r)
        .expect_identifier(b"\r\n+QSSLURC: ")
        .expect_string_parameter()
        .expect_int_parameter()
        .expect_identifier(b"\r\n")
        .finish()
        .unwrap();
    assert_eq!((what, id), ("recv", 2));

    // Read everything until the module reports an empty buffer and the peer has closed.
    let mut body = Vec::new();
    let mut closed = false;
    for _ in 0..200 {
        m.send(&built(|b| {
            CommandBuilder::create_set(b, true).named("+QSSLRECV").with_int_parameter(2).with_int_parameter(1500).finish().unwrap()
        }));
        // URCs first (they come between responses), then the response: header, n bytes, OK.
        let mut r = m.until("+QSSLRECV", |b| line_end(b, b"+QSSLRECV: "));
        closed |= find(&r, b"+QSSLURC: \"closed\"").is_some();
        let start = find(&r, b"+QSSLRECV: ").unwrap();
        let (n,) = CommandParser::parse(&r[start - 2..])
            .expect_identifier(b"\r\n+QSSLRECV: ")
            .expect_int_parameter()
            .expect_identifier(b"\r\n")
            .finish()
            .unwrap();
        let tail = if n > 0 { n as usize + 2 } else { 0 } + 6;
        r.extend(m.until("the data and OK", |b| (b.len() >= tail).then_some(tail)));
        assert!(r.ends_with(b"\r\nOK\r\n"), "{r:?}");
        let head_end = start + find(&r[start..], b"\r\n").unwrap();
        body.extend_from_slice(&r[head_end + 2..head_end + 2 + n as usize]);
        if n == 0 {
            if closed {
                break;
            }
            let more = m.until("a URC", |b| line_end(b, b"+QSSLURC: "));
            closed |= find(&more, b"+QSSLURC: \"closed\"").is_some();
        }
    }
    let text = String::from_utf8_lossy(&body);
    assert!(text.starts_with("HTTP/1.0 200"), "{text}");
    assert!(text.contains("Ciphers supported in s_server binary"), "not s_server's status page: {text}");

    m.send(&built(|b| CommandBuilder::create_set(b, true).named("+QSSLCLOSE").with_int_parameter(2).finish().unwrap()));
    assert_eq!(m.final_result(), b"\r\nOK\r\n");

    stop(module, &work);
}

/// The Air724 dialect driven the same way: bearer, a CA written with AT+FSCREATE/AT+FSWRITE,
/// AT+SSLCFG, AT+CIPSSL=1, a multi-link AT+CIPSTART, AT+CIPSEND under CIPQSEND=1 and manual
/// receive with AT+CIPRXGET, then AT+CIPSHUT.
#[test]
fn air724_https_get_driven_by_the_at_commands_crate() {
    let (work, pki, module, mut m) = module("air724", &["--dialect", "air724"]);
    let (_server, port) = s_server_www(&pki);
    let set = |name: &'static str, ints: &'static [i32]| {
        built(move |b| {
            let mut c = CommandBuilder::create_set(b, true).named(name);
            for &i in ints {
                c = c.with_int_parameter(i);
            }
            c.finish().unwrap()
        })
    };
    m.send(&built(|b| CommandBuilder::create_execute(b, true).named("E0").finish().unwrap()));
    assert!(m.final_result().ends_with(b"\r\nOK\r\n"));
    for (name, v) in [("+CIPMUX", 1), ("+CIPQSEND", 1), ("+CIPRXGET", 1), ("+CIPSSL", 1)] {
        m.send(&set(name, if v == 1 { &[1] } else { &[0] }));
        assert_eq!(m.final_result(), b"\r\nOK\r\n", "{name}");
    }
    for name in ["+CSTT", "+CIICR"] {
        m.send(&built(|b| CommandBuilder::create_execute(b, true).named(name).finish().unwrap()));
        assert_eq!(m.final_result(), b"\r\nOK\r\n", "{name}");
    }
    m.send(&built(|b| CommandBuilder::create_execute(b, true).named("+CIFSR").finish().unwrap()));
    let r = m.until("the address", |b| through(b, b"127.0.0.1\r\n"));
    assert_eq!(r, b"\r\n127.0.0.1\r\n");

    let ca = std::fs::read(pki.join("ca.pem")).unwrap();
    m.send(&built(|b| CommandBuilder::create_set(b, true).named("+FSCREATE").with_string_parameter("ca.pem").finish().unwrap()));
    assert_eq!(m.final_result(), b"\r\nOK\r\n");
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true)
            .named("+FSWRITE")
            .with_string_parameter("ca.pem")
            .with_int_parameter(0)
            .with_int_parameter(ca.len() as i32)
            .with_int_parameter(10)
            .finish()
            .unwrap()
    }));
    m.until("the > prompt", |b| through(b, b"\r\n> "));
    m.file.write_all(&ca).unwrap();
    assert_eq!(m.final_result(), b"\r\nOK\r\n");
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true)
            .named("+SSLCFG")
            .with_string_parameter("cacert")
            .with_int_parameter(2)
            .with_string_parameter("ca.pem")
            .finish()
            .unwrap()
    }));
    assert_eq!(m.final_result(), b"\r\nOK\r\n");
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true).named("+SSLCFG").with_string_parameter("seclevel").with_int_parameter(2).with_int_parameter(1).finish().unwrap()
    }));
    assert_eq!(m.final_result(), b"\r\nOK\r\n");
    m.send(&built(|b| CommandBuilder::create_set(b, true).named("+SSLCFG").with_string_parameter("cacert").with_int_parameter(2).finish().unwrap()));
    let r = m.final_result();
    let (item, ctx, path) = CommandParser::parse(&r)
        .expect_identifier(b"\r\n+SSLCFG: ")
        .expect_string_parameter()
        .expect_int_parameter()
        .expect_string_parameter()
        .expect_identifier(b"\r\n\r\nOK\r\n")
        .finish()
        .unwrap();
    assert_eq!((item, ctx, path), ("cacert", 2, "ca.pem"));

    m.send(&built(|b| {
        CommandBuilder::create_set(b, true)
            .named("+CIPSTART")
            .with_int_parameter(2)
            .with_string_parameter("TCP")
            .with_string_parameter("localhost")
            .with_int_parameter(port as i32)
            .finish()
            .unwrap()
    }));
    let r = m.until("CONNECT OK", |b| line_end(b, b", CONNECT "));
    let (link,) = CommandParser::parse(&r)
        .expect_identifier(b"\r\nOK\r\n\r\n")
        .expect_int_parameter()
        // The parser skips the separator and the space after the number.
        .expect_identifier(b"CONNECT OK\r\n")
        .finish()
        .unwrap();
    assert_eq!(link, 2);

    let request = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    m.send(&built(|b| {
        CommandBuilder::create_set(b, true).named("+CIPSEND").with_int_parameter(2).with_int_parameter(request.len() as i32).finish().unwrap()
    }));
    m.until("the > prompt", |b| through(b, b"\r\n> "));
    m.file.write_all(request).unwrap();
    let r = m.until("DATA ACCEPT", |b| line_end(b, b"DATA ACCEPT:"));
    let (link, accepted) = CommandParser::parse(&r)
        .expect_identifier(b"\r\nDATA ACCEPT:")
        .expect_int_parameter()
        .expect_int_parameter()
        .expect_identifier(b"\r\n")
        .finish()
        .unwrap();
    assert_eq!((link, accepted as usize), (2, request.len()));
    let r = m.until("+CIPRXGET: 1", |b| line_end(b, b"+CIPRXGET: 1,"));
    let (mode, link) = CommandParser::parse(&r)
        .expect_identifier(b"\r\n+CIPRXGET: ")
        .expect_int_parameter()
        .expect_int_parameter()
        .expect_identifier(b"\r\n")
        .finish()
        .unwrap();
    assert_eq!((mode, link), (1, 2));

    // Read until the module holds nothing more and the link has closed.
    let mut body = Vec::new();
    let mut closed = false;
    for _ in 0..200 {
        m.send(&set("+CIPRXGET", &[2, 2, 1460]));
        let mut r = m.until("+CIPRXGET: 2", |b| line_end(b, b"+CIPRXGET: 2,"));
        closed |= find(&r, b"2, CLOSED\r\n").is_some();
        let start = find(&r, b"+CIPRXGET: 2,").unwrap();
        let (mode, link, n, _left) = CommandParser::parse(&r[start - 2..])
            .expect_identifier(b"\r\n+CIPRXGET: ")
            .expect_int_parameter()
            .expect_int_parameter()
            .expect_int_parameter()
            .expect_int_parameter()
            .expect_identifier(b"\r\n")
            .finish()
            .unwrap();
        assert_eq!((mode, link), (2, 2));
        let tail = n as usize + 6;
        r.extend(m.until("the data and OK", |b| (b.len() >= tail).then_some(tail)));
        assert!(r.ends_with(b"\r\nOK\r\n"), "{r:?}");
        let head_end = start + find(&r[start..], b"\r\n").unwrap();
        body.extend_from_slice(&r[head_end + 2..head_end + 2 + n as usize]);
        if n == 0 {
            if closed {
                break;
            }
            let more = m.until("CLOSED", |b| line_end(b, b"CLOSED"));
            closed |= find(&more, b"2, CLOSED\r\n").is_some();
        }
    }
    let text = String::from_utf8_lossy(&body);
    assert!(text.starts_with("HTTP/1.0 200"), "{text}");
    assert!(text.contains("Ciphers supported in s_server binary"), "not s_server's status page: {text}");

    m.send(&built(|b| CommandBuilder::create_execute(b, true).named("+CIPSHUT").finish().unwrap()));
    assert_eq!(m.until("SHUT OK", |b| through(b, b"SHUT OK\r\n")), b"\r\nSHUT OK\r\n");
    stop(module, &work);
}
