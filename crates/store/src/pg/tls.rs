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
