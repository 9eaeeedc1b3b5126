//! Signed reports and audit packs for the workspace: what goes into a pack, and checking that
//! the workspace's audit log still extends the chain head a pack recorded.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::export::{self, Sheet};
use crate::import::table::Cell;
use crate::pack::{self, ChainAnchor, PackFile, PackSummary, ProgressFn};
use crate::register::SystemQuery;
use crate::report::{self, register_report, SignatureBlock};
use crate::sign::{pdf, CertInfo, Signer};
use crate::{Error, Result};

/// Whether the workspace's audit log still extends what a pack recorded.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AnchorReport {
    pub pack: String,
    /// The chain as the pack recorded it.
    pub anchored: ChainAnchor,
    /// The workspace's chain now.
    pub current: ChainAnchor,
    pub extends: bool,
    pub message: String,
}

impl Workspace {
    /// The register report as a PDF, signed by `signer` when one is given.
    pub fn register_report_pdf(&self, signer: Option<&Signer>) -> Result<Vec<u8>> {
        let at = self.ctx.clock.now();
        let mut model = register_report(self, at, &self.ctx.actor)?;
        if let Some(s) = signer {
            model.signature = Some(signature_block(s, at));
        }
        let bytes = report::render_pdf(&model)?;
        match signer {
            Some(s) => pdf::sign_pdf(&bytes, s, at, "AI system register issued by Steward"),
            None => Ok(bytes),
        }
    }

    /// The register report as an .xlsx workbook.
    pub fn register_report_xlsx(&self) -> Result<Vec<u8>> {
        let model = register_report(self, self.ctx.clock.now(), &self.ctx.actor)?;
        report::render_xlsx(&model)
    }

    /// Writes the register report to `out` in `format` ("pdf" or "xlsx"), signed by `signer`
    /// when one is given; returns the number of bytes written. Only a PDF carries a signature.
    pub fn write_register_report(
        &self,
        format: &str,
        signer: Option<&Signer>,
        out: &Path,
    ) -> Result<usize> {
        let bytes = match (format.to_ascii_lowercase().trim_start_matches('.'), signer) {
            ("pdf", s) => self.register_report_pdf(s)?,
            ("xlsx", None) => self.register_report_xlsx()?,
            ("xlsx", Some(_)) => return Err(report_format_error(
                "only PDF reports carry a signature; sign an .xlsx by putting it in an audit pack",
            )),
            (other, _) => {
                return Err(report_format_error(format!(
                    "unknown report format {other:?}; expected pdf or xlsx"
                )))
            }
        };
        crate::files::write_atomically(out, &bytes)?;
        Ok(bytes.len())
    }

    /// The audit chain as it stands: its length and head hash.
    pub fn chain_anchor(&self) -> Result<ChainAnchor> {
        let r = self.verify_chain()?;
        if let Some(b) = r.first_bad {
            return Err(Error::Integrity(format!(
                "the audit log is broken at entry {} ({}); a pack must not vouch for it",
                b.seq, b.message
            )));
        }
        Ok(ChainAnchor {
            length: r.length,
            head: r.head,
        })
    }

