//! The one error type of core. Third-party errors are wrapped here and never cross the API.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One field of a record that failed validation, and what would have been accepted.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{entity} not found: {key}")]
    NotFound { entity: &'static str, key: String },

    #[error("invalid {entity}: {}", join_fields(.fields))]
    Validation {
        entity: &'static str,
        fields: Vec<FieldError>,
    },

    #[error("{0}")]
    Conflict(String),

    #[error("stage change refused: {from} -> {to}: {reason}")]
    Transition {
        from: String,
        to: String,
        reason: String,
    },

    /// A gate of the lifecycle refused a change of a system: reaching production or retired
    /// without what the gate asks (an approved sign-off, a complete decommissioning checklist),
    /// a new record at a stage beyond a gate it cannot have passed, or a major change of a system
    /// in service without an approved sign-off of exactly that change. `fields` are the fields
    /// of the record the refusal is about ("stage", or the major fields changed), so an import
    /// can locate it; the message names the system, the gate and the rule in force.
    #[error("{message}")]
    Gate {
        system: String,
        gate: String,
        fields: Vec<String>,
        message: String,
    },

    #[error("{}", import_summary(.problems))]
    Import { problems: Vec<ImportProblem> },

    #[error("{0}")]
    Workspace(String),

    /// An encrypted workspace opened without its passphrase, or with one that does not open
    /// it; nothing was read or written.
    #[error("{0}")]
    Locked(String),

    #[error("{0}")]
    Integrity(String),

    #[error("storage error: {0}")]
    Storage(String),

    #[error("{path}: {message}")]
    Io { path: String, message: String },

    /// The person cancelled a long operation; nothing was written.
    #[error("cancelled; nothing was written")]
    Cancelled,

    /// A signing identity that cannot be used: wrong passphrase, expired certificate, a key that
    /// does not match its certificate, a .p12 without a private key.
    #[error("{0}")]
    Identity(String),

    /// No signing identity has been created yet in the identity directory.
    #[error(
        "no signing identity in {dir}: create one, or import an organisation-issued certificate"
    )]
    NoIdentity { dir: String },

    /// A digital signature that is malformed, does not match its content, or cannot be made.
    #[error("{0}")]
    Signature(String),

    /// Any error with what the person can do about it. Core states the facts; each adapter words
    /// the remedy where it is read (the CLI names a command, the app a screen or a button).
    #[error("{error}")]
    Remedied { error: Box<Error>, remedy: Remedy },
}

/// What a person can do about an error, as facts; never a command line or a button's name.
/// The CLI (`steward` subcommands) and the app (screens) each word it for their readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
#[non_exhaustive]
pub enum Remedy {
    /// Create a signing identity, or import an organisation-issued PKCS#12 certificate.
    CreateIdentity,
    /// Trust this signer's certificate (import it into the workspace), if they are expected.
    TrustCertificate {
        subject: String,
        fingerprint: String,
    },
    /// Create the review board of this name.
    CreateBoard { name: String },
    /// Add a sign-off rule for this gate and risk tier.
    AddSignoffRule { gate: String, tier: String },
    /// Look the request up among the workspace's sign-off requests.
    ListSignoffRequests,
    /// Open a sign-off request for this system and gate.
    OpenSignoffRequest { system: String, gate: String },
    /// Start the system's decommissioning checklist.
    StartRetirement { system: String },
    /// Look the event's uid up in the calendar.
    ListCalendar,
    /// Resolve the escalation with a note.
    ResolveEscalation {
        #[ts(type = "number")]
        id: i64,
    },
    /// The file is expected to be one Steward wrote: a sign-off request or signature file.
    UseSignoffFile { request: bool },
    /// Freeze the portfolio review of this quarter first.
    FreezeReview { period: String },
    /// Register the system at an earlier stage than `stage` (which lies beyond a gate a new
    /// record cannot have passed) and bring it there through the gate: for production or
    /// deprecated, a pre-deployment sign-off before production; for retired, the decommissioning
    /// checklist.
    AddAtEarlierStage { system: String, stage: String },
    /// Open a major-change sign-off request for the system proposing the new values of these
    /// fields, and save the change once the board has approved it.
    ProposeMajorChange { system: String, fields: Vec<String> },
    /// Record the validation evidence the policy asks for (or renew what is out of date) for
    /// the system's current model version, or open a pre-deployment request that asks the board
    /// for an evidence exception with a reason.
    ProvideEvidence { system: String },
}

impl Error {
    /// A stable machine-readable code; the UI switches on it.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Validation { .. } => "validation",
            Error::Conflict(_) => "conflict",
            Error::Transition { .. } => "transition",
            Error::Gate { .. } => "gate",
            Error::Import { .. } => "import",
            Error::Workspace(_) => "workspace",
            Error::Locked(_) => "locked",
            Error::Integrity(_) => "integrity",
            Error::Storage(_) => "storage",
            Error::Io { .. } => "io",
            Error::Cancelled => "cancelled",
            Error::Identity(_) => "identity",
            Error::NoIdentity { .. } => "no_identity",
            Error::Signature(_) => "signature",
            Error::Remedied { error, .. } => error.code(),
        }
    }

    /// Attaches what the person can do about this error; the message and code stay the same.
    pub fn with_remedy(self, remedy: Remedy) -> Self {
        Error::Remedied {
            error: Box::new(self),
            remedy,
        }
    }

    /// What the person can do about this error, if core knows.
    pub fn remedy(&self) -> Option<&Remedy> {
        match self {
            Error::Remedied { remedy, .. } => Some(remedy),
            Error::NoIdentity { .. } => Some(&Remedy::CreateIdentity),
            _ => None,
        }
    }

    /// The error itself, without a remedy attached.
    pub fn inner(&self) -> &Error {
        match self {
            Error::Remedied { error, .. } => error.inner(),
            other => other,
        }
    }

    /// Takes the remedy off, giving the error itself.
    pub fn into_inner(self) -> Error {
        match self {
            Error::Remedied { error, .. } => error.into_inner(),
            other => other,
        }
    }

    pub fn io(path: impl AsRef<std::path::Path>, err: impl std::fmt::Display) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            message: err.to_string(),
        }
    }
}

fn join_fields(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn import_summary(problems: &[ImportProblem]) -> String {
    let mut out = format!(
        "import refused, nothing was written: {} problem{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems.iter().take(20) {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    if problems.len() > 20 {
        out.push_str(&format!("\n  ... and {} more", problems.len() - 20));
    }
    out
}

/// The store's SQL errors, wrapped (enabled by the store crate only).
#[cfg(feature = "rusqlite")]
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Error::Workspace(BUSY.into())
            }
            _ => Error::Storage(e.to_string()),
        }
    }
}

/// What a person is told when another process held the workspace longer than Steward waits.
#[cfg(feature = "rusqlite")]
pub const BUSY: &str = "another Steward (the app or a `steward` command) is writing to this \
     workspace and did not finish in time; nothing was changed; try again once it has finished";

/// One thing wrong with an input file, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportProblem {
    /// The file name as given.
    pub file: String,
    /// The sheet, for .xlsx and .ods; None for .csv.
    pub sheet: Option<String>,
    /// The 1-based row as a spreadsheet shows it; None for a problem with the whole file.
    #[ts(type = "number | null")]
    pub row: Option<u32>,
    /// The column as a spreadsheet shows it and its header, e.g. "D (risk tier)".
    pub column: Option<String>,
    /// The offending value as it appeared in the file.
    pub value: Option<String>,
    /// What was wrong and what would be accepted.
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, ", sheet {s:?}")?;
        }
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", value {v:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}
