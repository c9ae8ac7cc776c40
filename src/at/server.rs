//! The `qlssl-at` command line and its two front ends: a pseudo-terminal (one client at a time,
//! the module keeps its state when the client closes the device, like a module whose host UART
//! driver closes) and TCP (one independent session per connection). Both print `ready` on stderr
//! once clients can connect and exit 0 on SIGTERM/SIGINT.

use std::ffi::CStr;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::engine::{Dialect, Engine, Event, Options};
use super::remap::Remap;
use super::service::{LibService, TlsService};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_sig: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

const USAGE: &str = "usage: qlssl-at [--dialect quectel|air724] (--pty LINK | --tcp 127.0.0.1:PORT) [--map RULES] [--ufs DIR] [--log FILE] [--prompt-timeout SECONDS]";

/// How often loops look at the stop flag.
const POLL: Duration = Duration::from_millis(100);

/// The `--log` transcript: one timestamped line per chunk, `<` from the client, `>` to it.
#[derive(Clone, Default)]
struct Transcript(Option<Arc<Mutex<File>>>);

impl Transcript {
    fn write(&self, session: u64, dir: char, bytes: &[u8]) {
        let Some(f) = &self.0 else { return };
        let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let mut text = String::with_capacity(bytes.len() + 32);
        for &b in bytes {
            match b {
                b'\r' => text.push_str("\\r"),
                b'\n' => text.push_str("\\n"),
                b'\\' => text.push_str("\\\\"),
                0x20..=0x7E => text.push(b as char),
                _ => text.push_str(&format!("\\x{b:02x}")),
            }
        }
        let mut g = f.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(g, "{}.{:03} s{session} {dir} {text}", t.as_secs(), t.subsec_millis());
        let _ = g.flush();
    }
}

struct Args {
    pty: Option<PathBuf>,
    tcp: Option<SocketAddr>,
    map: Remap,
    ufs: Option<PathBuf>,
    log: Option<PathBuf>,
    prompt_timeout: Duration,
    dialect: Dialect,
}

fn parse_args(argv: Vec<String>) -> Result<Args, String> {
    let mut a = Args { pty: None, tcp: None, map: Remap::default(), ufs: None, log: None, prompt_timeout: Duration::from_secs(60), dialect: Dialect::Quectel };
    let mut it = argv.into_iter();
    while let Some(k) = it.next() {
        if k == "-h" || k == "--help" {
            return Err(USAGE.into());
        }
        let v = it.next().ok_or_else(|| format!("{k} needs a value\n{USAGE}"))?;
        match k.as_str() {
            "--dialect" => match v.as_str() {
                "quectel" => a.dialect = Dialect::Quectel,
                "air724" => a.dialect = Dialect::Air724,
                _ => return Err(format!("unknown dialect {v:?}")),
            },
            "--pty" => a.pty = Some(PathBuf::from(v)),
            "--tcp" => {
                let addr: SocketAddr = v.parse().map_err(|_| format!("bad --tcp address {v:?}"))?;
                if !addr.ip().is_loopback() {
                    return Err("--tcp must be a loopback address".into());
                }
                a.tcp = Some(addr);
            }
            "--map" => a.map = Remap::parse(&v)?,
            "--ufs" => a.ufs = Some(PathBuf::from(v)),
            "--log" => a.log = Some(PathBuf::from(v)),
            "--prompt-timeout" => {
                let s: u64 = v.parse().ok().filter(|s| (1..=3600).contains(s)).ok_or("bad --prompt-timeout")?;
                a.prompt_timeout = Duration::from_secs(s);
            }
            _ => return Err(format!("unknown option {k}\n{USAGE}")),
        }
    }
    if a.pty.is_some() == a.tcp.is_some() {
        return Err(format!("exactly one of --pty and --tcp\n{USAGE}"));
    }
    Ok(a)
}

