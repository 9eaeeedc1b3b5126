//! Rows of the `certificates` table: colleagues' certificates kept to verify their signatures.

use super::{Store, Tx};
use crate::sql::{args, Row};
use crate::systems::unreadable;
use chrono::{DateTime, SecondsFormat, Utc};
use steward_domain::Result;
use steward_sign::CertInfo;

const COLUMNS: &str = "fingerprint, subject, issuer, serial, not_before, not_after, pem";

fn time_col(r: &Row<'_>, i: usize) -> Result<DateTime<Utc>> {
    let s: String = r.get(i)?;
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| unreadable("certificate's validity", e))
}

fn from_row(r: &Row<'_>) -> Result<CertInfo> {
    Ok(CertInfo {
        fingerprint_sha256: r.get(0)?,
        subject: r.get(1)?,
        issuer: r.get(2)?,
        serial: r.get(3)?,
        not_before: time_col(r, 4)?,
        not_after: time_col(r, 5)?,
        pem: r.get(6)?,
    })
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Tx<'_> {
    /// Inserts a certificate; false (and nothing written) when one with the same fingerprint
    /// is already there.
    pub fn insert_certificate(
        &mut self,
        c: &CertInfo,
        imported_at: &str,
        imported_by: &str,
    ) -> Result<bool> {
        let n = self.tx.execute(
            "INSERT INTO certificates (fingerprint, subject, issuer, serial, not_before, not_after, pem,
                                       imported_at, imported_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (fingerprint) DO NOTHING",
            &args![
                c.fingerprint_sha256,
                c.subject,
                c.issuer,
                c.serial,
                rfc3339(c.not_before),
                rfc3339(c.not_after),
                c.pem,
                imported_at,
                imported_by
            ],
        )?;
        Ok(n == 1)
    }
}

impl Store {
    /// Every imported certificate, by subject then fingerprint.
    pub fn certificates(&self) -> Result<Vec<CertInfo>> {
        self.conn.query(
            &format!("SELECT {COLUMNS} FROM certificates ORDER BY subject, fingerprint"),
            &[],
            from_row,
        )
    }

    /// The certificate with this SHA-256 fingerprint (lowercase hex), with when and by whom it
    /// was imported.
    pub fn certificate(&self, fingerprint: &str) -> Result<Option<(CertInfo, String, String)>> {
        self.conn.query_opt(
            &format!(
                "SELECT {COLUMNS}, imported_at, imported_by FROM certificates WHERE fingerprint = ?1"
            ),
            &args![fingerprint],
            |r| Ok((from_row(r)?, r.get(7)?, r.get(8)?)),
        )
    }
}
