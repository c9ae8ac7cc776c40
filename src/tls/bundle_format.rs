// The built-in root bundle's format, shared by build.rs (which writes it) and src/tls/bundle.rs
// (which reads it) through `include!`: plain functions without crate paths.
//
// Blob: for each certificate, its DER length (u16, big-endian) and its DER. No PEM armour, no
// base64: about 25 % smaller than the PEM file it comes from.

/// The DER of every `CERTIFICATE` block of a PEM text (other blocks are skipped; a block that
/// is not valid base64 is an error).
#[allow(dead_code)]
fn pem_certificates(pem: &str) -> core::result::Result<Vec<Vec<u8>>, &'static str> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find(BEGIN) {
        let body = &rest[start + BEGIN.len()..];
        let end = body.find(END).ok_or("a CERTIFICATE block has no END line")?;
        out.push(base64_decode(&body[..end])?);
        rest = &body[end + END.len()..];
    }
    Ok(out)
}

/// Standard base64 with padding; whitespace ignored.
#[allow(dead_code)]
fn base64_decode(text: &str) -> core::result::Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => continue,
            _ => return Err("not base64"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

/// The blob for `certs`.
#[allow(dead_code)]
fn encode_bundle(certs: &[Vec<u8>]) -> core::result::Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    for der in certs {
        let len = u16::try_from(der.len()).map_err(|_| "a certificate is larger than 64 KiB")?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(der);
    }
    Ok(out)
}

/// The certificates of a blob, in order.
#[allow(dead_code)]
fn decode_bundle(blob: &[u8]) -> core::result::Result<Vec<&[u8]>, &'static str> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < blob.len() {
        let len = blob.get(at..at + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))).ok_or("truncated length")?;
        let der = blob.get(at + 2..at + 2 + len).ok_or("truncated certificate")?;
        if len == 0 {
            return Err("empty certificate");
        }
        out.push(der);
        at += 2 + len;
    }
    Ok(out)
}
