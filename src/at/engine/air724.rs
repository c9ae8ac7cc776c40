//! The Air724UG dialect (`--dialect air724`): seed 004's `AT+CIPSSL` / `AT+SSLCFG` over the
//! SIMCom SIM800 family's TCP/IP flow (`AT+CSTT`, `AT+CIICR`, `AT+CIFSR`, `AT+CIPSTART`,
//! `AT+CIPSEND`, `AT+CIPRXGET`, `AT+CIPCLOSE`, `AT+CIPSHUT`...) and its file commands
//! (`AT+FSCREATE`, `AT+FSWRITE`...). Only the command set lives here: line handling, prompts, URC
//! holding, the file store and the links' opener and reader threads are the engine's.
//!
//! Every decision this file takes where the seed and the family's manuals leave room is listed in
//! docs/AT.md ("Air724 dialect").

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use super::*;

/// Links in multi-link mode (seed 004: "AT版本最多8个连接").
pub(crate) const LINKS: usize = 8;
/// Largest `AT+CIPSEND` payload and `AT+CIPRXGET=2` read (`=3` reads half, as hex).
const CIP_MAX: usize = 1460;
/// Special SSL contexts of the module's FTP, MQTT and HTTP applications (seed 004).
const SPECIAL_CTX: [i64; 3] = [34, 88, 153];
/// The six suites seed 004 lists, plus 0XFFFF (all of them).
const AIR_SUITES: [u16; 7] = [0x0035, 0x002F, 0x0005, 0x0004, 0x000A, 0x003D, 0xFFFF];

/// Where the bearer (the SIM800 family's "IP" state machine) stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Bearer {
    #[default]
    Initial,
    /// After `AT+CSTT`.
    Start,
    /// After `AT+CIICR`.
    GprsAct,
    /// After `AT+CIFSR` (or the first `AT+CIPSTART`).
    Status,
}

/// One session's Air724 settings.
#[derive(Clone, Debug)]
pub(crate) struct AirState {
    pub(crate) bearer: Bearer,
    mux: bool,
    qsend: bool,
    /// `AT+CIPSSL`: applied to the next `AT+CIPSTART`.
    ssl: bool,
    /// `AT+CIPRXGET=1`: data is held for `AT+CIPRXGET=2/3`.
    manual_rx: bool,
    /// `AT+CIPHEAD=1`: single-link pushed data gets a `+IPD,<len>:` header.
    head: bool,
    /// `AT+CIPSPRT`: 1 `>` and `SEND OK`; 0 no `>`, `SEND OK`; 2 neither.
    sprt: u8,
    apn: (String, String, String),
    /// `AT+SAPBR` bearer profile 1 (the HTTP/FTP bearer TinyGSM-style drivers open first): open
    /// flag, `Contype` and `APN`. Its state is reported; loopback links never depend on it.
    sapbr: (bool, String, String),
    /// Single link: the last link was closed (`STATE: IP CLOSE` / `TCP CLOSED`).
    closed_state: Option<&'static str>,
    /// `AT+SSLCFG` items the engine keeps (per context 0..=5).
    hostname: [String; CONTEXTS],
    verifymode: [u8; CONTEXTS],
}

impl Default for AirState {
    fn default() -> AirState {
        AirState {
            bearer: Bearer::Initial,
            mux: false,
            qsend: false,
            ssl: false,
            manual_rx: false,
            head: false,
            sprt: 1,
            apn: Default::default(),
            sapbr: (false, "GPRS".into(), String::new()),
            closed_state: None,
            hostname: Default::default(),
            verifymode: [0; CONTEXTS],
        }
    }
}

/// The dialect's one-number switches: `AT+<name>?` answers `+<name>: <value>`, `AT+<name>=?` the
/// range, `AT+<name>=<v>` sets it.
#[derive(Clone, Copy)]
enum Switch {
    /// `AT+CIPSSL`.
    Ssl,
    /// `AT+CIPMUX`.
    Mux,
    /// `AT+CIPQSEND`.
    QSend,
    /// `AT+CIPHEAD`.
    Head,
    /// `AT+CIPSPRT`.
    Sprt,
}

impl Switch {
    fn of(name: &str) -> Option<Switch> {
        Some(match name {
            "+CIPSSL" => Switch::Ssl,
            "+CIPMUX" => Switch::Mux,
            "+CIPQSEND" => Switch::QSend,
            "+CIPHEAD" => Switch::Head,
            "+CIPSPRT" => Switch::Sprt,
            _ => return None,
        })
    }

