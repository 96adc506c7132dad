//! Opening a session's WebSocket: TCP (no Nagle delay, so keystrokes go out at once), TLS
//! for `wss` with the API client's trust (`remote/tls.rs`: the platform verifier), then the
//! handshake with no subprotocol, as independent ECI clients do.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Error as WsError;

use super::uri::SessionUri;

/// The byte stream under the WebSocket: plain TCP on loopback, else TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A connected session.
pub type Socket = WebSocketStream<Box<dyn Io>>;

/// Connects within `timeout`. The error says why, showing the URI without its token.
pub async fn connect(uri: &SessionUri, timeout: Duration) -> Result<Socket, String> {
    match tokio::time::timeout(timeout, open(uri)).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "cannot connect to {uri}: no answer within {} s",
            timeout.as_secs()
        )),
    }
}

async fn open(uri: &SessionUri) -> Result<Socket, String> {
    let cannot = |detail: String| format!("cannot connect to {uri}: {detail}");
    let tcp = TcpStream::connect((uri.host(), uri.port()))
        .await
        .map_err(|error| cannot(error.to_string()))?;
    tcp.set_nodelay(true)
        .map_err(|error| cannot(error.to_string()))?;
    let stream: Box<dyn Io> = if uri.is_tls() {
        let name = ServerName::try_from(uri.host().to_owned())
            .map_err(|error| cannot(error.to_string()))?;
        let tls = TlsConnector::from(tls_config().map_err(cannot)?)
            .connect(name, tcp)
            .await
            .map_err(|error| cannot(format!("TLS: {error}")))?;
        Box::new(tls)
    } else {
        Box::new(tcp)
    };
    let (socket, _) = tokio_tungstenite::client_async(uri.as_secret_str(), stream)
        .await
        .map_err(|error| cannot(handshake_error(error)))?;
    Ok(socket)
}

/// The same trust as the API client.
fn tls_config() -> Result<Arc<ClientConfig>, String> {
    crate::remote::tls::client_config()
        .map(Arc::new)
        .map_err(|error| format!("TLS setup: {error}"))
}

/// What went wrong in the handshake, in words; never the request (its URI holds the token).
fn handshake_error(error: WsError) -> String {
    match error {
        WsError::Http(response) => format!(
            "the server refused the session (HTTP {}); a session URI is valid for a short time and only once",
            response.status()
        ),
        WsError::Io(error) => error.to_string(),
        WsError::Protocol(error) => format!("not a WebSocket answer ({error})"),
        other => other.to_string(),
    }
}
