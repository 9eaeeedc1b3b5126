//! Audit packs: one .zip holding reports and data files, a manifest (SHA-256 and size of every
//! file, the audit chain head, the signer's certificate) with a detached CMS signature, and a
//! `SHA256SUMS` file with its own signature so an auditor can check it with sha256sum and openssl.
//! Writing and verifying only: what goes in is decided by `api::pack`.

mod verify;

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::Signer;
use steward_domain::{Error, Result};

pub use verify::{
    verify_file, verify_pack, verify_pdf_findings, Finding, FindingLevel, PackReport,
    MAX_CONTROL_BYTES, MAX_ENTRY_BYTES, MAX_PDF_BYTES,
};

/// The manifest's `format` value.
pub const FORMAT: &str = "steward-audit-pack";
pub const MANIFEST: &str = "manifest.json";
pub const MANIFEST_SIG: &str = "manifest.json.p7s";
pub const SUMS: &str = "SHA256SUMS";
pub const SUMS_SIG: &str = "SHA256SUMS.p7s";
pub const SIGNER_PEM: &str = "signer.pem";
/// Files a pack holds besides those the manifest lists.
pub const CONTROL_FILES: [&str; 4] = [MANIFEST, MANIFEST_SIG, SUMS, SUMS_SIG];

/// Where a pack keeps the seal of entry `seq`: the statement signed (its canonical JSON); its
/// signature is beside it with `.p7s` added.
pub fn seal_path(seq: i64) -> String {
    format!("seals/seal-{seq}.json")
}

/// One file to put in a pack.
pub struct PackFile {
    /// Path inside the zip, with '/' separators, e.g. `reports/register.pdf`.
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ManifestEntry {
    pub path: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
}

/// The audit chain as it stood when the pack was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChainAnchor {
    #[ts(type = "number")]
    pub length: i64,
    pub head: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub workspace: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub audit_chain: ChainAnchor,
    pub signer_fingerprint_sha256: String,
    /// The signer's certificate, PEM.
    pub signer_certificate: String,
    pub files: Vec<ManifestEntry>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PackSummary {
    pub path: String,
    pub files: Vec<ManifestEntry>,
    pub audit_chain: ChainAnchor,
    pub signer: String,
    pub signer_fingerprint_sha256: String,
}

/// Where a long pack build is, for a progress bar.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Progress {
    pub step: String,
    pub done: u32,
    pub total: u32,
}

/// Called with each step; returning false cancels the build, which then leaves no file behind.
pub type ProgressFn<'a> = dyn FnMut(Progress) -> bool + 'a;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The `sha256sum` format: "HASH  PATH" lines.
fn sums(entries: &[ManifestEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("{}  {}\n", e.sha256, e.path))
        .collect()
}

const HOW_TO_VERIFY: &str = "How to check this audit pack without Steward
============================================

1. Who signed it: compare this fingerprint with the one the signer gave you (e-mail, phone):
     openssl x509 -in signer.pem -noout -subject -fingerprint -sha256

