//! The ECI API: signing, credentials, endpoint, calls and errors.
