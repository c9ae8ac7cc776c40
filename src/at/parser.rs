//! AT command-line syntax: one line (without its CR) into commands. Pure and allocation-bounded:
//! the fuzz target `at_parser` drives it with arbitrary bytes.
//!
//! Grammar accepted (V.250 with the Quectel habits):
//! `AT` then zero or more commands: basic ones (`E0`, `I`, `O`, `Z`, `V1`, `Q0`, `&D1`, `&F`, `&W`)
//! and extended ones (`+NAME`, `+NAME?`, `+NAME=?`, `+NAME=args`), separated by `;` (required
//! after an extended command). Arguments are separated by `,`; a quoted argument may contain `,`
//! and `;`. Case of names is ignored; quoted strings keep theirs.

/// Longest command line accepted (characters after `AT`), like a module's input buffer.
pub(crate) const MAX_LINE: usize = 2048;
/// Most arguments one command may carry.
pub(crate) const MAX_ARGS: usize = 16;
/// Most commands one line may chain.
pub(crate) const MAX_CMDS: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Nothing between two commas (or nothing after the last).
    Empty,
    /// A quoted string (quotes removed).
    Str(Vec<u8>),
    /// An unquoted token (spaces around it removed).
    Tok(String),
}

impl Arg {
    /// An unquoted decimal integer.
    pub fn int(&self) -> Option<i64> {
        match self {
            Arg::Tok(t) if !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok(),
            Arg::Tok(t) if t.len() >= 2 && t.len() <= 12 && t.starts_with('-') && t[1..].bytes().all(|b| b.is_ascii_digit()) => {
                t.parse().ok()
            }
            _ => None,
        }
    }

    /// A quoted string (unquoted tokens are accepted too, as many modules do).
    pub fn text(&self) -> Option<String> {
        match self {
            Arg::Str(s) => String::from_utf8(s.clone()).ok(),
            Arg::Tok(t) if !t.is_empty() => Some(t.clone()),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Arg::Empty)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `+NAME=?`
    Test,
    /// `+NAME?`
    Read,
    /// `+NAME=...`
    Set(Vec<Arg>),
    /// `+NAME` or a basic command.
    Exec,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cmd {
    /// Upper case: `+QSSLCFG`, `E`, `&D`, `I`...
    pub name: String,
    pub kind: Kind,
    /// Numeric parameter of a basic command (`E0` → Some(0)).
    pub num: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The line does not start with `AT` / `at`.
    NoPrefix,
    TooLong,
    Syntax,
}

/// Parse one command line (CR and LF already removed).
pub fn parse_line(line: &[u8]) -> Result<Vec<Cmd>, ParseError> {
    let line = trim(line);
    if line.len() < 2 || !line[..2].eq_ignore_ascii_case(b"AT") {
        return Err(ParseError::NoPrefix);
    }
    let body = &line[2..];
    if body.len() > MAX_LINE {
        return Err(ParseError::TooLong);
    }
    let mut cmds = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if cmds.len() >= MAX_CMDS {
            return Err(ParseError::Syntax);
        }
        let c = body[i];
        match c {
            b' ' | b';' => i += 1,
            b'+' => {
                let (cmd, next) = extended(body, i)?;
                cmds.push(cmd);
                i = next;
                // An extended command ends the line or is followed by `;` (spaces allowed).
                while i < body.len() && body[i] == b' ' {
                    i += 1;
                }
                if i < body.len() {
                    if body[i] != b';' {
                        return Err(ParseError::Syntax);
                    }
                    i += 1;
                    // Tolerate a repeated `AT` after `;` (some clients chain that way).
                    while i < body.len() && body[i] == b' ' {
                        i += 1;
                    }
                    if body.len() >= i + 3 && body[i..i + 2].eq_ignore_ascii_case(b"AT") && body[i + 2] == b'+' {
                        i += 2;
                    }
                }
            }
            b'&' => {
                let letter = *body.get(i + 1).ok_or(ParseError::Syntax)?;
                if !letter.is_ascii_alphabetic() {
                    return Err(ParseError::Syntax);
                }
                let (num, next) = digits(body, i + 2)?;
                cmds.push(Cmd { name: format!("&{}", letter.to_ascii_uppercase() as char), kind: Kind::Exec, num });
                i = next;
            }
            c if c.is_ascii_alphabetic() => {
                let (num, next) = digits(body, i + 1)?;
                cmds.push(Cmd { name: (c.to_ascii_uppercase() as char).to_string(), kind: Kind::Exec, num });
                i = next;
            }
            _ => return Err(ParseError::Syntax),
        }
    }
    Ok(cmds)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\n' | b'\r', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\n' | b'\r'] = s {
        s = rest;
    }
    s
}

fn digits(body: &[u8], mut i: usize) -> Result<(Option<u32>, usize), ParseError> {
    let start = i;
    while i < body.len() && body[i].is_ascii_digit() {
        i += 1;
        if i - start > 3 {
            return Err(ParseError::Syntax);
        }
    }
    if i == start {
        return Ok((None, i));
    }
    let n = core::str::from_utf8(&body[start..i]).ok().and_then(|s| s.parse().ok()).ok_or(ParseError::Syntax)?;
    Ok((Some(n), i))
}

