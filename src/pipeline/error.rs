//! The error a command ends with: bad input (exit 2, one clear line naming file / patient /
//! key and what to do) or an internal failure (exit 1). Must not print anything itself.

/// Why a command stopped.
#[derive(Debug)]
pub enum StudyError {
    /// The user's input is wrong; the message says where and what to do.
    BadInput(String),
    /// Something failed that is not the user's fault.
    Internal(anyhow::Error),
}

impl StudyError {
    pub fn bad(msg: impl Into<String>) -> Self {
        StudyError::BadInput(msg.into())
    }
    pub fn message(&self) -> String {
        match self {
            StudyError::BadInput(m) => m.clone(),
            StudyError::Internal(e) => format!("{e:#}"),
        }
    }
    pub fn exit_code(&self) -> u8 {
        match self {
            StudyError::BadInput(_) => 2,
            StudyError::Internal(_) => 1,
        }
    }
}

impl std::fmt::Display for StudyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl From<anyhow::Error> for StudyError {
    fn from(e: anyhow::Error) -> Self {
        StudyError::Internal(e)
    }
}
impl From<crate::manifest::ManifestError> for StudyError {
    fn from(e: crate::manifest::ManifestError) -> Self {
        StudyError::BadInput(e.to_string())
    }
}
impl From<crate::cohort::CohortError> for StudyError {
    fn from(e: crate::cohort::CohortError) -> Self {
        StudyError::BadInput(e.to_string())
    }
}
