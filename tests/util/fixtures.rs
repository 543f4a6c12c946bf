//! Fixtures built at test time (no binaries in the repository): a busybox rootfs tarball made
//! from the host's static busybox, compressed variants, and hostile tarballs for the
//! extraction escape tests.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where the static busybox comes from (Debian's busybox-static).
pub const BUSYBOX: &str = "/bin/busybox";

/// A fixed mtime so the fixture is byte-for-byte reproducible.
const MTIME: u64 = 1_700_000_000;

/// The container's /etc/passwd.
pub const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\n\
nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n\
tester:x:1000:1000:Test User:/home/tester:/bin/sh\n";

/// The container's /etc/group (tester is also in `extra`, gid 2000).
pub const GROUP: &str = "root:x:0:\ntester:x:1000:\nextra:x:2000:tester\nnogroup:x:65534:\n";

/// A tar archive written entry by entry, with raw path bytes (so `..` and absolute paths
/// really end up in the archive: the `tar` crate's path setters would refuse them).
pub struct TarBuilder {
    inner: tar::Builder<Vec<u8>>,
}

impl Default for TarBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TarBuilder {
    pub fn new() -> Self {
        TarBuilder {
            inner: tar::Builder::new(Vec::new()),
        }
    }

    fn header(kind: tar::EntryType, path: &str, mode: u32, owner: (u64, u64)) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        let name = path.as_bytes();
        assert!(
            name.len() < 100,
            "fixture path too long for a plain header: {path}"
        );
        {
            let gnu = h.as_gnu_mut().expect("gnu header");
            gnu.name[..name.len()].copy_from_slice(name);
        }
        h.set_entry_type(kind);
        h.set_mode(mode);
        h.set_uid(owner.0);
        h.set_gid(owner.1);
        h.set_mtime(MTIME);
        h.set_size(0);
        h
    }

    fn set_link(h: &mut tar::Header, target: &str) {
        let bytes = target.as_bytes();
        assert!(bytes.len() < 100, "fixture link target too long: {target}");
        let gnu = h.as_gnu_mut().expect("gnu header");
        gnu.linkname[..bytes.len()].copy_from_slice(bytes);
    }

    /// A directory.
    pub fn dir(&mut self, path: &str, mode: u32, owner: (u64, u64)) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Directory, path, mode, owner);
        h.set_cksum();
        self.inner.append(&h, &[][..]).expect("append dir");
        self
    }

    /// A regular file.
    pub fn file(&mut self, path: &str, mode: u32, owner: (u64, u64), data: &[u8]) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Regular, path, mode, owner);
        h.set_size(data.len() as u64);
        h.set_cksum();
        self.inner.append(&h, data).expect("append file");
        self
    }

    /// A symbolic link `path -> target`.
    pub fn symlink(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Symlink, path, 0o777, (0, 0));
        Self::set_link(&mut h, target);
        h.set_cksum();
        self.inner.append(&h, &[][..]).expect("append symlink");
        self
    }

    /// A hard link `path` to the earlier entry (or, in hostile archives, anything) `target`.
    pub fn hardlink(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = Self::header(tar::EntryType::Link, path, 0o644, (0, 0));
        Self::set_link(&mut h, target);
        h.set_cksum();
        self.inner.append(&h, &[][..]).expect("append hard link");
        self
    }

    /// The finished archive.
    pub fn finish(self) -> Vec<u8> {
        self.inner.into_inner().expect("finish tar")
    }
}

/// The applet names of the host busybox (`busybox --list`).
pub fn busybox_applets() -> Vec<String> {
    let out = Command::new(BUSYBOX)
        .arg("--list")
        .output()
        .unwrap_or_else(|e| panic!("run `{BUSYBOX} --list` (apt install busybox-static): {e}"));
    assert!(out.status.success(), "`{BUSYBOX} --list` failed");
    String::from_utf8(out.stdout)
        .expect("applet list is utf-8")
        .lines()
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != "busybox" && !a.contains('/'))
        .map(str::to_owned)
        .collect()
}

/// The busybox rootfs as an uncompressed tarball, built once per test process.
pub fn busybox_tar_bytes() -> &'static [u8] {
    static TAR: OnceLock<Vec<u8>> = OnceLock::new();
    TAR.get_or_init(|| {
        let busybox = fs::read(BUSYBOX)
            .unwrap_or_else(|e| panic!("read `{BUSYBOX}` (apt install busybox-static): {e}"));
        let root = (0, 0);
        let mut t = TarBuilder::new();
        for dir in [
            "bin", "etc", "dev", "proc", "sys", "usr", "usr/bin", "var", "run",
        ] {
            t.dir(dir, 0o755, root);
        }
        t.dir("root", 0o700, root);
        t.dir("tmp", 0o1777, root);
        t.dir("var/tmp", 0o1777, root);
        t.dir("home", 0o755, root);
        t.dir("home/tester", 0o755, (1000, 1000));
        t.file("bin/busybox", 0o755, root, &busybox);
        for applet in busybox_applets() {
            t.symlink(&format!("bin/{applet}"), "busybox");
        }
        t.file("etc/passwd", 0o644, root, PASSWD.as_bytes());
        t.file("etc/group", 0o644, root, GROUP.as_bytes());
        t.finish()
    })
}

/// The busybox tarball as a file readable by the test user (shared by all tests of this
/// process, under `/tmp/berth-it-fixtures/<pid>/`).
pub fn busybox_tar() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| shared_file("busybox.tar", busybox_tar_bytes()))
        .clone()
}

