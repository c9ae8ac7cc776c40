//! The HTTP side of the HTTPS service: when a request is complete, what it asks, the response.

/// Upper bound on a request head (request line + headers).
pub const MAX_REQUEST: usize = 8192;

/// The request head is complete: it ends with a blank line. Header lines may be folded or carry
/// leading spaces (the SDK demo's request continues its lines with a run of spaces), which does
/// not matter here: only the blank line ends the head.
pub fn head_complete(req: &[u8]) -> bool {
    req.windows(4).any(|w| w == b"\r\n\r\n") || req.windows(2).any(|w| w == b"\n\n")
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    MethodNotAllowed,
    BadRequest,
}

/// The request line, trimmed.
pub fn request_line(req: &[u8]) -> String {
    String::from_utf8_lossy(req.split(|b| *b == b'\n').next().unwrap_or(b"")).trim().to_string()
}

/// `GET <target> HTTP/1.0|1.1` is served; another method on an HTTP/1.x line is refused with
/// 405; anything else is a 400.
pub fn judge(line: &str) -> Verdict {
    let parts: Vec<&str> = line.split_whitespace().collect();
    match parts.as_slice() {
        ["GET", _, "HTTP/1.0" | "HTTP/1.1"] => Verdict::Ok,
        [_, _, v] if v.starts_with("HTTP/1.") => Verdict::MethodNotAllowed,
        _ => Verdict::BadRequest,
    }
}

/// Default body of a 200 response.
pub const BODY: &str = "hello from qlssl-server\n";

/// The whole response. With the default body (`body_size` 0) it stays shorter than 120 bytes, on
/// purpose: the SDK demos read the response in 120-byte chunks into a 120-byte buffer and log it
/// with `%s`, and a read that fills the buffer leaves no NUL terminator, so `%s` runs past the
/// buffer (an AddressSanitizer report in our runs, garbage on the module). A response that fits
/// one short read keeps the demos' own logging within bounds. `body_size` > 0 pads the body to
/// that many bytes for clients that can take it.
pub fn response(v: &Verdict, body_size: usize) -> Vec<u8> {
    let (status, body) = match v {
        Verdict::Ok => {
            let mut b = BODY.to_string();
            while b.len() < body_size {
                b.push_str("0123456789abcdefghijklmnopqrstuvwxyz\n");
            }
            if body_size > 0 {
                b.truncate(body_size);
            }
            ("200 OK", b)
        }
        Verdict::MethodNotAllowed => ("405 Method Not Allowed", "only GET\n".to_string()),
        Verdict::BadRequest => ("400 Bad Request", "bad request\n".to_string()),
    };
    format!(
        "HTTP/1.0 {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        status,
        body.len(),
        body
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The current SDK demo's request, byte for byte in shape: lines continued with spaces.
    const SDK_REQUEST: &[u8] = b"GET /index.html HTTP/1.1\r\n                          HOST: www.baidu.com\r\n                          User-Agent: QuecOpen\r\n                          Connection: Keep-Alive\r\n\r\n";

    #[test]
    fn the_sdk_demos_request_is_served() {
        assert!(head_complete(SDK_REQUEST));
        assert!(!head_complete(&SDK_REQUEST[..SDK_REQUEST.len() - 2]));
        assert_eq!(request_line(SDK_REQUEST), "GET /index.html HTTP/1.1");
        assert_eq!(judge(&request_line(SDK_REQUEST)), Verdict::Ok);
    }

    #[test]
    fn every_default_response_fits_one_short_sdk_read() {
        for v in [Verdict::Ok, Verdict::MethodNotAllowed, Verdict::BadRequest] {
            let r = response(&v, 0);
            assert!(r.len() < 120, "{:?}: {} bytes", v, r.len());
        }
        assert!(response(&Verdict::Ok, 0).starts_with(b"HTTP/1.0 200 OK\r\n"));
        assert_eq!(response(&Verdict::Ok, 300).len() - response(&Verdict::Ok, 0).len(), 300 - BODY.len() + 1);
    }

    #[test]
    fn other_requests_are_refused() {
        assert_eq!(judge("POST / HTTP/1.1"), Verdict::MethodNotAllowed);
        assert_eq!(judge("GET / HTTP/2"), Verdict::BadRequest);
        assert_eq!(judge("hello"), Verdict::BadRequest);
        assert_eq!(judge(""), Verdict::BadRequest);
    }
}