fn extended(body: &[u8], start: usize) -> Result<(Cmd, usize), ParseError> {
    let mut i = start + 1;
    while i < body.len() && (body[i].is_ascii_alphanumeric() || body[i] == b'_') {
        i += 1;
    }
    if i == start + 1 || i - start > 24 {
        return Err(ParseError::Syntax);
    }
    let name = String::from_utf8_lossy(&body[start..i]).to_ascii_uppercase();
    let rest = &body[i..];
    if rest.starts_with(b"=?") {
        return Ok((Cmd { name, kind: Kind::Test, num: None }, i + 2));
    }
    if rest.starts_with(b"?") {
        return Ok((Cmd { name, kind: Kind::Read, num: None }, i + 1));
    }
    if !rest.starts_with(b"=") {
        return Ok((Cmd { name, kind: Kind::Exec, num: None }, i));
    }
    i += 1;
    let mut args = Vec::new();
    let mut cur: Option<Arg> = None;
    let mut tok = Vec::new();
    loop {
        // Skip spaces before an argument.
        while i < body.len() && body[i] == b' ' {
            i += 1;
        }
        if i < body.len() && body[i] == b'"' {
            let close = body[i + 1..].iter().position(|&b| b == b'"').ok_or(ParseError::Syntax)?;
            cur = Some(Arg::Str(body[i + 1..i + 1 + close].to_vec()));
            i += close + 2;
            while i < body.len() && body[i] == b' ' {
                i += 1;
            }
        } else {
            tok.clear();
            while i < body.len() && body[i] != b',' && body[i] != b';' {
                if body[i] == b'"' {
                    return Err(ParseError::Syntax);
                }
                tok.push(body[i]);
                i += 1;
            }
            let t = trim(&tok);
            if !t.is_empty() {
                if !t.iter().all(|b| b.is_ascii_graphic()) {
                    return Err(ParseError::Syntax);
                }
                cur = Some(Arg::Tok(String::from_utf8_lossy(t).into_owned()));
            }
        }
        args.push(cur.take().unwrap_or(Arg::Empty));
        if args.len() > MAX_ARGS {
            return Err(ParseError::Syntax);
        }
        if i < body.len() && body[i] == b',' {
            i += 1;
            continue;
        }
        if i < body.len() && body[i] != b';' {
            return Err(ParseError::Syntax);
        }
        break;
    }
    Ok((Cmd { name, kind: Kind::Set(args), num: None }, i))
}

/// Parse a cipher-suite value: `0X0035` / `0x0035` (quoted or not), 1..=4 hex digits.
pub fn parse_hex_suite(a: &Arg) -> Option<u16> {
    let t = a.text()?;
    let h = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"))?;
    if h.is_empty() || h.len() > 4 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(h, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(s: &str) -> Arg {
        Arg::Tok(s.into())
    }

    #[test]
    fn basic_and_extended() {
        let c = parse_line(b"ATE0").unwrap();
        assert_eq!(c, vec![Cmd { name: "E".into(), kind: Kind::Exec, num: Some(0) }]);
        let c = parse_line(b"at+cmee=2;+CSQ").unwrap();
        assert_eq!(c[0].name, "+CMEE");
        assert_eq!(c[0].kind, Kind::Set(vec![tok("2")]));
        assert_eq!(c[1].name, "+CSQ");
        assert_eq!(c[1].kind, Kind::Exec);
        assert_eq!(parse_line(b"AT").unwrap(), vec![]);
        assert_eq!(parse_line(b"AT+QSSLCFG=?").unwrap()[0].kind, Kind::Test);
        assert_eq!(parse_line(b"AT+QIACT?").unwrap()[0].kind, Kind::Read);
    }

    #[test]
    fn quoted_strings_keep_separators() {
        let c = parse_line(b"AT+QSSLOPEN=1,1,4,\"a,b;c\",443, 0").unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].kind,
            Kind::Set(vec![tok("1"), tok("1"), tok("4"), Arg::Str(b"a,b;c".to_vec()), tok("443"), tok("0")])
        );
        let c = parse_line(b"AT+QSSLCFG=\"sni\",1,").unwrap();
        assert_eq!(c[0].kind, Kind::Set(vec![Arg::Str(b"sni".to_vec()), tok("1"), Arg::Empty]));
    }

    #[test]
    fn bad_lines() {
        assert_eq!(parse_line(b"XT"), Err(ParseError::NoPrefix));
        assert_eq!(parse_line(b"AT+X=\"open"), Err(ParseError::Syntax));
        assert_eq!(parse_line(b"AT+X=1 2\"x\""), Err(ParseError::Syntax));
        assert_eq!(parse_line(b"AT+CSQ+CSQ"), Err(ParseError::Syntax));
        assert_eq!(parse_line(b"AT\x01"), Err(ParseError::Syntax));
        let long = [b"AT+X=".as_slice(), &[b'1'; 3000]].concat();
        assert_eq!(parse_line(&long), Err(ParseError::TooLong));
    }

    #[test]
    fn hex_suites() {
        assert_eq!(parse_hex_suite(&tok("0X0035")), Some(0x35));
        assert_eq!(parse_hex_suite(&Arg::Str(b"0xc02f".to_vec())), Some(0xC02F));
        assert_eq!(parse_hex_suite(&tok("35")), None);
        assert_eq!(parse_hex_suite(&tok("0x12345")), None);
    }
}
