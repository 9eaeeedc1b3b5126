//! Reading and verifying the audit log.

use serde::Deserialize;
use ts_rs::TS;

use super::Workspace;
use crate::audit::{self, AuditEntry, ChainReport};
use crate::store::AuditFilter;
use crate::Result;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
}

impl Workspace {
    pub fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.store.audit_query(&AuditFilter {
            entity: q.entity.clone(),
            entity_id: q.entity_id.clone(),
            limit: q.limit,
        })
    }

    /// Recomputes the whole chain and reports the first entry that breaks it.
    pub fn verify_audit(&self) -> Result<ChainReport> {
        Ok(audit::verify(&self.store.audit_entries()?))
    }
}
