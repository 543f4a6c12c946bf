//! TLS trust for one registry: the system roots (`$SSL_CERT_FILE` or the distribution's CA
//! bundle) plus `certs.d/<host[:port]>/*.crt`, and an optional client certificate (`*.cert`
//! with the matching `*.key`), as containers-image reads them.

use std::io;
use std::path::{Path, PathBuf};

use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

use super::RegistryError;

/// Where the system's CA bundle lives on the common distributions.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The default `certs.d` directories: the user's, then the system's.
pub fn default_certs_dirs(get: impl Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    let nonempty = |k: &str| get(k).filter(|v| !v.is_empty());
    let mut dirs = Vec::new();
    if let Some(c) = nonempty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| nonempty("HOME").map(|h| PathBuf::from(h).join(".config")))
    {
        dirs.push(c.join("containers/certs.d"));
    }
    dirs.push(PathBuf::from("/etc/containers/certs.d"));
    dirs.push(PathBuf::from("/etc/docker/certs.d"));
    dirs
}

/// Build the TLS configuration for `registry` (`host[:port]`).
pub fn config_for(
    registry: &str,
    certs_dirs: &[PathBuf],
    verify: bool,
) -> Result<TlsConfig, RegistryError> {
    let mut roots: Vec<Certificate<'static>> = Vec::new();
    let bundle = std::env::var_os("SSL_CERT_FILE")
        .map(PathBuf::from)
        .into_iter()
        .chain(SYSTEM_BUNDLES.iter().map(PathBuf::from))
        .find(|p| p.is_file());
    let have_system = bundle.is_some();
    if let Some(path) = bundle {
        roots.extend(read_certs(&path)?);
    }
    let mut client: Option<ClientCert> = None;
    for dir in certs_dirs {
        let host_dir = dir.join(registry);
        let entries = match std::fs::read_dir(&host_dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(RegistryError::Certs {
                    path: host_dir,
                    source,
                })
            }
        };
        let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in &files {
            match file.extension().and_then(|x| x.to_str()) {
                Some("crt") => roots.extend(read_certs(file)?),
                Some("cert") if client.is_none() => {
                    let key = file.with_extension("key");
                    let chain = read_certs(file)?;
                    let key = read_key(&key)?;
                    client = Some(ClientCert::new_with_certs(&chain, key));
                }
                _ => {}
            }
        }
    }
    // Without a system bundle, Mozilla's roots (compiled in) stand in for it, unless
    // certs.d names this registry's own CA.
    let roots = if !have_system && roots.is_empty() {
        RootCerts::WebPki
    } else {
        RootCerts::new_with_certs(&roots)
    };
    Ok(TlsConfig::builder()
        .root_certs(roots)
        .client_cert(client)
        .disable_verification(!verify)
        .build())
}

fn read_file(path: &Path) -> Result<Vec<u8>, RegistryError> {
    std::fs::read(path).map_err(|source| RegistryError::Certs {
        path: path.to_path_buf(),
        source,
    })
}

/// All certificates of a PEM file (other items are skipped).
fn read_certs(path: &Path) -> Result<Vec<Certificate<'static>>, RegistryError> {
    let pem = read_file(path)?;
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => out.push(c),
            Ok(_) => {}
            Err(_) => {
                return Err(RegistryError::BadCert {
                    path: path.to_path_buf(),
                })
            }
        }
    }
    Ok(out)
}

fn read_key(path: &Path) -> Result<PrivateKey<'static>, RegistryError> {
    let pem = read_file(path)?;
    for item in ureq::tls::parse_pem(&pem) {
        if let Ok(PemItem::PrivateKey(k)) = item {
            return Ok(k);
        }
    }
    Err(RegistryError::BadCert {
        path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certs_dirs_user_first() {
        let d = default_certs_dirs(|k| (k == "HOME").then(|| "/home/u".to_string()));
        assert_eq!(d[0], PathBuf::from("/home/u/.config/containers/certs.d"));
        assert_eq!(d[1], PathBuf::from("/etc/containers/certs.d"));
    }

    #[test]
    fn garbage_pem_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let host = dir.path().join("r.io:5000");
        std::fs::create_dir(&host).unwrap();
        std::fs::write(
            host.join("ca.crt"),
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = config_for("r.io:5000", &[dir.path().to_path_buf()], true).unwrap_err();
        assert!(e.to_string().contains("ca.crt"), "{e}");
        // A registry without a directory is fine.
        config_for("other.io", &[dir.path().to_path_buf()], true).unwrap();
    }
}
