//! The trust of every connection to the cloud, API calls and session sockets alike: rustls over
//! ring with the platform's verifier, made on the first handshake rather than with the client.
//! Loading the system's root certificates takes about 5 ms, and the API client is made while
//! an editor opens its first file: its first completion should not wait for roots that only a
//! connection needs.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, Error, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// Makes ring the process's rustls provider (once; later calls change nothing).
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client configuration that verifies servers as the platform does.
pub fn client_config() -> Result<ClientConfig, Error> {
    install_tls_provider();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = LazyPlatformVerifier {
        provider: provider.clone(),
        platform: OnceLock::new(),
    };
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// The platform verifier, made when the first certificate is to be checked.
#[derive(Debug)]
struct LazyPlatformVerifier {
    provider: Arc<CryptoProvider>,
    platform: OnceLock<Result<Verifier, Error>>,
}

impl LazyPlatformVerifier {
    fn platform(&self) -> Result<&Verifier, Error> {
        self.platform
            .get_or_init(|| Verifier::new(self.provider.clone()))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        self.platform()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.platform()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.platform()?.verify_tls13_signature(message, cert, dss)
    }

    /// The provider's schemes, which are what the platform verifier offers: no roots needed
    /// to say them, and the client hello asks for them before any certificate comes.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
