//! The wire-only shapes of the API's answers (pages), read leniently; the values they carry
//! are `crate::eci`'s.

use serde::Deserialize;

use crate::eci::lenient;
pub use crate::eci::{
    Container, ContainerGroup, ContainerState, ExecRequest, ExecResponse, Region,
};

/// One page of `DescribeContainerGroups`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ContainerGroupsPage {
    #[serde(deserialize_with = "lenient")]
    pub next_token: String,
    #[serde(deserialize_with = "lenient")]
    pub container_groups: Vec<ContainerGroup>,
}

/// The `DescribeRegions` answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct RegionsPage {
    #[serde(deserialize_with = "lenient")]
    pub regions: Vec<Region>,
}
