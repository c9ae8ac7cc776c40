//! The AT forms of the IoT extension items (docs/IOT.md, docs/AT.md): `AT+QSSLCFG="alpn",<ctx>,
//! "h2,http/1.1"` and `AT+QSSLCFG="pinsha256",<ctx>,"<64 hex>[:<64 hex>...]"` as text, and their
//! registry items. (`maxfraglen`, `cabundle` are integer items, `sessionstore` a path item.)

use crate::registry::ConfigItem as R;

/// `"h2,http/1.1"` → the protocol list; an empty text clears it.
pub fn alpn_item(text: &str) -> Result<R, &'static str> {
    if text.is_empty() {
        return Ok(R::Alpn(Vec::new()));
    }
    let names: Vec<String> = text.split(',').map(str::to_owned).collect();
    if names.iter().any(String::is_empty) {
        return Err("an ALPN protocol name is empty");
    }
    Ok(R::Alpn(names))
}

/// `"<64 hex>:<64 hex>"` → the pins; an empty text clears them.
pub fn pins_item(text: &str) -> Result<R, &'static str> {
    if text.is_empty() {
        return Ok(R::PinSha256(Vec::new()));
    }
    let mut pins = Vec::new();
    for part in text.split(':') {
        if part.len() != 64 {
            return Err("a pin is 64 hex digits");
        }
        let mut pin = [0u8; 32];
        for (byte, pair) in pin.iter_mut().zip(part.as_bytes().chunks(2)) {
            let pair = core::str::from_utf8(pair).map_err(|_| "a pin is 64 hex digits")?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| "a pin is 64 hex digits")?;
        }
        pins.push(pin);
    }
    Ok(R::PinSha256(pins))
}

/// The text form of an ALPN or pin item (as set, pins in upper-case hex); None for another item.
pub fn show(item: &R) -> Option<String> {
    match item {
        R::Alpn(names) => Some(names.join(",")),
        R::PinSha256(pins) => Some(
            pins.iter().map(|p| p.iter().map(|b| format!("{b:02X}")).collect::<String>()).collect::<Vec<_>>().join(":"),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip_and_bad_ones_are_refused() {
        let alpn = alpn_item("x-amzn-mqtt-ca,h2").unwrap();
        assert_eq!(show(&alpn).unwrap(), "x-amzn-mqtt-ca,h2");
        assert!(alpn_item("h2,,mqtt").is_err());
        assert_eq!(alpn_item("").unwrap(), R::Alpn(Vec::new()));
        let hex = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
        let pins = pins_item(&format!("{hex}:{}", hex.to_lowercase())).unwrap();
        assert_eq!(show(&pins).unwrap(), format!("{hex}:{hex}"));
        assert!(pins_item(&hex[..62]).is_err());
        assert!(pins_item(&hex.replace('A', "G")).is_err());
    }
}