/// Write a file into this process's shared fixture directory, world-readable.
pub fn shared_file(name: &str, data: &[u8]) -> PathBuf {
    let base = Path::new("/tmp/berth-it-fixtures");
    fs::create_dir_all(base).expect("create fixture dir");
    let _ = fs::set_permissions(base, fs::Permissions::from_mode(0o1777));
    remove_stale(base);
    let dir = base.join(std::process::id().to_string());
    fs::create_dir_all(&dir).expect("create fixture dir");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod fixture dir");
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut f = fs::File::create(&tmp).expect("create fixture");
    f.write_all(data).expect("write fixture");
    drop(f);
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o644)).expect("chmod fixture");
    fs::rename(&tmp, &path).expect("rename fixture");
    path
}

/// Remove `<pid>` directories under `base` whose test process is gone.
pub fn remove_stale(base: &Path) {
    let Ok(rd) = fs::read_dir(base) else { return };
    for entry in rd.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Ok(pid) = name.parse::<u32>() {
            if pid != std::process::id() && !Path::new("/proc").join(&name).exists() {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// gzip-compress.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip finish")
}

/// zstd-compress.
pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).expect("zstd")
}

/// An archive with a normal file and then an entry `../<name>`.
pub fn hostile_dotdot(name: &str) -> Vec<u8> {
    let mut t = TarBuilder::new();
    t.file("ok", 0o644, (0, 0), b"fine\n");
    t.file(&format!("../{name}"), 0o644, (0, 0), b"escaped\n");
    t.finish()
}

/// An archive with a normal file and then an entry with an absolute path.
pub fn hostile_absolute(abs: &Path) -> Vec<u8> {
    let path = abs.to_str().expect("utf-8 path");
    assert!(path.starts_with('/'));
    let mut t = TarBuilder::new();
    t.file("ok", 0o644, (0, 0), b"fine\n");
    t.file(path, 0o644, (0, 0), b"escaped\n");
    t.finish()
}

/// `link -> <outside>` and then `link/<file>`: a write through a symlink pointing out.
pub fn hostile_symlink(outside: &Path, file: &str) -> Vec<u8> {
    let mut t = TarBuilder::new();
    t.file("ok", 0o644, (0, 0), b"fine\n");
    t.symlink("link", outside.to_str().expect("utf-8 path"));
    t.file(&format!("link/{file}"), 0o644, (0, 0), b"escaped\n");
    t.finish()
}

/// A hard link `passwd` to `../../etc/passwd`.
pub fn hostile_hardlink() -> Vec<u8> {
    let mut t = TarBuilder::new();
    t.file("ok", 0o644, (0, 0), b"fine\n");
    t.hardlink("passwd", "../../etc/passwd");
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(data: &[u8]) -> Vec<(String, tar::EntryType, Option<String>)> {
        let mut ar = tar::Archive::new(data);
        ar.entries()
            .expect("entries")
            .map(|e| {
                let e = e.expect("entry");
                let path = String::from_utf8_lossy(&e.path_bytes()).into_owned();
                let link = e
                    .link_name_bytes()
                    .map(|l| String::from_utf8_lossy(&l).into_owned());
                (path, e.header().entry_type(), link)
            })
            .collect()
    }

    #[test]
    fn hostile_archives_really_hold_the_bad_paths() {
        let e = entries(&hostile_dotdot("x"));
        assert_eq!(e[1].0, "../x");
        let e = entries(&hostile_absolute(Path::new("/tmp/somewhere/x")));
        assert_eq!(e[1].0, "/tmp/somewhere/x");
        let e = entries(&hostile_symlink(Path::new("/tmp/somewhere"), "f"));
        assert_eq!(e[1].1, tar::EntryType::Symlink);
        assert_eq!(e[1].2.as_deref(), Some("/tmp/somewhere"));
        assert_eq!(e[2].0, "link/f");
        let e = entries(&hostile_hardlink());
        assert_eq!(e[1].1, tar::EntryType::Link);
        assert_eq!(e[1].2.as_deref(), Some("../../etc/passwd"));
    }

    #[test]
    fn busybox_rootfs_layout() {
        let e = entries(busybox_tar_bytes());
        let find = |p: &str| e.iter().find(|(path, ..)| path == p).cloned();
        assert_eq!(find("bin/busybox").unwrap().1, tar::EntryType::Regular);
        let sh = find("bin/sh").expect("bin/sh");
        assert_eq!(sh.1, tar::EntryType::Symlink);
        assert_eq!(sh.2.as_deref(), Some("busybox"));
        for dir in ["tmp", "proc", "sys", "dev", "root", "home/tester"] {
            assert_eq!(find(dir).expect(dir).1, tar::EntryType::Directory, "{dir}");
        }
        let mut ar = tar::Archive::new(busybox_tar_bytes());
        for entry in ar.entries().unwrap() {
            let entry = entry.unwrap();
            let h = entry.header();
            let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            match path.as_str() {
                "tmp" => assert_eq!(h.mode().unwrap(), 0o1777),
                "home/tester" => assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (1000, 1000)),
                _ => assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0), "{path}"),
            }
        }
    }

    #[test]
    fn compressed_variants_round_trip() {
        let raw = hostile_hardlink();
        let mut back = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&gzip(&raw)[..]),
            &mut back,
        )
        .unwrap();
        assert_eq!(back, raw);
        assert_eq!(zstd::stream::decode_all(&zstd(&raw)[..]).unwrap(), raw);
    }

    #[test]
    fn passwd_and_group_fixture() {
        assert!(PASSWD.contains("tester:x:1000:1000:"));
        assert!(PASSWD.contains(":/home/tester:/bin/sh\n"));
        assert!(GROUP.contains("extra:x:2000:tester\n"));
        assert!(GROUP.contains("nogroup:x:65534:"));
    }
}