    /// Writes a signed audit pack of the whole workspace to `out`. The signer seals the log
    /// first (audited), so the pack ends at a seal and carries every seal of the log.
    pub fn create_pack(
        &mut self,
        signer: &Signer,
        out: &Path,
        progress: &mut ProgressFn<'_>,
    ) -> Result<PackSummary> {
        self.seal_audit(signer)?;
        // Every file of the pack is read from one state of the workspace, whatever is being
        // changed meanwhile: the chain head, the audit log, the seals and the register agree.
        let _snapshot = self.store.snapshot()?;
        let anchor = self.chain_anchor()?;
        let scenarios = self.tco_pack_stems()?;
        let total = 5 + scenarios.len() as u32;
        let step = |p: &mut ProgressFn<'_>, s: &str, done| {
            if p(pack::Progress {
                step: s.into(),
                done,
                total,
            }) {
                Ok(())
            } else {
                Err(Error::Cancelled)
            }
        };
        step(progress, "rendering the register report (PDF)", 0)?;
        let pdf = self.register_report_pdf(Some(signer))?;
        step(progress, "rendering the register workbook", 1)?;
        let xlsx = self.register_report_xlsx()?;
        step(progress, "writing data files", 2)?;
        let (sheet, _) = self.register_sheet(&SystemQuery::default())?;
        let csv =
            export::to_csv(&sheet).map_err(|e| Error::Integrity(format!("register.csv: {e}")))?;
        let audit = export::to_csv(&self.audit_sheet()?)
            .map_err(|e| Error::Integrity(format!("audit-log.csv: {e}")))?;
        let mut files = vec![
            PackFile {
                path: "reports/register.pdf".into(),
                bytes: pdf,
            },
            PackFile {
                path: "reports/register.xlsx".into(),
                bytes: xlsx,
            },
            PackFile {
                path: "data/register.csv".into(),
                bytes: csv,
            },
            PackFile {
                path: "data/audit-log.csv".into(),
                bytes: audit,
            },
        ];
        // Each seal of the log: the statement signed, and its signature.
        for (statement, cms) in self.seal_statements()? {
            let path = pack::seal_path(statement.seq);
            files.push(PackFile {
                path: format!("{path}.p7s"),
                bytes: cms,
            });
            files.push(PackFile {
                path,
                bytes: statement.bytes(),
            });
        }
        // Each stored TCO scenario: its signed report and its live-formula workbook.
        for (i, (st, stem)) in scenarios.iter().enumerate() {
            let key = st.id.to_string();
            step(
                progress,
                &format!("rendering the TCO report of {:?}", st.scenario.name),
                3 + i as u32,
            )?;
            files.push(PackFile {
                path: format!("reports/{stem}.pdf"),
                bytes: self.tco_report_pdf(&key, Some(signer))?,
            });
            files.push(PackFile {
                path: format!("reports/{stem}.xlsx"),
                bytes: self.tco_workbook(&key)?,
            });
        }
        // Each sign-off request with signatures: the request, its signature files, its certificate.
        files.extend(self.signoff_pack_files(signer)?);
        // Each review that is not a draft: its signed board pack and its workbook.
        step(
            progress,
            "rendering the board packs of the reviews",
            3 + scenarios.len() as u32,
        )?;
        files.extend(self.review_pack_files(signer)?);
        step(progress, "signing and writing the pack", total - 1)?;
        let name = self
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        pack::write_pack(
            out,
            files,
            (&name, &self.ctx.actor, anchor),
            signer,
            self.ctx.clock.now(),
            progress,
        )
    }

    /// Checks that the workspace's audit log still extends the chain head recorded in the pack:
    /// the entry at the recorded length must have the recorded hash and the chain must be
    /// intact. Catches truncation and rewriting of older history, not only edits. The pack's own
    /// signature is checked by `pack::verify_pack`; this reads its manifest.
    pub fn verify_chain_against(&self, pack_path: &Path) -> Result<AnchorReport> {
        let manifest = read_manifest(pack_path)?;
        let anchored = manifest.audit_chain;
        let report = self.verify_chain()?;
        let current = ChainAnchor {
            length: report.length,
            head: report.head.clone(),
        };
        let entries = self.store.audit_entries()?;
        let at_anchor = entries
            .iter()
            .find(|e| e.seq == anchored.length)
            .map(|e| e.hash.clone());
        let (extends, message) = if let Some(b) = &report.first_bad {
            (
                false,
                format!(
                    "the workspace's audit log is broken at entry {}: {}",
                    b.seq, b.message
                ),
            )
        } else if anchored.length == 0 {
            (
                true,
                "the pack recorded an empty log; any intact log extends it".into(),
            )
        } else if report.length < anchored.length {
            (false, format!("the audit log was truncated: the pack recorded {} entries, the workspace has {}", anchored.length, report.length))
        } else if at_anchor.as_deref() != Some(anchored.head.as_str()) {
            (false, format!("the audit log was rewritten: entry {} no longer has the hash the pack recorded ({})", anchored.length, anchored.head))
        } else {
            (
                true,
                format!(
                    "the audit log extends the pack's chain: {} entries then, {} now",
                    anchored.length, report.length
                ),
            )
        };
        Ok(AnchorReport {
            pack: pack_path.display().to_string(),
            anchored,
            current,
            extends,
            message,
        })
    }

    fn audit_sheet(&self) -> Result<Sheet> {
        let entries = self.store.audit_entries()?;
        let text = |s: &str| Cell::Text(s.to_string());
        Ok(Sheet {
            name: "AuditLog".into(),
            title: "Audit log".into(),
            subject: "The workspace's hash-chained audit log".into(),
            created: self.ctx.clock.now(),
            headers: [
                "seq",
                "at",
                "actor",
                "entity",
                "entity_id",
                "action",
                "before",
                "after",
                "prev_hash",
                "hash",
            ]
            .map(String::from)
            .to_vec(),
            rows: entries
                .iter()
                .map(|e| {
                    vec![
                        Cell::Number(e.seq as f64),
                        text(&e.at),
                        text(&e.actor),
                        text(&e.entity),
                        text(&e.entity_id),
                        text(&e.action),
                        text(e.before.as_deref().unwrap_or("")),
                        text(e.after.as_deref().unwrap_or("")),
                        text(&e.prev_hash),
                        text(&e.hash),
                    ]
                })
                .collect(),
        })
    }
}