    /// The largest value, and the range as the test form answers it (the family's manuals
    /// spell it differently per command).
    fn range(self) -> (i64, &'static str) {
        match self {
            Switch::Ssl => (1, "(0-1)"),
            Switch::Mux | Switch::QSend | Switch::Head => (1, "(0,1)"),
            Switch::Sprt => (2, "(0-2)"),
        }
    }

    fn get(self, s: &AirState) -> u8 {
        match self {
            Switch::Ssl => u8::from(s.ssl),
            Switch::Mux => u8::from(s.mux),
            Switch::QSend => u8::from(s.qsend),
            Switch::Head => u8::from(s.head),
            Switch::Sprt => s.sprt,
        }
    }

    fn set(self, s: &mut AirState, v: u8) {
        match self {
            Switch::Ssl => s.ssl = v == 1,
            Switch::Mux => s.mux = v == 1,
            Switch::QSend => s.qsend = v == 1,
            Switch::Head => s.head = v == 1,
            Switch::Sprt => s.sprt = v,
        }
    }

    /// Seed 004: `AT+CIPMUX` and `AT+CIPQSEND` only before the bearer is activated, "otherwise
    /// it fails".
    fn before_bearer_only(self) -> bool {
        matches!(self, Switch::Mux | Switch::QSend)
    }
}

/// The dialect's commands answered by one fixed line and OK (as `FIXED_ANSWERS`).
const AIR_FIXED_ANSWERS: &[(&str, &str)] = &[
    ("+CSTT=?", "+CSTT: \"APN\",\"USER\",\"PWD\""),
    ("+CIPRXGET=?", "+CIPRXGET: (0-4),(0-7),(1-1460)"),
    ("+CIPMODE?", "+CIPMODE: 0"),
    ("+CIPMODE=?", "+CIPMODE: (0,1)"),
];

/// `AT+SSLCFG` integer items kept by the library: name, key, range, value the erase restores.
const AIR_INT_ITEMS: &[(&str, ConfigKey, i64, i64, i64)] = &[
    ("sslversion", ConfigKey::SslVersion, 0, 4, 4),
    ("seclevel", ConfigKey::SecLevel, 0, 2, 0),
    ("ignorelocaltime", ConfigKey::IgnoreLocalTime, 0, 1, 1),
    ("negotiatetimeout", ConfigKey::NegotiateTime, 10, 300, 300),
];

const AIR_PATH_ITEMS: &[(&str, ConfigKey)] =
    &[("cacert", ConfigKey::CaCert), ("clientcert", ConfigKey::ClientCert), ("clientkey", ConfigKey::ClientKey)];

/// Every command the dialect adds (docs/AT.md is checked against this list).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const AIR_COMMANDS: &[&str] = &[
    "AT+CIPSSL", "AT+SSLCFG", "AT+CIPMUX", "AT+CIPQSEND", "AT+CSTT", "AT+CIICR", "AT+CIFSR", "AT+CIPSTATUS",
    "AT+CIPSTART", "AT+CIPSEND", "AT+CIPRXGET", "AT+CIPHEAD", "AT+CIPSPRT", "AT+CIPCLOSE", "AT+CIPSHUT",
    "AT+CIPMODE", "AT+CGATT", "AT+CDNSCFG", "AT+SAPBR", "AT+FSCREATE", "AT+FSWRITE", "AT+FSREAD", "AT+FSLS", "AT+FSDEL",
    "AT+FSFLSIZE",
];

/// A port given quoted (`"443"`, the manual's form) or not (TinyGSM's).
fn port_arg(a: Option<&Arg>) -> Option<u16> {
    let t = a?.text()?;
    t.parse::<u16>().ok().filter(|p| *p > 0)
}

/// A file name of the family's FS commands: `name` or `C:\User\name` (the SIM800 form).
fn fs_name(a: Option<&Arg>) -> Result<String, u16> {
    let t = a.and_then(Arg::text).ok_or(err::CME_BAD_PARAM)?;
    let bare = if t.len() > 8 && t[..8].eq_ignore_ascii_case("C:\\User\\") { &t[8..] } else { t.as_str() };
    Engine::ufs_name(Some(&Arg::Str(bare.as_bytes().to_vec()))).map_err(|_| err::CME_BAD_PARAM)
}

impl Engine {
    fn links(&self) -> usize {
        if self.air.mux {
            LINKS
        } else {
            1
        }
    }

    /// `"<n>, "` before a link's result in multi-link mode, nothing in single-link mode.
    fn link_prefix(&self, id: usize) -> String {
        if self.air.mux {
            format!("{id}, ")
        } else {
            String::new()
        }
    }