/// Entry point of the binary; returns the exit status.
pub fn main_with_args(argv: Vec<String>) -> i32 {
    let args = match parse_args(argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("qlssl-at: {e}");
            return 2;
        }
    };
    // SAFETY: installing async-signal-safe handlers that only store to an atomic.
    unsafe {
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
    }
    let ufs = args.ufs.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("qlssl-at-ufs-{}", std::process::id())));
    if let Err(e) = fs::create_dir_all(&ufs) {
        eprintln!("qlssl-at: --ufs {}: {e}", ufs.display());
        return 2;
    }
    let ufs = fs::canonicalize(&ufs).unwrap_or(ufs);
    // The library resolves "UFS:name" under this directory. Set before any thread starts.
    std::env::set_var(crate::platform::UFS_DIR_ENV, &ufs);
    let transcript = match &args.log {
        None => Transcript(None),
        Some(p) => match File::create(p) {
            Ok(f) => Transcript(Some(Arc::new(Mutex::new(f)))),
            Err(e) => {
                eprintln!("qlssl-at: --log {}: {e}", p.display());
                return 2;
            }
        },
    };
    let opts = Options { ufs, map: args.map.clone(), prompt_timeout: args.prompt_timeout };
    let svc: Arc<dyn TlsService> = Arc::new(LibService::default());
    let rc = match (&args.pty, &args.tcp) {
        (Some(link), _) => serve_pty(link, svc, opts, args.dialect, transcript),
        (_, Some(addr)) => serve_tcp(*addr, svc, opts, args.dialect, transcript),
        _ => 2,
    };
    eprintln!("qlssl-at: stopped");
    rc
}

/// Run one session until the client goes away (`ClientGone`) or a stop is requested.
fn run_session(
    session: u64,
    mut engine: Engine,
    rx: mpsc::Receiver<Event>,
    mut write: impl FnMut(&[u8]) -> bool,
    log: &Transcript,
) {
    while !STOP.load(Ordering::SeqCst) {
        let now = Instant::now();
        let wait = engine.next_deadline().map_or(POLL, |d| d.saturating_duration_since(now).min(POLL));
        match rx.recv_timeout(wait) {
            Ok(Event::ClientGone) => break,
            Ok(Event::Client(bytes)) => {
                log.write(session, '<', &bytes);
                engine.event(Event::Client(bytes), Instant::now());
            }
            Ok(ev) => engine.event(ev, Instant::now()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        engine.tick(Instant::now());
        let out = engine.take_output();
        if !out.is_empty() {
            log.write(session, '>', &out);
            if !write(&out) {
                break;
            }
        }
    }
    engine.shutdown();
}

// ------------------------------------------------------------------------------------- TCP

fn serve_tcp(addr: SocketAddr, svc: Arc<dyn TlsService>, opts: Options, dialect: Dialect, log: Transcript) -> i32 {
    let listener = match TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("qlssl-at: --tcp {addr}: {e}");
            return 1;
        }
    };
    let _ = listener.set_nonblocking(true);
    let local = listener.local_addr().map_or(addr, |a| a);
    eprintln!("qlssl-at: ready on tcp {local}");
    let mut session = 0u64;
    let mut threads = Vec::new();
    while !STOP.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                session += 1;
                let (svc, opts, log) = (svc.clone(), opts.clone(), log.clone());
                let id = session;
                threads.push(std::thread::spawn(move || tcp_session(id, stream, svc, opts, dialect, &log)));
                threads.retain(|t| !t.is_finished());
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
            Err(_) => std::thread::sleep(POLL),
        }
    }
    // Sessions see the stop flag within one poll interval.
    let deadline = Instant::now() + Duration::from_secs(3);
    for t in threads {
        while !t.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    0
}

fn tcp_session(session: u64, stream: TcpStream, svc: Arc<dyn TlsService>, opts: Options, dialect: Dialect, log: &Transcript) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let (tx, rx) = mpsc::channel();
    let Ok(mut reader) = stream.try_clone() else { return };
    let rtx = tx.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => {
                    let _ = rtx.send(Event::ClientGone);
                    return;
                }
                Ok(n) => {
                    if rtx.send(Event::Client(buf[..n].to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
    });
    let mut w = stream.try_clone().ok();
    let engine = Engine::with_dialect(svc, tx, opts, dialect);
    run_session(session, engine, rx, |b| w.as_mut().is_some_and(|w| w.write_all(b).is_ok()), log);
    // Wakes the reader thread.
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

// ------------------------------------------------------------------------------------- pty

struct Pty {
    master: OwnedFd,
    path: String,
}

fn os_err(what: &str) -> String {
    format!("{what}: {}", std::io::Error::last_os_error())
}

fn open_pty() -> Result<Pty, String> {
    // SAFETY: plain libc calls; every returned descriptor is checked and owned exactly once.
    unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        if m < 0 {
            return Err(os_err("posix_openpt"));
        }
        let master = OwnedFd::from_raw_fd(m);
        if libc::grantpt(m) != 0 || libc::unlockpt(m) != 0 {
            return Err(os_err("grantpt/unlockpt"));
        }
        let mut name = [0 as libc::c_char; 128];
        if libc::ptsname_r(m, name.as_mut_ptr(), name.len()) != 0 {
            return Err(os_err("ptsname_r"));
        }
        let path = CStr::from_ptr(name.as_ptr()).to_string_lossy().into_owned();
        let s = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        if s < 0 {
            return Err(os_err("open slave"));
        }
        let slave = OwnedFd::from_raw_fd(s);
        // Raw: no line discipline echo or CR/LF translation; the engine echoes like a module.
        // The settings stay with the device (the master keeps it) after this descriptor closes.
        let mut t: libc::termios = core::mem::zeroed();
        if libc::tcgetattr(s, &mut t) == 0 {
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(s, libc::TCSANOW, &t);
        }
        // Not held open: the master then reports a hang-up exactly while no client has the
        // device open, which is how output for nobody is recognised (pty_write).
        drop(slave);
        let flags = libc::fcntl(m, libc::F_GETFL);
        libc::fcntl(m, libc::F_SETFL, flags | libc::O_NONBLOCK);
        Ok(Pty { master, path })
    }
}

