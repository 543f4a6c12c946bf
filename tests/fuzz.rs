//! Corpus replay and bounded randomized property tests for the parsers that read hostile
//! input: the layer tar extractor, manifests / indexes / configs, image references and the
//! Dockerfile parser.
//!
//! The corpus lives in `tests/corpus/<target>/`; a seed named `ok-*` must be accepted and
//! `bad-*` refused with an error. The randomized tests mutate the seeds and generate inputs
//! from hostile fragments with a fixed seed and a fixed number of iterations, so a run is
//! reproducible and takes seconds. Properties: no panic, errors on garbage, nothing written
//! outside the extraction directory, and reference parse → display → parse round trips.
//! (cargo-fuzz needs nightly, so it is not used here; these run on stable in CI.)

use std::fs;
use std::path::{Path, PathBuf};

use berth::build::parse as dockerfile;
use berth::image::config::parse_config;
use berth::image::manifest::{check_unambiguous, kind_of, media_type_of};
use berth::image::reference::Reference;
use berth::registry::manifest::{Fetched, Parsed};
use berth::registry::verify::sha256_digest;
use berth::storage::layer;

/// xorshift64*: a fixed-seed generator, so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read `{}`: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "empty corpus `{}`", dir.display());
    out
}

/// Flip bytes, cut, duplicate or splice in a hostile fragment.
fn mutate(rng: &mut Rng, seed: &[u8], fragments: &[&[u8]]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        if v.is_empty() {
            let frag: &[u8] = fragments[rng.below(fragments.len())];
            v.extend_from_slice(frag);
            continue;
        }
        let at = rng.below(v.len());
        match rng.below(5) {
            0 => v[at] = rng.next() as u8,
            1 => v.truncate(at),
            2 => {
                let frag = fragments[rng.below(fragments.len())];
                v.splice(at..at, frag.iter().copied());
            }
            3 => {
                let end = (at + 1 + rng.below(64)).min(v.len());
                let chunk = v[at..end].to_vec();
                v.splice(at..at, chunk);
            }
            _ => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at..end);
            }
        }
    }
    v
}

// ---------- the tar extractor ----------

/// Unpack `data` into `<tmp>/root` next to a sentinel directory, then check nothing but
/// `root` and the untouched sentinel is left beside it, and no probe name reached /tmp.
fn unpack_contained(data: &[u8]) -> Result<u64, layer::LayerError> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let sentinel = tmp.path().join("outside");
    fs::create_dir(&root).unwrap();
    fs::create_dir(&sentinel).unwrap();
    let r = layer::unpack(data, &root, &mut |_| {});
    let mut beside: Vec<PathBuf> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        vec![sentinel.clone(), root],
        "written beside the root"
    );
    assert_eq!(
        fs::read_dir(&sentinel).unwrap().count(),
        0,
        "written into the sentinel"
    );
    for probe in PROBES {
        let p = Path::new("/tmp").join(probe);
        assert!(!p.exists(), "an entry escaped to {}", p.display());
    }
    r
}

/// Names the hostile seeds and fragments try to create outside the root.
const PROBES: &[&str] = &[
    "escape-dotdot",
    "escape-mid",
    "escape-absolute",
    "escape-sym",
    "escape-sym2",
    "escape-pax",
    "berth-fuzz-escape",
];

#[test]
fn fuzz_tar_corpus_replays() {
    for (name, data) in corpus("tar") {
        let r = unpack_contained(&data);
        if name.starts_with("ok-") {
            r.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
        } else {
            assert!(r.is_err(), "{name}: accepted");
        }
    }
}

