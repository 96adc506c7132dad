//! One file per feature: each takes the session and the request's parameters, reads a
//! snapshot, asks the analysis (and the online caches), and answers through `to_proto`.

pub mod code_actions;
pub mod completion;
pub mod diagnostics;
pub mod fleet;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod lenses;
pub mod lifecycle;
pub mod links;
pub mod run;
pub mod selection;
pub mod session;
pub mod symbols;

use std::sync::Arc;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;

use super::session::Session;
use crate::analysis::completion::ObjectKind;
use crate::analysis::instances::object_value;
use crate::analysis::model::Model;
use crate::online::ClientState;

/// Starts the fetch of the regions' instance lists, telling the user once when online
/// features are unavailable. Never waits.
fn ensure_groups(session: &Arc<Session>, regions: &[String]) {
    let options = session.settings().online_options();
    if let Some(why) = session.online.ensure_groups(regions, &options) {
        let client = session.client.clone();
        tokio::spawn(async move { tell_unavailable(&client, why).await });
    }
}

/// Tells the user that online features are off: one short line that fits an editor's message
/// area (Vim stops for "Press ENTER" on a longer one, and reads no message meanwhile), and
/// `why`, with what to do, in the server log.
async fn tell_unavailable(client: &Client, why: String) {
    client.log_message(MessageType::WARNING, why).await;
    client
        .show_message(
            MessageType::WARNING,
            "ECI exec: online features are off; the server log says why",
        )
        .await;
}

/// The region online features use for `object`: the file's, else `fallback_region`.
fn region_for(session: &Session, model: &Model, object: ObjectKind) -> Option<String> {
    object_value(model, object, |fields| &fields.region_id).or_else(|| fallback_region(session))
}

/// The region online features use where a file names none: the `regionId` setting, else the
/// credentials profile's.
fn fallback_region(session: &Session) -> Option<String> {
    let settings = session.settings();
    settings.region_id.clone().or_else(|| {
        match session.online.client(&settings.online_options()).0 {
            ClientState::Ready(client) => client.default_region().map(str::to_owned),
            ClientState::Unavailable(_) => None,
        }
    })
}
