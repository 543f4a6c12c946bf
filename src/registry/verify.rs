//! Digest and size verification of content as it streams past.

use oci_spec::image::{Digest, DigestAlgorithm};
use sha2::{Digest as _, Sha256, Sha512};

use super::RegistryError;

/// Hashes bytes and counts them, for one expected digest.
#[derive(Clone)]
pub struct Verifier {
    hasher: Hasher,
    len: u64,
}

#[derive(Clone)]
enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Verifier {
    /// A verifier for `digest`'s algorithm (sha256 or sha512).
    pub fn new(digest: &Digest) -> Result<Self, RegistryError> {
        let hasher = match digest.algorithm() {
            DigestAlgorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            DigestAlgorithm::Sha512 => Hasher::Sha512(Sha512::new()),
            _ => {
                return Err(RegistryError::UnsupportedDigest {
                    digest: digest.to_string(),
                })
            }
        };
        Ok(Verifier { hasher, len: 0 })
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.hasher {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
        self.len += bytes.len() as u64;
    }

    /// Bytes seen so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `algorithm:hex` of what was seen.
    pub fn actual(&self) -> String {
        match &self.hasher {
            Hasher::Sha256(h) => format!("sha256:{}", hex::encode(h.clone().finalize())),
            Hasher::Sha512(h) => format!("sha512:{}", hex::encode(h.clone().finalize())),
        }
    }

    /// Check the size (when known) and the digest.
    pub fn finish(&self, expected: &Digest, size: Option<u64>) -> Result<(), RegistryError> {
        if let Some(size) = size {
            if size != self.len {
                return Err(RegistryError::SizeMismatch {
                    digest: expected.to_string(),
                    expected: size,
                    actual: self.len,
                });
            }
        }
        let actual = self.actual();
        if actual != expected.to_string() {
            return Err(RegistryError::DigestMismatch {
                expected: expected.to_string(),
                actual,
            });
        }
        Ok(())
    }
}

/// The sha256 digest of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> Digest {
    let text = format!("sha256:{}", hex::encode(Sha256::digest(bytes)));
    // A lowercase 64-digit hex sha256 is always a valid digest.
    text.parse().expect("a sha256 digest parses")
}

/// Parse `algorithm:hex` into a digest, or `None`.
pub fn parse_digest(text: &str) -> Option<Digest> {
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO: &str = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    #[test]
    fn verifies_size_and_digest() {
        let d: Digest = HELLO.parse().unwrap();
        let mut v = Verifier::new(&d).unwrap();
        v.update(b"hel");
        v.update(b"lo");
        assert_eq!(v.len(), 5);
        v.finish(&d, Some(5)).unwrap();
        v.finish(&d, None).unwrap();
        assert!(matches!(
            v.finish(&d, Some(6)),
            Err(RegistryError::SizeMismatch {
                expected: 6,
                actual: 5,
                ..
            })
        ));
    }

    #[test]
    fn mismatch_names_both_digests() {
        let d: Digest = HELLO.parse().unwrap();
        let mut v = Verifier::new(&d).unwrap();
        v.update(b"hellO");
        let e = v.finish(&d, Some(5)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(HELLO), "{text}");
        assert!(matches!(e, RegistryError::DigestMismatch { .. }));
    }

    #[test]
    fn sha512_and_helpers() {
        let d = sha256_digest(b"hello");
        assert_eq!(d.to_string(), HELLO);
        let e512: Digest = "sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043".parse().unwrap();
        let mut v = Verifier::new(&e512).unwrap();
        v.update(b"hello");
        v.finish(&e512, Some(5)).unwrap();
        assert!(parse_digest("nope").is_none());
    }
}