/// A ustar header block for a random hostile entry.
fn random_entry(rng: &mut Rng, out: &mut Vec<u8>) {
    const PARTS: &[&str] = &[
        "a",
        "b",
        "..",
        ".",
        "",
        "etc",
        "passwd",
        ".wh.a",
        ".wh..wh..opq",
        "s",
        "berth-fuzz-escape",
        "/tmp",
        "/",
        "usr/bin",
    ];
    let path = |rng: &mut Rng| -> String {
        let n = 1 + rng.below(4);
        let parts: Vec<&str> = (0..n).map(|_| *rng.pick(PARTS)).collect();
        let mut p = parts.join("/");
        if rng.below(4) == 0 {
            p.insert(0, '/');
        }
        p.truncate(99);
        p
    };
    let mut h = tar::Header::new_ustar();
    let kinds = [
        tar::EntryType::Regular,
        tar::EntryType::Directory,
        tar::EntryType::Symlink,
        tar::EntryType::Link,
        tar::EntryType::Fifo,
        tar::EntryType::Char,
        tar::EntryType::new(b'Z'),
    ];
    let kind = *rng.pick(&kinds);
    h.set_entry_type(kind);
    let name = path(rng);
    let _ = h.set_path(&name).or_else(|_| h.set_path("a"));
    if matches!(kind, tar::EntryType::Symlink | tar::EntryType::Link) {
        let target = path(rng);
        let _ = h.set_link_name(&target);
    }
    h.set_mode(rng.next() as u32 & 0o7777);
    h.set_uid(rng.below(3) as u64 * 1000);
    h.set_gid(0);
    h.set_mtime(rng.next() % 2_000_000_000);
    let data: Vec<u8> = if kind == tar::EntryType::Regular {
        (0..rng.below(700)).map(|_| rng.next() as u8).collect()
    } else {
        Vec::new()
    };
    h.set_size(data.len() as u64);
    h.set_cksum();
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(&data);
    let pad = (512 - data.len() % 512) % 512;
    out.extend(std::iter::repeat_n(0u8, pad));
}

#[test]
fn fuzz_tar_random_entries_stay_inside() {
    let mut rng = Rng(0x5eed_0001);
    let seeds = corpus("tar");
    let fragments: &[&[u8]] = &[
        b"../",
        b"/tmp/berth-fuzz-escape",
        b"\0\0\0\0",
        b"ustar\0",
        b"0000777\0",
    ];
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..300 {
        let data = if i % 2 == 0 {
            let mut v = Vec::new();
            for _ in 0..1 + rng.below(6) {
                random_entry(&mut rng, &mut v);
            }
            v.extend(std::iter::repeat_n(0u8, 1024));
            v
        } else {
            let (_, seed) = rng.pick(&seeds).clone();
            mutate(&mut rng, &seed, fragments)
        };
        // Accepted or refused, never a panic and never a write outside.
        match unpack_contained(&data) {
            Ok(_) => accepted += 1,
            Err(_) => refused += 1,
        }
    }
    // The generator reaches both sides, or it tests nothing.
    assert!(
        accepted > 20 && refused > 20,
        "{accepted} accepted, {refused} refused"
    );
}

// ---------- manifests, indexes and configs ----------

/// Parse a manifest as pull does with no Content-Type: the body's own type or its shape.
fn parse_manifest(bytes: &[u8]) -> Result<Parsed, String> {
    let media_type = media_type_of(None, bytes);
    let f = Fetched {
        bytes: bytes.to_vec(),
        media_type,
        digest: sha256_digest(bytes),
    };
    f.parse("corpus").map_err(|e| e.to_string())
}

#[test]
fn fuzz_manifest_corpus_replays() {
    for (name, bytes) in corpus("manifest") {
        if let Some(rest) = name.strip_prefix("config-") {
            let r = parse_config(&bytes);
            assert_eq!(r.is_ok(), rest.starts_with("ok-"), "{name}: {r:?}");
            continue;
        }
        let r = parse_manifest(&bytes);
        if name.starts_with("ok-") {
            r.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
        } else {
            let e = r.err().unwrap_or_else(|| panic!("{name}: accepted"));
            assert!(!e.contains('\n'), "{name}: a multi-line error: {e}");
            if name.contains("ambiguous") {
                assert!(e.contains("ambiguous"), "{name}: {e}");
            }
        }
    }
}

#[test]
fn fuzz_manifest_mutations_never_panic_or_mix_kinds() {
    let mut rng = Rng(0x5eed_0002);
    let seeds = corpus("manifest");
    let fragments: &[&[u8]] = &[
        br#","manifests":[]"#,
        br#","layers":[]"#,
        br#","config":{}"#,
        br#""mediaType":"application/vnd.oci.image.index.v1+json","#,
        br#""mediaType":"application/vnd.oci.image.manifest.v1+json","#,
        b"null",
        b"{",
        b"\"\\u0000\"",
        b"1e999",
    ];
    for _ in 0..2000 {
        let (_, seed) = rng.pick(&seeds).clone();
        let bytes = mutate(&mut rng, &seed, fragments);
        let _ = parse_config(&bytes);
        let value: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
        let has = |k: &str| {
            value
                .as_ref()
                .and_then(|v| v.get(k))
                .is_some_and(|x| !x.is_null())
        };
        match parse_manifest(&bytes) {
            Ok(Parsed::Image(_)) => assert!(
                !has("manifests"),
                "an image manifest with `manifests` was accepted: {}",
                String::from_utf8_lossy(&bytes)
            ),
            Ok(Parsed::Index(_)) => assert!(
                !has("layers") && !has("config"),
                "an index with `layers` or `config` was accepted: {}",
                String::from_utf8_lossy(&bytes)
            ),
            Err(e) => assert!(!e.contains('\n'), "a multi-line error: {e}"),
        }
        for mt in [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
        ] {
            if check_unambiguous(&bytes, mt).is_ok() && kind_of(mt).is_some() {
                let _ = serde_json::from_slice::<serde_json::Value>(&bytes);
            }
        }
    }
}