/// Throw away the output a client left unread in the pty's device (its input queue).
fn discard_unread(device: &str) {
    let Ok(path) = std::ffi::CString::new(device) else { return };
    // SAFETY: a NUL-terminated path; the descriptor is ours and closed here.
    unsafe {
        let s = libc::open(path.as_ptr(), libc::O_RDWR | libc::O_NOCTTY | libc::O_NONBLOCK);
        if s >= 0 {
            libc::tcflush(s, libc::TCIFLUSH);
            libc::close(s);
        }
    }
}

/// No client has the pty's device open (the master reports a hang-up).
fn pty_unattended(fd: RawFd) -> bool {
    let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
    // SAFETY: one valid pollfd; a zero timeout only reads the state.
    unsafe { libc::poll(&mut p, 1, 0) };
    p.revents & libc::POLLHUP != 0
}

/// Write all of `b` to the non-blocking master, waiting at most 2 s for room (a client that
/// stopped reading loses output, as on a UART, instead of stalling the module). Output while no
/// client has the device open is dropped with a log line, as a UART's output with no host on the
/// line is lost: the next client does not read stale responses or URCs.
fn pty_write(fd: RawFd, mut b: &[u8]) -> bool {
    if pty_unattended(fd) {
        eprintln!("qlssl-at: no client on the pty: {} bytes of output dropped", b.len());
        return true;
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while !b.is_empty() && Instant::now() < deadline {
        // SAFETY: b is a readable buffer of its length; fd is the open master.
        let n = unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
        if n > 0 {
            b = &b[n as usize..];
            continue;
        }
        let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, 50) };
    }
    true
}

fn serve_pty(link: &Path, svc: Arc<dyn TlsService>, opts: Options, dialect: Dialect, log: Transcript) -> i32 {
    let pty = match open_pty() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("qlssl-at: {e}");
            return 1;
        }
    };
    if fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink()) {
        let _ = fs::remove_file(link);
    }
    if let Err(e) = std::os::unix::fs::symlink(&pty.path, link) {
        eprintln!("qlssl-at: --pty {}: {e}", link.display());
        return 1;
    }
    let (tx, rx) = mpsc::channel();
    let fd = pty.master.as_raw_fd();
    let rtx = tx.clone();
    let device = pty.path.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut attended = false;
        while !STOP.load(Ordering::SeqCst) {
            let mut p = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
            // SAFETY: one valid pollfd.
            let r = unsafe { libc::poll(&mut p, 1, 100) };
            if r <= 0 || p.revents & libc::POLLIN == 0 {
                if p.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
                    if std::mem::replace(&mut attended, false) {
                        // The client closed the device: what it left unread is not the next
                        // client's (pty_write drops what comes while nobody is there).
                        discard_unread(&device);
                    }
                    std::thread::sleep(POLL);
                } else {
                    attended = true;
                }
                continue;
            }
            attended = true;
            // SAFETY: buf is writable for its length.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n > 0 && rtx.send(Event::Client(buf[..n as usize].to_vec())).is_err() {
                return;
            }
        }
    });
    eprintln!("qlssl-at: ready on {} -> {}", link.display(), pty.path);
    let engine = Engine::with_dialect(svc, tx, opts, dialect);
    run_session(1, engine, rx, |b| pty_write(fd, b), &log);
    let _ = reader.join();
    let _ = fs::remove_file(link);
    drop(pty);
    0
}
