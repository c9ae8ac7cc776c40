//! The time a certificate's validity period is judged against. mbedtls judges it against the
//! host's clock (`time()`) inside its x509 verification; a front end that models a device with a
//! clock of its own (the AT engine's module clock, set with `AT+CCLK`) says which time to use
//! instead, and the verify callback recomputes the validity findings against it
//! (src/tls/verify.rs). No wall clock is read here: the front end passes the time itself.

/// Which clock judges the validity period (when `ignore_localtime` is off).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ValidityClock {
    /// mbedtls's own check against the host clock (the C API's behaviour).
    #[default]
    Host,
    /// The device's time, in seconds since the Unix epoch (UTC), as of the connection's setup.
    At(i64),
}

/// A certificate time field (UTC; mbedtls's `x509_time` fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertTime {
    pub year: i32,
    pub mon: i32,
    pub day: i32,
    pub hour: i32,
    pub min: i32,
    pub sec: i32,
}

impl CertTime {
    /// Seconds since the Unix epoch (proleptic Gregorian calendar).
    pub fn unix(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), i64::from(self.mon), i64::from(self.day));
        days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.min) * 60 + i64::from(self.sec)
    }
}

/// Days since the Unix epoch of a date (proleptic Gregorian calendar; month 1..=12).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of `days_from_civil` with the time of day: seconds since the Unix epoch (UTC) as
/// (year, month, day, hour, minute, second).
pub fn civil_from_unix(t: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y, m, d, (secs / 3600) as u32, (secs % 3600 / 60) as u32, (secs % 60) as u32)
}

/// MBEDTLS_X509_BADCERT_EXPIRED.
pub(crate) const EXPIRED: u32 = 0x01;
/// MBEDTLS_X509_BADCERT_FUTURE.
pub(crate) const FUTURE: u32 = 0x200;

/// The validity findings of a certificate valid from `from` to `to` (both inclusive, as mbedtls
/// treats them) at time `now`.
pub fn validity_findings(now: i64, from: CertTime, to: CertTime) -> u32 {
    let mut flags = 0;
    if now > to.unix() {
        flags |= EXPIRED;
    }
    if now < from.unix() {
        flags |= FUTURE;
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(year: i32, mon: i32, day: i32, hour: i32, min: i32, sec: i32) -> CertTime {
        CertTime { year, mon, day, hour, min, sec }
    }

    #[test]
    fn unix_time_of_certificate_fields() {
        assert_eq!(t(1970, 1, 1, 0, 0, 0).unix(), 0);
        assert_eq!(t(2000, 3, 1, 0, 0, 0).unix(), 951_868_800);
        assert_eq!(t(2024, 2, 29, 12, 34, 56).unix(), 1_709_210_096);
    }

    #[test]
    fn calendar_round_trip() {
        for t in [0, 951_868_800, 1_709_210_096, -86_400, 4_102_444_799] {
            let (y, mo, d, h, mi, s) = civil_from_unix(t);
            let back = days_from_civil(y, i64::from(mo), i64::from(d)) * 86_400
                + i64::from(h) * 3600
                + i64::from(mi) * 60
                + i64::from(s);
            assert_eq!(back, t);
        }
        assert_eq!(civil_from_unix(1_709_210_096), (2024, 2, 29, 12, 34, 56));
    }

    #[test]
    fn findings_at_the_edges() {
        let (from, to) = (t(2020, 1, 1, 0, 0, 0), t(2021, 1, 1, 0, 0, 0));
        assert_eq!(validity_findings(from.unix(), from, to), 0);
        assert_eq!(validity_findings(to.unix(), from, to), 0);
        assert_eq!(validity_findings(to.unix() + 1, from, to), EXPIRED);
        assert_eq!(validity_findings(from.unix() - 1, from, to), FUTURE);
    }
}
