//! The ECI API: signing, credentials, endpoint, calls and errors.
//!
//! `EciClient::new(&ClientOptions)` finds credentials and the endpoint; its async calls
//! sign (V2 by default, V3 on request), retry reads, and return `ApiError`s whose
//! `Display` tells the user what to do. Secrets live in `Secret` and are never printed; every
//! text the API sends back has them redacted (`redact.rs`) before anything else sees it.

pub mod client;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod percent;
mod redact;
pub mod retry;
pub mod sign_v2;
pub mod sign_v3;
pub mod timestamp;
pub mod tls;
pub mod types;

pub use client::{ClientOptions, EciClient, SetupError, SignatureVersion, Timeouts};
pub use credentials::{CredentialSource, Credentials, CredentialsError, Environment, Secret};
pub use endpoint::{DEFAULT_ENDPOINT, Endpoint, EndpointError};
pub use error::{ApiError, ServiceError, SignatureDiagnosis};
pub use retry::RetryPolicy;
pub use tls::install_tls_provider;
pub use types::{Container, ContainerGroup, ContainerState, ExecRequest, ExecResponse, Region};

/// The ECI API version every call names.
pub const API_VERSION: &str = "2018-08-08";
