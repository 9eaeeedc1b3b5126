//! TLS for a team workspace's connection through rustls, checking the server as libpq's
//! `sslmode` says: `verify-full` the certificate's chain to the root certificates in
//! `sslrootcert` and the host name; `verify-ca` the chain only; `prefer` and `require` check
//! the chain when the root certificate file exists (as libpq does) and otherwise only encrypt.
//! A client certificate (`sslcert`, `sslkey`) is presented when both files exist.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::conninfo::{ConnInfo, SslMode};
use steward_domain::{Error, Result};

/// The connector for `info`'s `sslmode`.
pub fn connector(info: &ConnInfo) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    // ring (rustls deprecates it for lacking the post-quantum key exchange, which PostgreSQL
    // servers do not offer yet) builds with a C compiler alone; aws-lc-rs needs more.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots_exist = info.sslrootcert.is_file();
    let verifier: Arc<dyn ServerCertVerifier> = match info.sslmode {
        SslMode::VerifyCa | SslMode::VerifyFull if !roots_exist => {
            return Err(Error::Workspace(format!(
                "sslmode={} needs the certificate of the authority that signed the server's: \
                 the root certificate file {} does not exist; give it with sslrootcert= (or \
                 PGSSLROOTCERT)",
                if info.sslmode == SslMode::VerifyCa {
                    "verify-ca"
                } else {
                    "verify-full"
                },
                if info.sslrootcert.as_os_str().is_empty() {
                    "~/.postgresql/root.crt".to_string()
                } else {
                    info.sslrootcert.display().to_string()
                }
            )))
        }
        SslMode::VerifyFull => webpki(info, &provider)?,
        SslMode::VerifyCa | SslMode::Prefer | SslMode::Require if roots_exist => {
            Arc::new(ChainOnly(webpki(info, &provider)?))
        }
        _ => Arc::new(EncryptOnly(provider.clone())),
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = if info.sslcert.is_file() && info.sslkey.is_file() {
        let certs = CertificateDer::pem_file_iter(&info.sslcert)
            .and_then(|i| i.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| pem_error(&info.sslcert, e))?;
        let key =
            PrivateKeyDer::from_pem_file(&info.sslkey).map_err(|e| pem_error(&info.sslkey, e))?;
        builder
            .with_client_auth_cert(certs, key)
            .map_err(tls_error)?
    } else {
        builder.with_no_client_auth()
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

fn webpki(info: &ConnInfo, provider: &Arc<CryptoProvider>) -> Result<Arc<WebPkiServerVerifier>> {
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(&info.sslrootcert)
        .and_then(|i| i.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| pem_error(&info.sslrootcert, e))?;
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(Error::Workspace(format!(
            "the root certificate file {} holds no certificate; give a PEM file of the \
             authority that signed the server's certificate",
            info.sslrootcert.display()
        )));
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| Error::Workspace(format!("cannot check server certificates: {e}")))
}

fn pem_error(path: &std::path::Path, e: rustls::pki_types::pem::Error) -> Error {
    Error::Workspace(format!(
        "cannot read {} as PEM: {e}; give a PEM file (-----BEGIN ...-----)",
        path.display()
    ))
}

fn tls_error(e: rustls::Error) -> Error {
    Error::Workspace(format!("cannot set up TLS for the team workspace: {e}"))
}

/// `verify-ca`: the chain to a trusted root, whatever name the certificate is for.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer`/`require` without a root certificate file: encrypted, the server unchecked (as
/// libpq does; `verify-full` is what checks who the server is). The handshake's signatures are
/// still checked, so the key exchange is with whoever holds the certificate's key.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use crate::Store;

    /// `openssl` with `args` in `dir`; panics with its output when it fails.
    fn openssl(dir: &Path, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs (Debian: openssl)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A certificate authority `name` in `dir` (`name.key`, `name.crt`).
    fn authority(dir: &Path, name: &str) {
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.crt"),
                "-days",
                "2",
                "-subj",
                &format!("/CN={name}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        );
    }

    #[test]
    fn sslmode_checks_the_server_as_libpq_does_up_to_verify_full() {
        let Some(s) = steward_testpg::server_or_skip("sslmode_checks_the_server") else {
            return;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        authority(d, "team-ca");
        authority(d, "other-ca");
        // The server's certificate is for the name "localhost" only, not for 127.0.0.1.
        openssl(
            d,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        );
        std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:localhost\n").expect("ext");
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "team-ca.crt",
                "-CAkey",
                "team-ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
            ],
        );
        let read = |n: &str| std::fs::read(d.join(n)).expect("read");
        s.enable_tls(&read("server.crt"), &read("server.key"));
        let db = s.fresh_schema();
        let url = |host: &str, mode: &str, root: &str| {
            format!(
                "postgres://{}:{}@{host}:{}/postgres?options=-csearch_path%3D{}&sslmode={mode}&sslrootcert={}",
                steward_testpg::ROLE,
                s.password(),
                s.port(),
                db.name,
                d.join(root).display()
            )
        };
        let on_tls = |store: &Store| -> bool {
            store
                .conn
                .query_one(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    &[],
                    |r| r.get::<bool>(0),
                )
                .expect("reads")
        };
        let store = Store::open_team(&url("localhost", "verify-full", "team-ca.crt"))
            .expect("verify-full: the chain to the team's CA and the name localhost hold");
        assert!(on_tls(&store), "the session is encrypted");
        for (u, says) in [
            (
                url("127.0.0.1", "verify-full", "team-ca.crt"),
                "verify-full checks the host name",
            ),
            (
                url("localhost", "verify-full", "other-ca.crt"),
                "verify-full checks the chain",
            ),
            (
                url("localhost", "verify-ca", "other-ca.crt"),
                "verify-ca checks the chain",
            ),
            (
                url("localhost", "verify-full", "missing.crt"),
                "verify-full needs the root file",
            ),
        ] {
            let err = Store::open_team(&u)
                .err()
                .unwrap_or_else(|| panic!("refused: {says}"));
            assert_eq!(err.code(), "workspace", "{says}: {err}");
            assert!(
                !err.to_string().contains(s.password()),
                "no password in the message: {err}"
            );
        }
        let store = Store::open_team(&url("127.0.0.1", "verify-ca", "team-ca.crt"))
            .expect("verify-ca: the chain holds, whatever name the certificate is for");
        assert!(on_tls(&store));
        let store = Store::open_team(&url("127.0.0.1", "require", "missing.crt"))
            .expect("require without a root file only encrypts, as libpq does");
        assert!(on_tls(&store));
        let store = Store::open_team(&url("127.0.0.1", "require", "other-ca.crt"));
        assert!(
            store.is_err(),
            "require with a root file checks the chain, as libpq does"
        );
        let store = Store::open_team(&url("127.0.0.1", "disable", "missing.crt")).expect("plain");
        assert!(!on_tls(&store), "disable is plain");
    }
}
