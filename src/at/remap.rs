//! `--map RULES`: which loopback address a name or address the client opens really reaches.
//! The rule syntax is the host runtime's (runtime/remap.c, docs/RUNTIME.md): rules separated by
//! `,` `;` or blanks, each `SOURCE=DESTINATION` with SOURCE `host[:port]` / `ip[:port]` /
//! `[ipv6]:port` (port `*` or absent = any) and DESTINATION a loopback address or `localhost`,
//! with an optional port (absent = the same port). Without a matching rule, loopback literals
//! and `localhost` are used as they are; anything else is refused. Names are never looked up.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    /// Lower-case host name or address text.
    src: String,
    /// None = any port.
    src_port: Option<u16>,
    dst: IpAddr,
    /// None = the source's port.
    dst_port: Option<u16>,
}

#[derive(Clone, Debug, Default)]
pub struct Remap {
    rules: Vec<Rule>,
}

/// Why an address cannot be reached (the engine maps these to module error codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A name with no rule (the module's "DNS parse failed").
    UnknownName,
    /// A non-loopback address with no rule (the module's "socket connection failed").
    NotLoopback,
}

fn split_host_port(s: &str) -> Result<(String, Option<u16>, bool), String> {
    // Returns (host, port, port_given). `[v6]:port`, `v6` (several colons), `host:port`, `host`.
    if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once("]:").ok_or_else(|| format!("bad address {s:?}"))?;
        return Ok((h.to_string(), parse_port(p)?, true));
    }
    if s.matches(':').count() > 1 {
        return Ok((s.to_string(), None, false));
    }
    match s.split_once(':') {
        Some((h, p)) => Ok((h.to_string(), parse_port(p)?, true)),
        None => Ok((s.to_string(), None, false)),
    }
}

fn parse_port(p: &str) -> Result<Option<u16>, String> {
    if p == "*" {
        return Ok(None);
    }
    p.parse::<u16>().ok().filter(|&n| n > 0).map(Some).ok_or_else(|| format!("bad port {p:?}"))
}

fn is_loopback_name(h: &str) -> Option<IpAddr> {
    if h.eq_ignore_ascii_case("localhost") {
        return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    h.parse::<IpAddr>().ok().filter(|a| a.is_loopback())
}

impl Remap {
    /// Parse `RULES`; an invalid rule (or a non-loopback destination) is an error.
    pub fn parse(text: &str) -> Result<Remap, String> {
        let mut rules = Vec::new();
        for r in text.split([',', ';', ' ', '\t', '\n']).filter(|r| !r.is_empty()) {
            let (src, dst) = r.split_once('=').ok_or_else(|| format!("rule {r:?} has no '='"))?;
            let (sh, sp, _) = split_host_port(src)?;
            if sh.is_empty() {
                return Err(format!("rule {r:?} has an empty source"));
            }
            let (dh, dp, _) = split_host_port(dst)?;
            let dst_ip = is_loopback_name(&dh).ok_or_else(|| format!("rule {r:?}: destination must be loopback"))?;
            rules.push(Rule { src: sh.to_ascii_lowercase(), src_port: sp, dst: dst_ip, dst_port: dp });
            if rules.len() > 64 {
                return Err("more than 64 rules".into());
            }
        }
        Ok(Remap { rules })
    }

    /// Where `host:port` really goes.
    pub fn resolve(&self, host: &str, port: u16) -> Result<SocketAddr, Refusal> {
        let h = host.trim().to_ascii_lowercase();
        let h = h.trim_start_matches('[').trim_end_matches(']');
        for r in &self.rules {
            if r.src == h && r.src_port.is_none_or(|p| p == port) {
                return Ok(SocketAddr::new(r.dst, r.dst_port.unwrap_or(port)));
            }
        }
        if let Some(ip) = is_loopback_name(h) {
            return Ok(SocketAddr::new(ip, port));
        }
        if h.parse::<IpAddr>().is_ok() {
            Err(Refusal::NotLoopback)
        } else {
            Err(Refusal::UnknownName)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let m = Remap::parse("www.example.com:443=127.0.0.1:8443, 220.180.239.212:8010=127.0.0.1:9000;x.org=localhost").unwrap();
        assert_eq!(m.resolve("WWW.example.com", 443), Ok("127.0.0.1:8443".parse().unwrap()));
        assert_eq!(m.resolve("www.example.com", 80), Err(Refusal::UnknownName));
        assert_eq!(m.resolve("220.180.239.212", 8010), Ok("127.0.0.1:9000".parse().unwrap()));
        assert_eq!(m.resolve("220.180.239.212", 8011), Err(Refusal::NotLoopback));
        assert_eq!(m.resolve("x.org", 5), Ok("127.0.0.1:5".parse().unwrap()));
        assert_eq!(m.resolve("127.0.0.1", 7), Ok("127.0.0.1:7".parse().unwrap()));
        assert_eq!(m.resolve("localhost", 7), Ok("127.0.0.1:7".parse().unwrap()));
        assert!(Remap::parse("a:1=8.8.8.8:1").is_err());
        assert!(Remap::parse("a:1").is_err());
    }
}