2. The checksum list is signed by that certificate (prints \"CMS Verification successful\"):
     openssl cms -verify -binary -inform DER -in SHA256SUMS.p7s -content SHA256SUMS \\
         -certfile signer.pem -CAfile signer.pem -purpose any -out /dev/null

3. Every file is as signed (prints OK for each):
     sha256sum -c SHA256SUMS

4. Each PDF report carries its own signature (prints \"Signature is Valid.\"):
     pdfsig reports/*.pdf

5. Each seal of the audit log (seals/seal-N.json: the entry N and its hash, who sealed, when)
   is signed (prints \"CMS Verification successful\"); the hash it names is the one of row N
   in data/audit-log.csv:
     openssl cms -verify -binary -inform DER -in seals/seal-N.json.p7s \\
         -content seals/seal-N.json -noverify -out /dev/null

With Steward, `steward verify PACK.zip` does all of this and also checks that no file is missing or
extra, and `steward audit verify --against PACK.zip` proves a workspace's audit log still extends
the chain head recorded in manifest.json.
";

/// Builds the pack from `files`, signs manifest and checksums with `signer`, and writes the zip
/// to `out` through a temporary file: a failed or cancelled build leaves nothing at `out`.
pub fn write_pack(
    out: &Path,
    files: Vec<PackFile>,
    meta: (&str, &str, ChainAnchor),
    signer: &Signer,
    at: DateTime<Utc>,
    progress: &mut ProgressFn<'_>,
) -> Result<PackSummary> {
    let (workspace, created_by, audit_chain) = meta;
    let cert = signer.certificate_info();
    let mut files = files;
    files.push(PackFile {
        path: SIGNER_PEM.into(),
        bytes: cert.pem.clone().into_bytes(),
    });
    files.push(PackFile {
        path: "HOW-TO-VERIFY.txt".into(),
        bytes: HOW_TO_VERIFY.as_bytes().to_vec(),
    });
    for f in &files {
        if CONTROL_FILES.contains(&f.path.as_str())
            || f.path.starts_with('/')
            || f.path.contains("..")
        {
            return Err(Error::Integrity(format!(
                "{:?} cannot be a file in a pack",
                f.path
            )));
        }
    }
    let entries: Vec<ManifestEntry> = files
        .iter()
        .map(|f| ManifestEntry {
            path: f.path.clone(),
            size: f.bytes.len() as u64,
            sha256: sha256_hex(&f.bytes),
        })
        .collect();
    let manifest = Manifest {
        format: FORMAT.into(),
        version: 1,
        workspace: workspace.into(),
        created_at: at,
        created_by: created_by.into(),
        audit_chain: audit_chain.clone(),
        signer_fingerprint_sha256: cert.fingerprint_sha256.clone(),
        signer_certificate: cert.pem.clone(),
        files: entries.clone(),
    };
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Integrity(e.to_string()))?;
    let mut sum_entries = entries.clone();
    sum_entries.push(ManifestEntry {
        path: MANIFEST.into(),
        size: manifest_bytes.len() as u64,
        sha256: sha256_hex(&manifest_bytes),
    });
    let sums_bytes = sums(&sum_entries).into_bytes();
    let manifest_sig = signer.sign_detached(&manifest_bytes, at)?;
    let sums_sig = signer.sign_detached(&sums_bytes, at)?;

    let total = files.len() as u32 + 4;
    // Written beside the output under a recognisable name, synced, then renamed into place: a
    // killed `pack create` leaves no half pack, and the next one removes what it left.
    let mut tmp = steward_domain::files::Partial::create(out)?;
    {
        let mut zip = zip::ZipWriter::new(tmp.file());
        let time = zip::DateTime::from_date_and_time(
            at.year().clamp(1980, 2107) as u16,
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
            at.second() as u8,
        )
        .unwrap_or_default();
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(time)
            .unix_permissions(0o644);
        let control = [
            (MANIFEST, manifest_bytes.as_slice()),
            (MANIFEST_SIG, manifest_sig.as_slice()),
            (SUMS, sums_bytes.as_slice()),
            (SUMS_SIG, sums_sig.as_slice()),
        ];
        let all = files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes.as_slice()))
            .chain(control);
        for (done, (path, bytes)) in all.enumerate() {
            if !progress(Progress {
                step: format!("adding {path}"),
                done: done as u32,
                total,
            }) {
                return Err(Error::Cancelled);
            }
            zip.start_file(path, opts).map_err(|e| Error::io(out, e))?;
            zip.write_all(bytes).map_err(|e| Error::io(out, e))?;
        }
        zip.finish().map_err(|e| Error::io(out, e))?;
    }
    progress(Progress {
        step: "done".into(),
        done: total,
        total,
    });
    tmp.commit()?;
    Ok(PackSummary {
        path: out.display().to_string(),
        files: entries,
        audit_chain,
        signer: cert.common_name(),
        signer_fingerprint_sha256: cert.fingerprint_sha256,
    })
}
