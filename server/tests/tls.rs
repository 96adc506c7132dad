//! The trust of connections to the cloud (`remote/tls.rs`, whose platform verifier is made on
//! the first handshake): a loopback server whose certificate no root vouches for is refused by
//! the API client and by the configuration session sockets use, and is sent no request.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use eci_exec_lsp::remote::{ClientOptions, EciClient, Endpoint, RetryPolicy, tls};
use fake_eci::test_credentials;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// A TLS server on loopback with a self-signed certificate for `localhost`; counts the bytes
/// of application data it receives.
async fn untrusted_server() -> (u16, Arc<AtomicUsize>) {
    tls::install_tls_provider();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("a self-signed certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("a server configuration");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(AtomicUsize::new(0));
    let counted = received.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, counted) = (acceptor.clone(), counted.clone());
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buffer = [0u8; 1024];
                while let Ok(read @ 1..) = stream.read(&mut buffer).await {
                    counted.fetch_add(read, Ordering::SeqCst);
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn the_api_client_refuses_an_untrusted_certificate_and_sends_nothing() {
    let (port, received) = untrusted_server().await;
    let endpoint = Endpoint::parse(&format!("https://localhost:{port}")).expect("endpoint");
    let options = ClientOptions {
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    };
    let client = EciClient::from_parts(test_credentials(), endpoint, &options).expect("client");
    let error = client
        .describe_regions(None)
        .await
        .expect_err("an untrusted certificate is refused")
        .to_string();
    assert!(
        error.to_lowercase().contains("certificate"),
        "the error should say why: {error}"
    );
    assert_eq!(received.load(Ordering::SeqCst), 0, "a request was sent");
}

#[tokio::test]
async fn the_session_configuration_refuses_an_untrusted_certificate() {
    let (port, received) = untrusted_server().await;
    let config = tls::client_config().expect("a client configuration");
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let name = ServerName::try_from("localhost").expect("a name");
    let refused = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await;
    let Err(error) = refused else {
        panic!("an untrusted certificate was accepted");
    };
    let error = error.to_string();
    assert!(error.contains("certificate"), "{error}");
    assert_eq!(received.load(Ordering::SeqCst), 0);
}
