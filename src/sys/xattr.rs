//! Reading extended attributes (`getxattr`), e.g. `security.capability` of a setcap binary.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The value of attribute `name` on `path` (following symlinks), or `None` when it is not set
/// or the filesystem has no extended attributes.
pub fn get(path: &Path, name: &str) -> std::io::Result<Option<Vec<u8>>> {
    let c_path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    let c_name = CString::new(name).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: both strings are NUL-terminated and live across the call; `buf` is a valid
        // writable buffer of `buf.len()` bytes.
        let n = unsafe {
            libc::getxattr(
                c_path.as_ptr(),
                c_name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if n >= 0 {
            buf.truncate(n.unsigned_abs());
            return Ok(Some(buf));
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ENODATA | libc::ENOTSUP) => return Ok(None),
            Some(libc::ERANGE) if buf.len() < 65536 => {
                let bigger = buf.len() * 4;
                buf.resize(bigger, 0);
            }
            _ => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_attribute_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(get(&f, "user.berth-test-absent").unwrap(), None);
        assert!(get(&dir.path().join("nope"), "user.x").is_err());
    }
}
