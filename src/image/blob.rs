//! What a blob is, told from its bytes: its digest, its compression, and a guard on the tar
//! framing of a stream. Used by the store (layers), archives and the registry client alike,
//! so it sits in `image`, below all three.

use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

use super::config::{MEDIA_LAYER_GZIP, MEDIA_LAYER_TAR, MEDIA_LAYER_ZSTD};

/// How a layer blob is compressed, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// Detect by magic number; anything else is read as a plain tar.
    pub fn detect(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// The OCI layer media type for a blob so compressed.
    pub fn media_type(self) -> &'static str {
        match self {
            Compression::None => MEDIA_LAYER_TAR,
            Compression::Gzip => MEDIA_LAYER_GZIP,
            Compression::Zstd => MEDIA_LAYER_ZSTD,
        }
    }

    /// A reader of the uncompressed bytes of `input`, whose first bytes were `detect`ed.
    /// The decoders read from `input`'s buffer (no second copy).
    pub fn decoder<'a, R: BufRead + 'a>(self, input: R) -> io::Result<Box<dyn Read + 'a>> {
        Ok(match self {
            Compression::None => Box::new(input),
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(input)?),
        })
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The chain id of a layer: its diff id for the base layer, else
/// `sha256(<parent chain id> + " " + <diff id>)`.
pub fn chain_id(parent: Option<&str>, diff_id: &str) -> String {
    match parent {
        None => diff_id.to_string(),
        Some(p) => sha256_digest(format!("{p} {diff_id}").as_bytes()),
    }
}

/// The largest GNU long name / long link or PAX extension entry accepted. The tar crate holds
/// such an entry whole in memory before the entry it describes, so a layer could otherwise
/// make berth buffer gigabytes; real ones are a few KiB (a path, xattrs).
pub const MAX_TAR_EXTENSION: u64 = 1 << 20;

/// A reader that follows the tar framing of the stream passing through it and fails on an
/// extension entry over [`MAX_TAR_EXTENSION`], before the tar crate buffers it. It honours a
/// PAX `size` record for the entry that follows, and GNU sparse extension blocks. On a block
/// it cannot read as a header it stops checking and lets the tar crate report the error.
pub struct ExtensionCap<R> {
    inner: R,
    block: [u8; 512],
    filled: usize,
    /// Bytes of entry data (and padding) to pass before the next header.
    skip: u64,
    /// The data of a PAX entry being collected, and how much of it is still to come.
    pax: Option<(Vec<u8>, u64)>,
    /// A PAX `size` for the next entry.
    next_size: Option<u64>,
    /// GNU sparse extension blocks follow.
    sparse_ext: bool,
    off: bool,
}

impl<R: Read> ExtensionCap<R> {
    pub fn new(inner: R) -> Self {
        ExtensionCap {
            inner,
            block: [0; 512],
            filled: 0,
            skip: 0,
            pax: None,
            next_size: None,
            sparse_ext: false,
            off: false,
        }
    }

    fn header(&mut self) -> io::Result<()> {
        let b = &self.block;
        if self.sparse_ext {
            self.sparse_ext = b[504] != 0;
            return Ok(());
        }
        if b.iter().all(|x| *x == 0) {
            return Ok(());
        }
        let h = tar::Header::from_byte_slice(b);
        let (Ok(size), Ok(sum)) = (h.entry_size(), h.cksum()) else {
            self.off = true;
            return Ok(());
        };
        let computed: u32 = b[..148]
            .iter()
            .chain(&b[156..])
            .map(|x| u32::from(*x))
            .sum::<u32>()
            + 8 * 32;
        if sum != computed {
            self.off = true;
            return Ok(());
        }
        let kind = b[156];
        let size = match kind {
            b'x' | b'g' | b'L' | b'K' => size,
            _ => self.next_size.take().unwrap_or(size),
        };
        if matches!(kind, b'x' | b'L' | b'K') && size > MAX_TAR_EXTENSION {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a tar extension header of {size} bytes (the limit is {MAX_TAR_EXTENSION})"
                ),
            ));
        }
        if kind == b'S' && h.as_gnu().is_some() {
            self.sparse_ext = b[482] != 0;
        }
        if kind == b'x' {
            self.pax = Some((Vec::with_capacity(size as usize), size));
        }
        self.skip = size.div_ceil(512) * 512;
        Ok(())
    }

    fn pax_done(&mut self, data: &[u8]) {
        for record in tar::PaxExtensions::new(data).flatten() {
            if record.key() == Ok("size") {
                self.next_size = record.value().ok().and_then(|v| v.parse().ok());
            }
        }
    }

    fn track(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() && !self.off {
            if self.skip > 0 {
                let n = (self.skip.min(buf.len() as u64)) as usize;
                if let Some((data, left)) = &mut self.pax {
                    let take = (*left).min(n as u64) as usize;
                    data.extend_from_slice(&buf[..take]);
                    *left -= take as u64;
                }
                self.skip -= n as u64;
                buf = &buf[n..];
                if self.skip == 0 {
                    if let Some((data, _)) = self.pax.take() {
                        self.pax_done(&data);
                    }
                }
                continue;
            }
            let n = (512 - self.filled).min(buf.len());
            self.block[self.filled..self.filled + n].copy_from_slice(&buf[..n]);
            self.filled += n;
            buf = &buf[n..];
            if self.filled == 512 {
                self.filled = 0;
                self.header()?;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for ExtensionCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.track(&buf[..n])?;
        Ok(n)
    }
}
