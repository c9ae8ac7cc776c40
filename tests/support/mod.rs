//! What the Rust integration tests share to run a real peer on loopback: a child process that is
//! killed when the test lets go of it, and `openssl s_server` started on a free port and waited
//! for (bounded). Each test binary includes it with `mod support;`.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A peer process, killed and reaped on drop (also when the test fails).
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Start `cmd` (which must listen on 127.0.0.1:`port`) and wait until it accepts connections, at
/// most 10 s. A child that exits first (say, the port was taken in between) fails the test with
/// its exit status instead of a connection to somebody else's server.
pub fn spawn_listening(mut cmd: Command, port: u16) -> Server {
    let mut server = Server(cmd.spawn().unwrap());
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("the server on port {port} exited before listening: {status}");
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the server on port {port} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// `openssl s_server -quiet -www` with `cert` and `key` and the extra `args`, on a free port.
pub fn s_server_www(cert: &std::path::Path, key: &std::path::Path, args: &[&str]) -> (Server, u16) {
    let port = free_port();
    let mut cmd = Command::new("openssl");
    cmd.args(["s_server", "-quiet", "-www"])
        .args(args)
        .arg("-accept")
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(cert)
        .arg("-key")
        .arg(key)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    (spawn_listening(cmd, port), port)
}

/// `GET /` over an established connection and the page (read in chunks of `chunk` bytes until
/// the peer closes), or the first error of the write or a read. A TCP reset after some of the
/// page counts as its end (`s_server -www` closes right after its close_notify).
pub fn http_get_page(conn: &qlssl::tls::context::Context, chunk: usize) -> Result<String, qlssl::tls::error::Error> {
    let req = b"GET / HTTP/1.0\r\n\r\n";
    let written = conn.write(req)?;
    assert_eq!(written, req.len(), "one write takes the whole request");
    let mut out = Vec::new();
    let mut buf = vec![0u8; chunk];
    for _ in 0..10_000 {
        match conn.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(qlssl::tls::error::Error::SocketReset) if !out.is_empty() => break,
            Err(e) => return Err(e),
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