// ---------- image references ----------

fn reference_seeds() -> Vec<(bool, String)> {
    let (_, text) = corpus("reference").remove(0);
    String::from_utf8(text)
        .unwrap()
        .lines()
        .map(|l| {
            let (verdict, rest) = l.split_once(' ').unwrap_or((l, ""));
            (verdict == "ok", rest.to_string())
        })
        .collect()
}

fn round_trips(text: &str) {
    if let Ok(r) = Reference::parse(text) {
        let shown = r.to_string();
        let again = Reference::parse(&shown)
            .unwrap_or_else(|e| panic!("`{text}` displays as `{shown}`, which fails: {e}"));
        assert_eq!(again, r, "`{text}` -> `{shown}`");
        assert_eq!(again.to_string(), shown);
    }
}

#[test]
fn fuzz_reference_corpus_replays() {
    for (ok, text) in reference_seeds() {
        let r = Reference::parse(&text);
        assert_eq!(r.is_ok(), ok, "`{text}`: {r:?}");
        round_trips(&text);
    }
}

#[test]
fn fuzz_reference_random_round_trips() {
    let mut rng = Rng(0x5eed_0003);
    let seeds: Vec<String> = reference_seeds().into_iter().map(|(_, t)| t).collect();
    const PARTS: &[&str] = &[
        "a",
        "b0",
        "x.y",
        "local:5000",
        "[::1]",
        "-",
        "_",
        "__",
        ".",
        "/",
        ":",
        "@",
        "sha256:",
        "0123456789abcdef",
        "A",
        "é",
        " ",
        "..",
        "latest",
        "docker.io",
        "library",
    ];
    for i in 0..5000 {
        let text = if i % 2 == 0 {
            (0..1 + rng.below(8))
                .map(|_| *rng.pick(PARTS))
                .collect::<String>()
        } else {
            let seed = rng.pick(&seeds).clone();
            String::from_utf8_lossy(&mutate(&mut rng, seed.as_bytes(), &[b"/", b":", b"@"]))
                .into_owned()
        };
        round_trips(&text);
        let _ = Reference::parse_normalized(&text);
    }
}

// ---------- the Dockerfile parser ----------

#[test]
fn fuzz_dockerfile_corpus_replays() {
    for (name, bytes) in corpus("dockerfile") {
        let text = String::from_utf8(bytes).unwrap();
        let r = dockerfile::parse(&text);
        if name.starts_with("ok-") {
            r.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
        } else {
            assert!(r.is_err(), "{name}: accepted");
        }
    }
}

#[test]
fn fuzz_dockerfile_random_never_panics() {
    let mut rng = Rng(0x5eed_0004);
    let seeds = corpus("dockerfile");
    const LINES: &[&str] = &[
        "FROM busybox",
        "FROM ${X:-a} AS b",
        "RUN echo a \\",
        "RUN <<EOF",
        "EOF",
        "RUN [\"sh\",",
        "COPY --from=b /a /b",
        "ENV A=\"x",
        "ARG X",
        "# escape=`",
        "`",
        "ONBUILD ONBUILD RUN x",
        "HEALTHCHECK --interval=1x CMD",
        "CMD []",
        "LABEL \"a\"=",
        "EXPOSE 80/tcp 99999",
        "USER 1:1",
        "WORKDIR ${A",
        "ADD <<A <<B /x",
        "SHELL [",
        "",
        "\t",
        "\\",
    ];
    for i in 0..3000 {
        let text = if i % 2 == 0 {
            let n = 1 + rng.below(8);
            (0..n)
                .map(|_| *rng.pick(LINES))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            let (_, seed) = rng.pick(&seeds).clone();
            let frags: Vec<&[u8]> = LINES.iter().map(|l| l.as_bytes()).collect();
            String::from_utf8_lossy(&mutate(&mut rng, &seed, &frags)).into_owned()
        };
        let _ = dockerfile::parse(&text);
    }
}