fn report_format_error(message: impl Into<String>) -> Error {
    Error::Validation {
        entity: "report",
        fields: vec![crate::FieldError::new("format", message)],
    }
}

pub(crate) fn signature_block(s: &Signer, at: chrono::DateTime<chrono::Utc>) -> SignatureBlock {
    let c = s.certificate_info();
    let part = |key: &str| {
        c.subject
            .split(',')
            .find_map(|p| p.trim().strip_prefix(key).map(str::to_string))
            .unwrap_or_default()
    };
    SignatureBlock {
        title: "Digital signature".into(),
        statement: "This report is digitally signed. Any change to it after signing invalidates the signature.".into(),
        signer: Some(report::Signer {
            name: c.common_name(),
            role: part("OU="),
            organisation: part("O="),
            certificate_fingerprint: c.fingerprint_sha256.clone(),
            signed_at: at,
        }),
    }
}

/// The certificates whose signatures a person on this machine accepts: those imported into the
/// workspace (when one is open) and their own identity's. The app and the CLI both verify with
/// this; the CLI adds any given with `--trust`.
pub fn trusted_certificates(ws: Option<&Workspace>, identity_dir: &Path) -> Result<Vec<CertInfo>> {
    let mut out = match ws {
        Some(ws) => ws.certificates()?,
        None => Vec::new(),
    };
    out.extend(
        crate::identity::show(identity_dir)
            .ok()
            .map(|me| me.certificate),
    );
    Ok(out)
}

/// Reads manifest.json from a pack (without checking its signature).
pub fn read_manifest(path: &Path) -> Result<pack::Manifest> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| Error::io(path, format!("not a readable zip archive: {e}")))?;
    let entry = zip
        .by_name(pack::MANIFEST)
        .map_err(|_| Error::io(path, "no manifest.json: not a Steward audit pack"))?;
    let cap = pack::MAX_CONTROL_BYTES;
    if entry.size() > cap {
        return Err(Error::io(
            path,
            format!(
                "manifest.json would inflate to {} bytes; at most {cap} are read",
                entry.size()
            ),
        ));
    }
    let mut bytes = Vec::new();
    // The header's size can lie: read one byte past the cap at most.
    entry
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(Error::io(
            path,
            format!("manifest.json inflates to more than {cap} bytes: not a Steward audit pack"),
        ));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::io(path, format!("manifest.json cannot be read: {e}")))
}