    fn any_link_open(&self) -> bool {
        self.slots[..LINKS].iter().any(|s| s.state != State::Free)
    }

    /// The `STATE:` text of `AT+CIPSTATUS` and of a failed single-link `AT+CIPSTART`.
    fn air_state_text(&self) -> &'static str {
        if self.air.mux {
            if self.any_link_open() {
                return "IP PROCESSING";
            }
        } else {
            match self.slots[0].state {
                State::Opening => return "TCP CONNECTING",
                State::Connected => return "CONNECT OK",
                State::Closing => return "TCP CLOSED",
                State::Free => {
                    if let Some(s) = self.air.closed_state {
                        return s;
                    }
                }
            }
        }
        match self.air.bearer {
            Bearer::Initial => "IP INITIAL",
            Bearer::Start => "IP START",
            Bearer::GprsAct => "IP GPRSACT",
            Bearer::Status => "IP STATUS",
        }
    }

    /// The link a command names: `=<n>,...` in multi-link mode (returns the rest of the
    /// arguments), implicitly 0 in single-link mode.
    fn link_arg<'a>(&self, a: &'a [Arg]) -> Option<(usize, &'a [Arg])> {
        if self.air.mux {
            let id = int_in(a.first(), 0, LINKS as i64 - 1)?;
            Some((id as usize, &a[1..]))
        } else {
            Some((0, a))
        }
    }

    /// Read, test or set one of the switches; None for the other forms (not commands of it).
    fn switch(&mut self, sw: Switch, c: &Cmd) -> Option<Final> {
        let (max, range) = sw.range();
        Some(match &c.kind {
            Kind::Read => {
                let v = sw.get(&self.air);
                self.info(&format!("{}: {v}", c.name));
                Final::Ok
            }
            Kind::Test => {
                self.info(&format!("{}: {range}", c.name));
                Final::Ok
            }
            Kind::Set(a) => match int_in(a.first(), 0, max) {
                Some(_)
                    if sw.before_bearer_only()
                        && (self.any_link_open() || !matches!(self.air.bearer, Bearer::Initial | Bearer::Start)) =>
                {
                    Final::Cme(err::CME_NOT_ALLOWED)
                }
                Some(v) if a.len() == 1 => {
                    sw.set(&mut self.air, v as u8);
                    Final::Ok
                }
                _ => Final::Cme(err::CME_BAD_PARAM),
            },
            Kind::Exec => return None,
        })
    }

    /// Commands of the Air724 dialect; None = not one of them (the shared basic commands).
    pub(super) fn air_command(&mut self, c: &Cmd, now: Instant) -> Option<Final> {
        if let Some(sw) = Switch::of(&c.name) {
            return self.switch(sw, c);
        }
        if let Some(text) = fixed_answer(AIR_FIXED_ANSWERS, c) {
            self.info(text);
            return Some(Final::Ok);
        }
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let f = match (c.name.as_str(), &c.kind) {
            ("+SSLCFG", Kind::Test) => Final::Ok,
            ("+SSLCFG", Kind::Set(a)) => self.sslcfg(a),
            ("+CSTT", Kind::Read) => {
                let (apn, user, pass) = self.air.apn.clone();
                self.info(&format!("+CSTT: \"{apn}\",\"{user}\",\"{pass}\""));
                Final::Ok
            }
            ("+CSTT", Kind::Exec | Kind::Set(_)) => {
                if self.air.bearer != Bearer::Initial {
                    return Some(Final::Cme(err::CME_NOT_ALLOWED));
                }
                if let Kind::Set(a) = &c.kind {
                    if a.len() > 3 {
                        return Some(bad);
                    }
                    let t = |k: usize| a.get(k).and_then(Arg::text).unwrap_or_default();
                    self.air.apn = (t(0), t(1), t(2));
                }
                self.air.bearer = Bearer::Start;
                Final::Ok
            }
            ("+CIICR", Kind::Exec) => {
                if self.air.bearer != Bearer::Start {
                    return Some(Final::Cme(err::CME_NOT_ALLOWED));
                }
                self.air.bearer = Bearer::GprsAct;
                Final::Ok
            }
            ("+CIFSR", Kind::Exec) => {
                if matches!(self.air.bearer, Bearer::Initial | Bearer::Start) {
                    return Some(Final::Cme(err::CME_NOT_ALLOWED));
                }
                self.air.bearer = Bearer::Status;
                // The family answers the address alone, without OK.
                self.info("127.0.0.1");
                Final::Quiet
            }
            ("+CIPSTATUS", Kind::Exec) => {
                line(&mut self.out, "OK");
                let st = self.air_state_text();
                self.info(&format!("STATE: {st}"));
                if self.air.mux {
                    for id in 0..LINKS {
                        let l = self.link_status(id);
                        self.info(&format!("C: {l}"));
                    }
                }
                Final::None
            }
            ("+CIPSTATUS", Kind::Set(a)) if self.air.mux => match int_in(a.first(), 0, LINKS as i64 - 1) {
                Some(id) if a.len() == 1 => {
                    let l = self.link_status(id as usize);
                    self.info(&format!("+CIPSTATUS: {l}"));
                    Final::Ok
                }
                _ => bad,
            },
            ("+CIPSTART", Kind::Set(a)) => self.cipstart(a),
            ("+CIPSEND", Kind::Test) => {
                self.info(&format!("+CIPSEND: ({CIP_MAX})"));
                Final::Ok
            }
            ("+CIPSEND", Kind::Read) => {
                for id in 0..self.links() {
                    let p = if self.air.mux { format!("{id},") } else { String::new() };
                    self.info(&format!("+CIPSEND: {p}{CIP_MAX}"));
                }
                Final::Ok
            }
            ("+CIPSEND", Kind::Exec) => self.cipsend(&[], now),
            ("+CIPSEND", Kind::Set(a)) => self.cipsend(a, now),
            ("+CIPRXGET", Kind::Read) => {
                let v = u8::from(self.air.manual_rx);
                self.info(&format!("+CIPRXGET: {v}"));
                Final::Ok
            }
            ("+CIPRXGET", Kind::Set(a)) => self.ciprxget(a),
            // Transparent mode (CIPMODE=1) is not offered by this dialect.
            ("+CIPMODE", Kind::Set(a)) => match int_in(a.first(), 0, 1) {
                Some(0) if a.len() == 1 => Final::Ok,
                Some(1) => Final::Cme(err::CME_NOT_SUPPORTED),
                _ => bad,
            },
            ("+CIPCLOSE", Kind::Exec) => self.cipclose(&[]),
            ("+CIPCLOSE", Kind::Set(a)) => self.cipclose(a),
            ("+CIPSHUT", Kind::Exec) => {
                for id in 0..LINKS {
                    self.release(id);
                }
                self.air.bearer = Bearer::Initial;
                self.air.closed_state = None;
                line(&mut self.out, "SHUT OK");
                Final::None
            }
            ("+CGATT", Kind::Set(a)) if int_in(a.first(), 0, 1).is_some() && a.len() == 1 => Final::Ok,
            ("+CDNSCFG", Kind::Set(a)) if a.len() <= 2 => Final::Ok,
            ("+SAPBR", Kind::Set(a)) => self.sapbr(a),
            ("+FSCREATE", Kind::Set(a)) => self.fscreate(a),
            ("+FSWRITE", Kind::Set(a)) => self.fswrite(a, now),
            ("+FSREAD", Kind::Set(a)) => self.fsread(a),
            ("+FSLS", Kind::Exec | Kind::Set(_)) => {
                for (name, _) in self.list_files() {
                    self.info(&name);
                }
                Final::Ok
            }
            ("+FSDEL", Kind::Set(a)) => match fs_name(a.first()) {
                Ok(n) if a.len() == 1 => match fs::remove_file(self.opts.ufs.join(n)) {
                    Ok(()) => Final::Ok,
                    Err(_) => Final::Cme(err::CME_NOT_ALLOWED),
                },
                _ => bad,
            },
            ("+FSFLSIZE", Kind::Set(a)) => match fs_name(a.first()) {
                Ok(n) if a.len() == 1 => match fs::metadata(self.opts.ufs.join(n)) {
                    Ok(m) if m.is_file() => {
                        self.info(&format!("+FSFLSIZE: {}", m.len()));
                        Final::Ok
                    }
                    _ => Final::Cme(err::CME_NOT_ALLOWED),
                },
                _ => bad,
            },
            _ => return None,
        };
        Some(f)
    }

    /// `AT+SAPBR=<cmd 0-4>,<cid 1-3>[,"<param>","<value>"]`: 0 close, 1 open, 2 query
    /// (`+SAPBR: <cid>,<1 open/3 closed>,"<ip>"`), 3 set `Contype`/`APN`, 4 show them.
    fn sapbr(&mut self, a: &[Arg]) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let (Some(cmd), Some(cid)) = (int_in(a.first(), 0, 4), int_in(a.get(1), 1, 3)) else { return bad };
        match (cmd, a.len()) {
            (0 | 1, 2) => self.air.sapbr.0 = cmd == 1,
            (2, 2) => {
                let (status, ip) = if self.air.sapbr.0 { (1, "127.0.0.1") } else { (3, "0.0.0.0") };
                self.info(&format!("+SAPBR: {cid},{status},\"{ip}\""));
            }
            (3, 4) => {
                let (Some(param), Some(value)) = (a[2].text(), a[3].text()) else { return bad };
                match param.to_ascii_uppercase().as_str() {
                    "CONTYPE" => self.air.sapbr.1 = value,
                    "APN" => self.air.sapbr.2 = value,
                    _ => return bad,
                }
            }
            (4, 2) => {
                let (_, contype, apn) = self.air.sapbr.clone();
                self.info(&format!("+SAPBR:\r\nCONTYPE: {contype}\r\nAPN: {apn}"));
            }
            _ => return bad,
        }
        Final::Ok
    }

    /// `<n>,<bearer>,"TCP","<ip>","<port>","<state>"` (the `C:` / `+CIPSTATUS:` line).
    fn link_status(&self, id: usize) -> String {
        let s = &self.slots[id];
        let state = match s.state {
            State::Free => return format!("{id},,\"\",\"\",\"\",\"INITIAL\""),
            State::Opening => "CONNECTING",
            State::Connected => "CONNECTED",
            State::Closing => "CLOSED",
        };
        format!("{id},0,\"TCP\",\"{}\",\"{}\",\"{state}\"", s.host, s.rport)
    }

    // ------------------------------------------------------------------------------ SSLCFG

    fn sslcfg(&mut self, a: &[Arg]) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let Some(item) = a.first().and_then(Arg::text).map(|t| t.to_ascii_lowercase()) else { return bad };
        let Some(ctx) = a.get(1).and_then(Arg::int) else { return bad };
        if SPECIAL_CTX.contains(&ctx) {
            // The module's own FTP/MQTT/HTTP clients do not exist here.
            return Final::Cme(err::CME_NOT_SUPPORTED);
        }
        if !(0..CONTEXTS as i64).contains(&ctx) || a.len() > 3 {
            return bad;
        }
        let ctx = ctx as u8;
        // `"name",<ctx>` queries; `"name",<ctx>,` (a trailing comma) erases; else sets.
        let value = match a.get(2) {
            None => return self.sslcfg_query(&item, ctx),
            Some(Arg::Empty) => None,
            Some(Arg::Str(s)) if s.is_empty() => None,
            Some(v) => Some(v),
        };
        let set = |item: ConfigItem| self.set_item(ctx, item, err::CME_NOT_SUPPORTED, err::CME_BAD_PARAM);
        if let Some(&(_, key, lo, hi, default)) = AIR_INT_ITEMS.iter().find(|i| i.0 == item) {
            return match value {
                None => set(ConfigItem::Int(key, default)),
                Some(v) => match int_in(Some(v), lo, hi) {
                    Some(v) => set(ConfigItem::Int(key, v)),
                    None => bad,
                },
            };
        }
        if let Some(&(_, key)) = AIR_PATH_ITEMS.iter().find(|i| i.0 == item) {
            return match value {
                // An erase of `clientcert`/`clientkey` clears the library's pair; the other half
                // stays shown and is used again once its partner is set (TlsService::set).
                None => set(ConfigItem::Path(key, None)),
                Some(v) => match Self::ufs_name(Some(v)) {
                    Ok(name) => set(ConfigItem::Path(key, Some(format!("UFS:{name}")))),
                    Err(_) => bad,
                },
            };
        }
        match item.as_str() {
            "ciphersuite" => match value {
                None => set(ConfigItem::Ciphersuites(vec![0xFFFF])),
                Some(v) => match parser::parse_hex_suite(v).filter(|s| AIR_SUITES.contains(s)) {
                    Some(id) => set(ConfigItem::Ciphersuites(vec![id])),
                    None => bad,
                },
            },
            "hostname" => {
                let name = value.and_then(Arg::text).unwrap_or_default();
                if name.len() > 255 || name.bytes().any(|b| !b.is_ascii_graphic()) {
                    return bad;
                }
                self.air.hostname[usize::from(ctx)] = name;
                Final::Ok
            }
            "verifymode" => match value.map(|v| int_in(Some(v), 0, 1)) {
                None => {
                    self.air.verifymode[usize::from(ctx)] = 0;
                    Final::Ok
                }
                Some(Some(v)) => {
                    self.air.verifymode[usize::from(ctx)] = v as u8;
                    Final::Ok
                }
                Some(None) => bad,
            },
            // mbedtls 2.28 draws the ClientHello random and the premaster secret from its RNG
            // inside the handshake and offers no way to supply them: refused, never ignored.
            "clientrandom" | "premaster" => match value {
                None => Final::Ok,
                Some(_) => Final::Cme(err::CME_NOT_SUPPORTED),
            },
            _ => bad,
        }
    }

    fn sslcfg_query(&mut self, item: &str, ctx: u8) -> Final {
        let get = |key| self.svc.get(ctx, key);
        let value = if let Some(&(name, key, ..)) = AIR_INT_ITEMS.iter().find(|i| i.0 == item) {
            match get(key) {
                Ok(ConfigItem::Int(_, v)) => format!("\"{name}\",{ctx},{v}"),
                _ => return Final::Cme(err::CME_BAD_PARAM),
            }
        } else if let Some(&(name, key)) = AIR_PATH_ITEMS.iter().find(|i| i.0 == item) {
            match get(key) {
                Ok(ConfigItem::Path(_, p)) => {
                    let p = p.unwrap_or_default();
                    let bare = p.strip_prefix("UFS:").unwrap_or(&p);
                    format!("\"{name}\",{ctx},\"{bare}\"")
                }
                _ => return Final::Cme(err::CME_BAD_PARAM),
            }
        } else {
            match item {
                "ciphersuite" => match get(ConfigKey::Ciphersuite) {
                    // A list set through AT+QSSLCFG or the C API is shown joined by ':' (as there).
                    Ok(ConfigItem::Ciphersuites(ids)) => format!("\"ciphersuite\",{ctx},{}", suites_text(&ids)),
                    _ => return Final::Cme(err::CME_BAD_PARAM),
                },
                "hostname" => format!("\"hostname\",{ctx},\"{}\"", self.air.hostname[usize::from(ctx)]),
                "verifymode" => format!("\"verifymode\",{ctx},{}", self.air.verifymode[usize::from(ctx)]),
                "clientrandom" | "premaster" => format!("\"{item}\",{ctx},\"\""),
                _ => return Final::Cme(err::CME_BAD_PARAM),
            }
        };
        self.info(&format!("+SSLCFG: {value}"));
        Final::Ok
    }

    // ------------------------------------------------------------------------------ links

    fn cipstart(&mut self, a: &[Arg]) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let Some((id, rest)) = self.link_arg(a) else { return bad };
        let (Some(kind), Some(host), Some(port)) =
            (rest.first().and_then(Arg::text), rest.get(1).and_then(Arg::text), port_arg(rest.get(2)))
        else {
            return bad;
        };
        if rest.len() != 3 || host.is_empty() || host.len() > 255 {
            return bad;
        }
        match kind.to_ascii_uppercase().as_str() {
            "TCP" => {}
            // UDP links are not offered by this dialect.
            "UDP" => return Final::Cme(err::CME_NOT_SUPPORTED),
            _ => return bad,
        }
        let tls = self.air.ssl;
        if tls && id >= CONTEXTS {
            // Links 6 and 7 have no SSL context (the library has contexts 0..=5, seed 004 too).
            return Final::Cme(err::CME_NOT_SUPPORTED);
        }
        match self.slots[id].state {
            State::Opening | State::Connected => {
                let p = self.link_prefix(id);
                line(&mut self.out, &format!("{p}ALREADY CONNECT"));
                return Final::None;
            }
            // A link the peer closed is reused (its unread data is dropped).
            State::Closing => self.release(id),
            State::Free => {}
        }
        // The first connection brings the bearer up, as the family does from IP INITIAL.
        self.air.bearer = Bearer::Status;
        self.air.closed_state = None;
        // Link n uses SSL context n; `AT+SSLCFG="hostname"` replaces the host as the TLS name.
        let tls_name = if tls && !self.air.hostname[id].is_empty() { self.air.hostname[id].clone() } else { host.clone() };
        // No PDP context or access mode in this dialect: a socket's defaults (1, buffer access).
        let req = OpenRequest { host, tls_name, port, ctx: id as u8, tls, dtls: false, pdp: 1, mode: 0 };
        if !self.start_open(id, req) {
            return Final::Cme(err::CME_NOT_ALLOWED);
        }
        Final::Ok
    }

    /// The opener's verdict: `[<n>, ]CONNECT OK` or (`STATE: ...` and) `[<n>, ]CONNECT FAIL`.
    pub(super) fn air_opened(&mut self, id: usize, failure: Option<u16>) {
        let p = self.link_prefix(id);
        match failure {
            None => self.urc(&format!("{p}CONNECT OK")),
            Some(_) => {
                if !self.air.mux {
                    self.air.closed_state = Some("TCP CLOSED");
                    let st = self.air_state_text();
                    self.urc(&format!("STATE: {st}"));
                }
                self.urc(&format!("{p}CONNECT FAIL"));
            }
        }
    }

    fn cipsend(&mut self, a: &[Arg], now: Instant) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        // `AT+CIPSEND` alone is the single-link, Ctrl-Z form.
        let Some((id, rest)) = self.link_arg(a) else { return bad };
        let fixed = match rest {
            [] => None,
            [n] => match int_in(Some(n), 1, CIP_MAX as i64) {
                Some(n) => Some(n as usize),
                None => return bad,
            },
            _ => return bad,
        };
        if self.slots[id].state != State::Connected {
            return Final::Cme(err::CME_NOT_ALLOWED);
        }
        if self.air.sprt == 1 {
            self.out.extend_from_slice(b"\r\n> ");
        }
        self.start_prompt(id, fixed, now)
    }

    pub(super) fn air_send_result(&mut self, id: usize, outcome: SendOutcome) {
        let p = self.link_prefix(id);
        match outcome {
            SendOutcome::Sent(n) if self.air.qsend => {
                let text = if self.air.mux { format!("DATA ACCEPT:{id},{n}") } else { format!("DATA ACCEPT:{n}") };
                line(&mut self.out, &text);
            }
            SendOutcome::Sent(_) if self.air.sprt == 2 => {}
            SendOutcome::Sent(_) => line(&mut self.out, &format!("{p}SEND OK")),
            SendOutcome::TooLong | SendOutcome::Closed => self.final_result(Final::Cme(err::CME_NOT_ALLOWED), false),
            SendOutcome::Reset | SendOutcome::Failed => line(&mut self.out, &format!("{p}SEND FAIL")),
        }
    }

    /// ESC (or the prompt timeout) cancels a `>` prompt: nothing is sent, and the family answers OK.
    pub(super) fn air_send_cancelled(&mut self, _id: usize) {
        self.final_result(Final::Ok, false);
    }

    fn cipclose(&mut self, a: &[Arg]) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let Some((id, rest)) = self.link_arg(a) else { return bad };
        // An optional <mode> (0 slow, 1 quick close): closing here is always immediate.
        if rest.len() > 1 || (rest.len() == 1 && int_in(rest.first(), 0, 1).is_none()) {
            return bad;
        }
        if self.slots[id].state == State::Free {
            return Final::Cme(err::CME_NOT_ALLOWED);
        }
        self.release(id);
        if !self.air.mux {
            self.air.closed_state = Some("IP CLOSE");
        }
        let p = self.link_prefix(id);
        line(&mut self.out, &format!("{p}CLOSE OK"));
        Final::None
    }

    fn ciprxget(&mut self, a: &[Arg]) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let Some(mode) = int_in(a.first(), 0, 4) else { return bad };
        if mode <= 1 {
            if a.len() != 1 {
                return bad;
            }
            // Switching with links open would strand their buffered data: before CIPSTART only.
            if self.any_link_open() && self.air.manual_rx != (mode == 1) {
                return Final::Cme(err::CME_NOT_ALLOWED);
            }
            self.air.manual_rx = mode == 1;
            return Final::Ok;
        }
        if !self.air.manual_rx {
            return Final::Cme(err::CME_NOT_ALLOWED);
        }
        let Some((id, rest)) = self.link_arg(&a[1..]) else { return bad };
        if matches!(self.slots[id].state, State::Free | State::Opening) {
            return Final::Cme(err::CME_NOT_ALLOWED);
        }
        let p = if self.air.mux { format!("{id},") } else { String::new() };
        if mode == 4 {
            if !rest.is_empty() {
                return bad;
            }
            let n = self.slots[id].buf.len().min(u16::MAX as usize);
            self.info(&format!("+CIPRXGET: 4,{p}{n}"));
            return Final::Ok;
        }
        let max = if mode == 3 { CIP_MAX / 2 } else { CIP_MAX };
        let Some(len) = int_in(rest.first(), 1, max as i64).filter(|_| rest.len() == 1) else { return bad };
        let data = self.take_held(id, len as usize);
        let (n, left) = (data.len(), self.slots[id].buf.len());
        let mut v = format!("\r\n+CIPRXGET: {mode},{p}{n},{left}\r\n").into_bytes();
        if mode == 3 {
            for b in &data {
                v.extend_from_slice(format!("{b:02X}").as_bytes());
            }
        } else {
            v.extend_from_slice(&data);
        }
        self.out.extend_from_slice(&v);
        Final::Ok
    }

    /// Data from a link: held for `AT+CIPRXGET` (a `+CIPRXGET: 1` URC when its buffer was empty)
    /// or pushed (`+RECEIVE,<n>,<len>:` in multi-link mode; `+IPD,<len>:` or bare in single-link).
    pub(super) fn air_data(&mut self, id: usize, gen: u64, bytes: Vec<u8>) {
        if self.air.manual_rx {
            if self.hold(id, bytes) {
                let u = if self.air.mux { format!("+CIPRXGET: 1,{id}") } else { "+CIPRXGET: 1".to_string() };
                self.urc(&u);
            }
            return;
        }
        let (mux, head) = (self.air.mux, self.air.head);
        let frame = move |n: usize| {
            if mux {
                format!("\r\n+RECEIVE,{id},{n}:\r\n")
            } else if head {
                format!("\r\n+IPD,{n}:")
            } else {
                String::new()
            }
        };
        self.push_data(id, gen, &bytes, CIP_MAX, frame, b"");
    }

    /// The peer closed a link: `[<n>, ]CLOSED`. Unread `AT+CIPRXGET` data stays readable until
    /// the link is closed, shut or started again.
    pub(super) fn air_closed(&mut self, id: usize) {
        let p = self.link_prefix(id);
        self.urc(&format!("{p}CLOSED"));
        if !self.air.manual_rx || self.slots[id].buf.is_empty() {
            self.release(id);
            if !self.air.mux {
                self.air.closed_state = Some("TCP CLOSED");
            }
        }
    }

    // ------------------------------------------------------------------------------ files

    fn fscreate(&mut self, a: &[Arg]) -> Final {
        let name = match fs_name(a.first()) {
            Ok(n) if a.len() == 1 => n,
            _ => return Final::Cme(err::CME_BAD_PARAM),
        };
        match fs::File::create_new(self.opts.ufs.join(name)) {
            Ok(_) => Final::Ok,
            // Already there (or the store is not writable).
            Err(_) => Final::Cme(err::CME_NOT_ALLOWED),
        }
    }

    /// `AT+FSWRITE=<name>,<mode 0 overwrite/1 append>,<size>,<timeout s>`: `>`, exactly `<size>`
    /// bytes, `OK`. The file must exist (`AT+FSCREATE`).
    fn fswrite(&mut self, a: &[Arg], now: Instant) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let (Ok(name), Some(mode), Some(size), Some(timeout)) =
            (fs_name(a.first()), int_in(a.get(1), 0, 1), int_in(a.get(2), 1, FILE_MAX as i64), int_in(a.get(3), 1, 65535))
        else {
            return bad;
        };
        if a.len() != 4 {
            return bad;
        }
        let path = self.opts.ufs.join(name);
        if !path.is_file() {
            return Final::Cme(err::CME_NOT_ALLOWED);
        }
        self.out.extend_from_slice(b"\r\n> ");
        self.start_upload(path, size as usize, timeout as u64, now, Some(mode == 1))
    }

    pub(super) fn air_fswrite_done(&mut self, path: &Path, data: &[u8], append: bool) {
        let written = fs::OpenOptions::new()
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .and_then(|mut f| f.write_all(data));
        let f = if written.is_ok() { Final::Ok } else { Final::Cme(err::CME_NOT_ALLOWED) };
        self.final_result(f, false);
    }

    /// `AT+FSREAD=<name>,<mode 0 from the start/1 from position>,<size>,<position>`: the bytes, `OK`.
    fn fsread(&mut self, a: &[Arg]) -> Final {
        let bad = Final::Cme(err::CME_BAD_PARAM);
        let (Ok(name), Some(mode), Some(size), Some(pos)) = (
            fs_name(a.first()),
            int_in(a.get(1), 0, 1),
            int_in(a.get(2), 1, FILE_MAX as i64),
            int_in(a.get(3), 0, FILE_MAX as i64),
        ) else {
            return bad;
        };
        if a.len() != 4 {
            return bad;
        }
        let Ok(data) = fs::read(self.opts.ufs.join(name)) else { return Final::Cme(err::CME_NOT_ALLOWED) };
        let start = if mode == 1 { (pos as usize).min(data.len()) } else { 0 };
        let end = (start + size as usize).min(data.len());
        self.out.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(&data[start..end]);
        self.out.extend_from_slice(b"\r\n");
        Final::Ok
    }
}
