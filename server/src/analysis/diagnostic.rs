//! Diagnostics as analysis produces them: a stable code, a severity, a byte span, a message,
//! and, where one exists, the quick fix that resolves it.

use super::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The contract's diagnostic codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Syntax,
    TrailingComma,
    DuplicateKey,
    UnknownField,
    InvalidType,
    MissingField,
    TargetConflict,
    InvalidTags,
    InvalidContainerGroupName,
    CommandInvalidJson,
    CommandEmpty,
    CommandTooMany,
    CommandTooLong,
    InvalidEscape,
    HiddenCharacters,
    SyncWithTty,
    SyncWithShell,
    ShellWithoutTty,
    InvalidContainerGroupId,
    InvalidContainerName,
    UnknownRegion,
    UnknownContainerGroup,
    UnknownContainer,
    ContainerGroupNotRunning,
    NoMatchingInstance,
}

impl Code {
    pub const ALL: [Code; 25] = [
        Code::Syntax,
        Code::TrailingComma,
        Code::DuplicateKey,
        Code::UnknownField,
        Code::InvalidType,
        Code::MissingField,
        Code::TargetConflict,
        Code::InvalidTags,
        Code::InvalidContainerGroupName,
        Code::CommandInvalidJson,
        Code::CommandEmpty,
        Code::CommandTooMany,
        Code::CommandTooLong,
        Code::InvalidEscape,
        Code::HiddenCharacters,
        Code::SyncWithTty,
        Code::SyncWithShell,
        Code::ShellWithoutTty,
        Code::InvalidContainerGroupId,
        Code::InvalidContainerName,
        Code::UnknownRegion,
        Code::UnknownContainerGroup,
        Code::UnknownContainer,
        Code::ContainerGroupNotRunning,
        Code::NoMatchingInstance,
    ];

    /// The stable identifier the contract gives this code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::TrailingComma => "trailing-comma",
            Code::DuplicateKey => "duplicate-key",
            Code::UnknownField => "unknown-field",
            Code::InvalidType => "invalid-type",
            Code::MissingField => "missing-field",
            Code::TargetConflict => "target-conflict",
            Code::InvalidTags => "invalid-tags",
            Code::InvalidContainerGroupName => "invalid-container-group-name",
            Code::CommandInvalidJson => "command-invalid-json",
            Code::CommandEmpty => "command-empty",
            Code::CommandTooMany => "command-too-many",
            Code::CommandTooLong => "command-too-long",
            Code::InvalidEscape => "invalid-escape",
            Code::HiddenCharacters => "hidden-characters",
            Code::SyncWithTty => "sync-with-tty",
            Code::SyncWithShell => "sync-with-shell",
            Code::ShellWithoutTty => "shell-without-tty",
            Code::InvalidContainerGroupId => "invalid-container-group-id",
            Code::InvalidContainerName => "invalid-container-name",
            Code::UnknownRegion => "unknown-region",
            Code::UnknownContainerGroup => "unknown-container-group",
            Code::UnknownContainer => "unknown-container",
            Code::ContainerGroupNotRunning => "container-group-not-running",
            Code::NoMatchingInstance => "no-matching-instance",
        }
    }

    /// The severity the contract fixes for this code.
    pub fn severity(self) -> Severity {
        match self {
            Code::Syntax
            | Code::InvalidType
            | Code::MissingField
            | Code::TargetConflict
            | Code::InvalidTags
            | Code::CommandInvalidJson
            | Code::CommandEmpty
            | Code::CommandTooMany
            | Code::CommandTooLong
            | Code::InvalidEscape
            | Code::SyncWithTty
            | Code::SyncWithShell => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

/// A text edit in byte offsets: replace `span` with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A quick fix: a title for the menu and the edits that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            span,
            message: message.into(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }
}
