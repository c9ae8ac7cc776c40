//! What the platform layer's file functions share on both platforms: the module file-system
//! ("UFS:") name rule and the error a file operation reports. A leaf: the core maps `FileError`
//! into its own `Error` (BAD_REQUEST), and validates names with the same `ufs_name` the platform
//! applies before any file system is asked.

#[allow(unused_imports)]
use crate::prelude::*;

/// Largest certificate or key file read.
pub(crate) const MAX_FILE: u64 = 1 << 20;

/// Why a file could not be read: the text names the file and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl core::fmt::Display for FileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// For a module file-system path `"UFS:name"`: the checked name, else None (not a UFS path).
///
/// A UFS name is a plain relative name inside the store, whoever supplies it (an app, or an AT
/// command's argument): one or more components separated by single `/`, none of them empty, `.`
/// or `..`, and no backslash (a separator on some file systems) or control character anywhere. So
/// `"UFS:/etc/x"`, `"UFS:a//b"`, `"UFS:./a"` and `"UFS:a/../b"` are refused (BAD_REQUEST),
/// on every platform, before any file system is asked.
pub fn ufs_name(path: &str) -> Result<Option<&str>, FileError> {
    let Some(name) = path.strip_prefix("UFS:") else { return Ok(None) };
    let plain = !name.is_empty()
        && !name.chars().any(|c| c == '\\' || c.is_control())
        && name.split('/').all(|part| !matches!(part, "" | "." | ".."));
    if plain {
        Ok(Some(name))
    } else {
        Err(FileError(format!("bad UFS file name \"{}\": a UFS name is a relative name inside the store", path.escape_default())))
    }
}

/// A configured path as text (paths reach the platform as C strings).
pub(crate) fn path_text(p: &core::ffi::CStr) -> Result<&str, FileError> {
    p.to_str().map_err(|_| FileError("certificate path is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::ufs_name;

    #[test]
    fn ufs_names_are_plain_relative_names() {
        for ok in ["ca.pem", "certs/ca.pem", "a..b.pem", "..pem", "x.", "dir.d/ca.pem"] {
            assert_eq!(ufs_name(&format!("UFS:{ok}")).ok().flatten(), Some(ok), "{ok}");
        }
        for bad in ["", "/", "/etc/passwd", "//etc/passwd", "a//b", "a/", "./a", "a/./b", "..", "../a", "a/..", "a/../b", "a\\b", "\\a", "a\nb", "a\tb"] {
            assert!(ufs_name(&format!("UFS:{bad}")).is_err(), "{bad:?}");
        }
        assert_eq!(ufs_name("/etc/ssl/ca.pem").ok().flatten(), None);
        assert_eq!(ufs_name("ufs:ca.pem").ok().flatten(), None);
    }
}
