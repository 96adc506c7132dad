//! The exec fields of the contract: names, types, whether required, and their documentation.

/// The JSON type a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    String,
    Boolean,
    /// An array of strings, or a string holding one as JSON.
    Command,
    /// An object of string keys to string values (`Tags`).
    Tags,
    /// The `Execs` array of a multi-entry file.
    Entries,
}

/// One field an exec config may hold.
#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub field_type: FieldType,
    /// Required in every entry, written there or inherited.
    pub required: bool,
    /// Markdown documentation, shown in hover and completion.
    pub doc: &'static str,
}

pub const REGION_ID: &str = "RegionId";
pub const CONTAINER_GROUP_ID: &str = "ContainerGroupId";
pub const CONTAINER_GROUP_NAME: &str = "ContainerGroupName";
pub const TAGS: &str = "Tags";
pub const CONTAINER_NAME: &str = "ContainerName";
pub const COMMAND: &str = "Command";
pub const TTY: &str = "TTY";
pub const STDIN: &str = "Stdin";
pub const SYNC: &str = "Sync";
pub const LABEL: &str = "Label";
pub const EXECS: &str = "Execs";
pub const SCHEMA: &str = "$schema";

/// Every field of an exec entry, in the order the contract lists them.
pub const EXEC_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: REGION_ID,
        field_type: FieldType::String,
        required: true,
        doc: "Region of the instance, e.g. `cn-hangzhou`. Required, in the entry or as a default at the top of the file.",
    },
    FieldSpec {
        name: CONTAINER_GROUP_ID,
        field_type: FieldType::String,
        required: false,
        doc: "The instance (container group) to run in: `eci-` followed by lowercase letters and digits, e.g. `eci-2zebxkiifulhl0001`. Every entry needs a target, in the entry or as a default: this id, or a `ContainerGroupName`/`Tags` selector (not both in one object). An entry that sets any of the three replaces the whole inherited target.",
    },
    FieldSpec {
        name: CONTAINER_GROUP_NAME,
        field_type: FieldType::String,
        required: false,
        doc: "A selector: the instances of the region with this name, exact or a pattern where `*` matches any run of characters (`web-*`). With `Tags`, an instance must match both. A Sync entry runs on every match that is `Running` and has the container; the others are skipped. Instead of `ContainerGroupId` (not both in one object); never sent to ExecContainerCommand: resolved through DescribeContainerGroups.",
    },
    FieldSpec {
        name: TAGS,
        field_type: FieldType::Tags,
        required: false,
        doc: "A selector: the instances of the region that carry every one of these tags with these values, e.g. `{\"app\": \"web\"}` (at most 20 tags, keys not empty). With `ContainerGroupName`, an instance must match both. A Sync entry runs on every match that is `Running` and has the container; the others are skipped. Instead of `ContainerGroupId` (not both in one object); never sent to ExecContainerCommand: resolved through DescribeContainerGroups.",
    },
    FieldSpec {
        name: CONTAINER_NAME,
        field_type: FieldType::String,
        required: true,
        doc: "The container inside the instance, a lowercase DNS label (letters, digits, `-`, at most 63 characters). Required, in the entry or as a default.",
    },
    FieldSpec {
        name: COMMAND,
        field_type: FieldType::Command,
        required: true,
        doc: "What to run: an array of strings such as `[\"/bin/sh\", \"-c\", \"ls -a\"]`, or a string holding that array as JSON (the API's wire form). 1 to 20 items, each at most 256 characters. Required in every entry; it cannot be a default.",
    },
    FieldSpec {
        name: TTY,
        field_type: FieldType::Boolean,
        required: false,
        doc: "Open an interactive terminal. Default `false`. Set it to `true` for a shell such as `/bin/bash`; it must be `false` when `Sync` is `true`.",
    },
    FieldSpec {
        name: STDIN,
        field_type: FieldType::Boolean,
        required: false,
        doc: "Read from standard input. Default `true`.",
    },
    FieldSpec {
        name: SYNC,
        field_type: FieldType::Boolean,
        required: false,
        doc: "Run now and return the output as `SyncResponse`. Default `false`. With `Sync`, `TTY` must be `false` and the command must not be an interactive shell.",
    },
    FieldSpec {
        name: LABEL,
        field_type: FieldType::String,
        required: false,
        doc: "A name for the entry, shown on its Run lens, in the outline and in results. Not sent to the API.",
    },
];

pub const EXECS_SPEC: FieldSpec = FieldSpec {
    name: EXECS,
    field_type: FieldType::Entries,
    required: false,
    doc: "The entries of a multi-entry file. Each is an exec object; fields set at the top of the file (except `Command` and `Label`) are defaults every entry inherits unless it sets them itself.",
};

pub const SCHEMA_SPEC: FieldSpec = FieldSpec {
    name: SCHEMA,
    field_type: FieldType::String,
    required: false,
    doc: "The JSON Schema of the file, for other tools; ignored by the ECI API.",
};

/// Looks a field up by its exact (case-sensitive) name among the exec fields.
pub fn exec_field(name: &str) -> Option<&'static FieldSpec> {
    EXEC_FIELDS.iter().find(|spec| spec.name == name)
}

/// Looks up any field the format knows, including `Execs` and `$schema`.
pub fn any_field(name: &str) -> Option<&'static FieldSpec> {
    match name {
        EXECS => Some(&EXECS_SPEC),
        SCHEMA => Some(&SCHEMA_SPEC),
        _ => exec_field(name),
    }
}

/// The fields a top-level defaults object may set (every exec field but Command and Label).
pub fn is_default_field(name: &str) -> bool {
    exec_field(name).is_some() && name != COMMAND && name != LABEL
}
