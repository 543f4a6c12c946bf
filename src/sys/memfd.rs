//! Sealed memory files: an executable copy of a binary that nobody can change once sealed,
//! and exec from a descriptor. nix's wrappers, with the flags the kernel's versions differ in.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use nix::fcntl::{fcntl, AtFlags, FcntlArg, SealFlag};
use nix::sys::memfd::{memfd_create, MemFdCreateFlag};

/// The seals of a finished copy: no more writes, no size change, no seal removed or added.
pub const FINAL_SEALS: SealFlag = SealFlag::F_SEAL_SEAL
    .union(SealFlag::F_SEAL_SHRINK)
    .union(SealFlag::F_SEAL_GROW)
    .union(SealFlag::F_SEAL_WRITE);

/// A new close-on-exec memfd that allows sealing and may be executed.
///
/// `MFD_EXEC` (Linux 6.3) is asked for explicitly, because `vm.memfd_noexec = 1` makes a
/// memfd created without it non-executable; older kernels reject the unknown flag with
/// EINVAL, and their memfds are always executable.
pub fn create_executable(name: &str) -> io::Result<OwnedFd> {
    let name = CString::new(name).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let base = MemFdCreateFlag::MFD_CLOEXEC | MemFdCreateFlag::MFD_ALLOW_SEALING;
    let exec = MemFdCreateFlag::from_bits_retain(libc::MFD_EXEC);
    match memfd_create(&name, base | exec) {
        Err(nix::errno::Errno::EINVAL) => Ok(memfd_create(&name, base)?),
        other => Ok(other?),
    }
}

/// Add [`FINAL_SEALS`]: from now on the file's content is what it is.
pub fn seal(fd: impl AsFd) -> io::Result<()> {
    fcntl(fd.as_fd().as_raw_fd(), FcntlArg::F_ADD_SEALS(FINAL_SEALS))?;
    Ok(())
}

/// The seals set on `fd`.
pub fn seals(fd: impl AsFd) -> io::Result<SealFlag> {
    let bits = fcntl(fd.as_fd().as_raw_fd(), FcntlArg::F_GET_SEALS)?;
    Ok(SealFlag::from_bits_retain(bits))
}

/// `execveat(fd, "", argv, envp, AT_EMPTY_PATH)`: exec the file `fd` refers to, with no
/// path involved (the kernel does not need `/proc`). Returns only on failure.
pub fn exec_fd(fd: impl AsFd, argv: &[CString], envp: &[CString]) -> io::Error {
    let empty: &CStr = c"";
    match nix::unistd::execveat(
        Some(fd.as_fd().as_raw_fd()),
        empty,
        argv,
        envp,
        AtFlags::AT_EMPTY_PATH,
    ) {
        Err(e) => e.into(),
        Ok(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn a_sealed_memfd_refuses_writes_and_resizing() {
        let fd = create_executable("berth-test").expect("memfd_create");
        let mut file = std::fs::File::from(fd);
        file.write_all(b"content").expect("write before sealing");
        seal(&file).expect("seal");
        assert_eq!(seals(&file).expect("get seals"), FINAL_SEALS);
        assert!(file.write_all(b"more").is_err(), "write after sealing");
        assert!(file.set_len(1).is_err(), "shrink after sealing");
        assert!(file.set_len(100).is_err(), "grow after sealing");
        assert!(
            fcntl(
                file.as_raw_fd(),
                FcntlArg::F_ADD_SEALS(SealFlag::F_SEAL_SHRINK)
            )
            .is_err(),
            "no seal can be added after F_SEAL_SEAL"
        );
    }
}
