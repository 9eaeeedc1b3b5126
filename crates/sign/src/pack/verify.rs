//! Checking a pack: every hash, both signatures, each PDF's signatures, and that no file is
//! missing or extra. Each finding names the file it concerns.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::{sha256_hex, Manifest, CONTROL_FILES, FORMAT, MANIFEST, MANIFEST_SIG, SUMS, SUMS_SIG};
use crate::seal::{self, SealStatement};
use crate::{cms, pdf, CertInfo};
use steward_domain::error::Remedy;
use steward_domain::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingLevel {
    Ok,
    Error,
}

impl FindingLevel {
    pub const ALL: [FindingLevel; 2] = [FindingLevel::Ok, FindingLevel::Error];

    pub fn label(self) -> &'static str {
        match self {
            FindingLevel::Ok => "OK",
            FindingLevel::Error => "Error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Finding {
    pub level: FindingLevel,
    /// The file inside the pack this is about; None for the pack as a whole.
    pub file: Option<String>,
    pub message: String,
    /// What the person verifying can do about it, when there is something.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remedy: Option<Remedy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PackReport {
    pub pack: String,
    /// True only when every finding is Ok.
    pub valid: bool,
    pub manifest: Option<Manifest>,
    pub findings: Vec<Finding>,
}

struct Findings(Vec<Finding>);

impl Findings {
    fn ok(&mut self, file: Option<&str>, message: impl Into<String>) {
        self.0.push(Finding {
            level: FindingLevel::Ok,
            file: file.map(str::to_string),
            message: message.into(),
            remedy: None,
        });
    }
    /// A signature that holds but whose signer is not trusted: say so, and that trusting the
    /// signer's certificate is what would change it.
    fn untrusted(&mut self, file: Option<&str>, message: impl Into<String>, cert: &CertInfo) {
        self.error(file, message);
        if let Some(last) = self.0.last_mut() {
            last.remedy = Some(Remedy::TrustCertificate {
                subject: cert.subject.clone(),
                fingerprint: cert.fingerprint_sha256.clone(),
            });
        }
    }
    fn error(&mut self, file: Option<&str>, message: impl Into<String>) {
        self.0.push(Finding {
            level: FindingLevel::Error,
            file: file.map(str::to_string),
            message: message.into(),
            remedy: None,
        });
    }
}

/// The most a file the pack lists may hold once inflated. Entries are hashed as they are
/// inflated, so this bounds the time a hostile pack can cost, not memory.
pub const MAX_ENTRY_BYTES: u64 = 2 << 30;
/// The most a file read whole may hold: the manifest, the sums, their signatures and sign-off
/// files (a few KB in a real pack).
pub const MAX_CONTROL_BYTES: u64 = 16 << 20;
/// The most a PDF inside a pack, or given on its own, may hold: its signatures are checked on
/// the whole file in memory.
pub const MAX_PDF_BYTES: u64 = 512 << 20;

/// Verifies the pack at `path`. `trusted` are the certificates whose signatures the person
/// verifying accepts (their workspace's imported certificates, their own, any passed in).
/// Err only when the file cannot be read at all; everything else is a finding. The pack is
/// read from the file an entry at a time: no entry is inflated beyond what the manifest says it
/// holds (nor beyond [`MAX_ENTRY_BYTES`]), and only the small control files, sign-offs and
/// PDFs are kept in memory.
pub fn verify_pack(path: &Path, trusted: &[CertInfo]) -> Result<PackReport> {
    let file = std::fs::File::open(path).map_err(|e| steward_domain::Error::io(path, e))?;
    let mut f = Findings(Vec::new());
    let manifest = check(std::io::BufReader::new(file), trusted, &mut f);
    let valid = !f.0.is_empty() && f.0.iter().all(|x| x.level == FindingLevel::Ok);
    Ok(PackReport {
        pack: path.display().to_string(),
        valid,
        manifest,
        findings: f.0,
    })
}

/// An entry inflated up to a cap: its SHA-256 and size, and its bytes when kept.
struct Inflated {
    size: u64,
    sha256: String,
    bytes: Option<Vec<u8>>,
}

/// Why an entry was not read through.
enum NotRead {
    /// Its header says, or its inflated bytes show, that it holds more than the cap.
    TooLarge,
    Unreadable(String),
}

impl NotRead {
    fn say(self, cap: u64) -> String {
        match self {
            NotRead::TooLarge => {
                format!("inflates to more than the {cap} bytes accepted here: refused")
            }
            NotRead::Unreadable(why) => why,
        }
    }
}

fn inflate<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    cap: u64,
    keep: bool,
) -> std::result::Result<Inflated, NotRead> {
    use sha2::{Digest, Sha256};
    let entry = zip
        .by_name(name)
        .map_err(|e| NotRead::Unreadable(format!("cannot be read from the archive: {e}")))?;
    if entry.size() > cap {
        return Err(NotRead::TooLarge);
    }
    let mut hasher = Sha256::new();
    let mut bytes = keep.then(Vec::new);
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    // The header's size can lie: stop one byte past the cap whatever it says.
    let mut limited = entry.take(cap + 1);
    loop {
        let n = limited
            .read(&mut buf)
            .map_err(|e| NotRead::Unreadable(format!("cannot be read from the archive: {e}")))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > cap {
            return Err(NotRead::TooLarge);
        }
        hasher.update(&buf[..n]);
        if let Some(b) = &mut bytes {
            b.extend_from_slice(&buf[..n]);
        }
    }
    Ok(Inflated {
        size,
        sha256: hex::encode(hasher.finalize()),
        bytes,
    })
}

fn check<R: Read + std::io::Seek>(
    reader: R,
    trusted: &[CertInfo],
    f: &mut Findings,
) -> Option<Manifest> {
    let mut zip = match steward_domain::contain::contain(|| zip::ZipArchive::new(reader)) {
        Ok(Ok(z)) => z,
        Ok(Err(e)) => {
            f.error(None, format!("not a readable zip archive: {e}"));
            return None;
        }
        Err(m) => {
            f.error(None, steward_domain::contain::reader_failed("zip", &m));
            return None;
        }
    };
    let mut names: Vec<String> = Vec::new();
    for (i, name) in zip.file_names().enumerate() {
        match name {
            Ok(n) if n.ends_with('/') => {}
            Ok(n) => names.push(n.into_owned()),
            Err(e) => f.error(
                None,
                format!("entry {i} of the archive has an unreadable name: {e}"),
            ),
        }
    }
    // What is read whole: the control files and the sign-off files.
    let mut contents = std::collections::BTreeMap::new();
    for name in &names {
        if !CONTROL_FILES.contains(&name.as_str())
            && !name.starts_with("signoffs/")
            && !name.starts_with("seals/")
        {
            continue;
        }
        match inflate(&mut zip, name, MAX_CONTROL_BYTES, true) {
            Ok(Inflated {
                bytes: Some(data), ..
            }) => {
                contents.insert(name.clone(), data);
            }
            Ok(_) => {}
            Err(why) => f.error(Some(name), why.say(MAX_CONTROL_BYTES)),
        }
    }

    let Some(manifest_bytes) = contents.get(MANIFEST) else {
        f.error(
            Some(MANIFEST),
            "missing: this is not a Steward audit pack, or its manifest was removed",
        );
        return None;
    };
    let manifest: Manifest = match serde_json::from_slice(manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            f.error(Some(MANIFEST), format!("cannot be read: {e}"));
            return None;
        }
    };
    if manifest.format != FORMAT || manifest.version != 1 {
        f.error(
            Some(MANIFEST),
            format!(
                "format {:?} version {} is not one this Steward reads ({FORMAT} 1)",
                manifest.format, manifest.version
            ),
        );
        return Some(manifest);
    }

    check_signature(&contents, MANIFEST, MANIFEST_SIG, &manifest, trusted, f);
    check_signature(&contents, SUMS, SUMS_SIG, &manifest, trusted, f);
    check_sums(&contents, manifest_bytes, &manifest, f);

    let listed: BTreeSet<&str> = manifest.files.iter().map(|e| e.path.as_str()).collect();
    let present: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    for e in &manifest.files {
        if !present.contains(e.path.as_str()) {
            f.error(
                Some(&e.path),
                "listed in the manifest but missing from the pack",
            );
            continue;
        }
        let is_pdf = e.path.to_ascii_lowercase().ends_with(".pdf");
        let limit = if is_pdf {
            MAX_PDF_BYTES
        } else {
            MAX_ENTRY_BYTES
        };
        // Never inflate more than the manifest says the file holds (one byte more shows it
        // altered), nor more than the limit for its kind.
        let cap = e.size.min(limit);
        let entry = match inflate(&mut zip, &e.path, cap, is_pdf) {
            Ok(entry) => entry,
            Err(NotRead::TooLarge) if e.size > limit => {
                f.error(
                    Some(&e.path),
                    format!(
                        "the manifest says it holds {} bytes, more than the {limit} accepted here: refused unread",
                        e.size
                    ),
                );
                continue;
            }
            Err(NotRead::TooLarge) => {
                f.error(
                    Some(&e.path),
                    format!(
                        "altered: it holds more than the {} bytes the manifest says",
                        e.size
                    ),
                );
                continue;
            }
            Err(NotRead::Unreadable(why)) => {
                f.error(Some(&e.path), why);
                continue;
            }
        };
        if entry.size != e.size || entry.sha256 != e.sha256 {
            f.error(
                Some(&e.path),
                format!(
                    "altered: SHA-256 {} ({} bytes), the manifest says {} ({} bytes)",
                    entry.sha256, entry.size, e.sha256, e.size
                ),
            );
            continue;
        }
        f.ok(
            Some(&e.path),
            format!("SHA-256 matches the manifest ({} bytes)", e.size),
        );
        if let Some(data) = &entry.bytes {
            check_pdf(&e.path, data, trusted, f);
        }
    }
    check_signoffs(&contents, f);
    let seals = read_seals(&contents, &listed, trusted, f);
    let wanted: BTreeSet<i64> = seals.iter().map(|(_, s, _)| s.seq).collect();
    let hashes = check_audit_log(&mut zip, &manifest, &wanted, f);
    check_seals(&seals, &hashes, &manifest, f);
    for name in &names {
        if !listed.contains(name.as_str()) && !CONTROL_FILES.contains(&name.as_str()) {
            f.error(
                Some(name),
                "not listed in the manifest: a file was added to the pack",
            );
        }
    }
    Some(manifest)
}

/// The pack's audit log, as `pack create` writes it.
const AUDIT_LOG: &str = "data/audit-log.csv";

/// The pack's audit log (`data/audit-log.csv`, as `pack create` writes it) must end where the
/// manifest says the chain stood: as many entries as its length, numbered 1 to N, the last with
/// its head hash. A pack whose files were read while the workspace changed, or whose log was
/// cut or extended and the manifest signed again, fails here.
/// Returns the hashes of the entries `wanted` (those the pack's seals name) as the log holds
/// them.
fn check_audit_log<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: &Manifest,
    wanted: &BTreeSet<i64>,
    f: &mut Findings,
) -> BTreeMap<i64, String> {
    let mut hashes = BTreeMap::new();
    let Some(listed) = manifest.files.iter().find(|e| e.path == AUDIT_LOG) else {
        return hashes;
    };
    let anchor = &manifest.audit_chain;
    let Ok(entry) = zip.by_name(AUDIT_LOG) else {
        return hashes; // already reported as missing
    };
    let mut reader = csv::Reader::from_reader(entry.take(listed.size.min(MAX_ENTRY_BYTES)));
    let columns = reader.headers().ok().map(|h| {
        (
            h.iter().position(|c| c == "seq"),
            h.iter().position(|c| c == "hash"),
        )
    });
    let Some((Some(seq_col), Some(hash_col))) = columns else {
        f.error(
            Some(AUDIT_LOG),
            "has no seq and hash columns: not the pack's audit log",
        );
        return hashes;
    };
    let (mut rows, mut last_hash) = (0i64, String::new());
    for (i, record) in reader.records().enumerate() {
        let Ok(record) = record else {
            f.error(
                Some(AUDIT_LOG),
                format!("row {} cannot be read as CSV", i + 2),
            );
            return hashes;
        };
        rows += 1;
        let seq = record.get(seq_col).unwrap_or("");
        if seq.parse::<i64>().ok() != Some(rows) {
            f.error(
                Some(AUDIT_LOG),
                format!(
                    "row {} holds entry {seq:?} where entry {rows} belongs",
                    i + 2
                ),
            );
            return hashes;
        }
        record
            .get(hash_col)
            .unwrap_or("")
            .clone_into(&mut last_hash);
        if wanted.contains(&rows) {
            hashes.insert(rows, last_hash.clone());
        }
    }
    if rows != anchor.length || (rows > 0 && last_hash != anchor.head) {
        f.error(
            Some(AUDIT_LOG),
            format!(
                "does not end at the chain head the manifest records: {rows} entries ending in {}, \
                 the manifest says {} ending in {}; the pack's files were not read from one state",
                short(&last_hash),
                anchor.length,
                short(&anchor.head)
            ),
        );
    } else {
        f.ok(
            Some(AUDIT_LOG),
            format!(
                "ends at the chain head the manifest records ({rows} entries, {})",
                short(&anchor.head)
            ),
        );
    }
    hashes
}

/// Each sign-off signature file (`signoffs/request-N/sig-K.json`): its signature over its
/// statement, and that the statement is one its request (`signoffs/request-N.json`) accepts:
/// same request and snapshot, signed with the board member's certificate in the stated role.
fn check_signoffs(contents: &std::collections::BTreeMap<String, Vec<u8>>, f: &mut Findings) {
    use crate::request_file::{check_statement, read_signature, RequestDoc};
    for (name, data) in contents {
        let Some(rest) = name.strip_prefix("signoffs/request-") else {
            continue;
        };
        let Some((req, _)) = rest.split_once("/sig-") else {
            continue;
        };
        let req_file = format!("signoffs/request-{req}.json");
        let Some(doc_bytes) = contents.get(&req_file) else {
            f.error(
                Some(name),
                format!("the request it signs, {req_file}, is missing"),
            );
            continue;
        };
        let doc: RequestDoc = match serde_json::from_slice(doc_bytes) {
            Ok(d) => d,
            Err(e) => {
                f.error(
                    Some(&req_file),
                    format!("not a readable sign-off request: {e}"),
                );
                continue;
            }
        };
        let checked = read_signature(data, name).and_then(|s| {
            check_statement(&doc, &s.statement, &s.signer, name).map(|m| (m.clone(), s))
        });
        match checked {
            Ok((m, s)) => f.ok(
                Some(name),
                format!(
                    "valid sign-off signature by {} as {}: {} on {} of {}, certificate {}",
                    m.name,
                    m.role,
                    s.statement.decision,
                    doc.gate,
                    doc.system_name,
                    short(&m.fingerprint)
                ),
            ),
            Err(e) => f.error(Some(name), e.to_string()),
        }
    }
}

/// Each seal the pack lists (`seals/seal-N.json` and its `.p7s`): the signature over the
/// statement, by the certificate it names, for entry N. The seals whose signature holds are
/// returned to be checked against the pack's log, each with whether its signer is one the
/// person verifying trusts. A seal by a colleague they have not trusted still counts: the
/// pack's signer, whom they do trust, vouches for the file as for every other.
fn read_seals(
    contents: &BTreeMap<String, Vec<u8>>,
    listed: &BTreeSet<&str>,
    trusted: &[CertInfo],
    f: &mut Findings,
) -> Vec<(String, SealStatement, bool)> {
    let mut out = Vec::new();
    for (name, data) in contents {
        let Some(n) = name
            .strip_prefix("seals/seal-")
            .and_then(|r| r.strip_suffix(".json"))
        else {
            continue;
        };
        if !listed.contains(name.as_str()) {
            continue; // reported as an added file
        }
        let sig_name = format!("{name}.p7s");
        let Some(sig) = contents.get(&sig_name) else {
            f.error(
                Some(name),
                format!("the seal is not signed: {sig_name} is missing"),
            );
            continue;
        };
        match seal::check_file(data, sig) {
            Err(e) => f.error(Some(name), e.to_string()),
            Ok((st, _)) if n.parse::<i64>().ok() != Some(st.seq) => f.error(
                Some(name),
                format!("seals entry {}, not the entry its name says ({n})", st.seq),
            ),
            Ok((st, cert)) => out.push((name.clone(), st, trust(&cert, trusted).is_ok())),
        }
    }
    out
}

/// Each signed seal against the pack's log: the entry it names must be in the log with the
/// hash sealed, or the history up to it was rewritten after it was sealed.
fn check_seals(
    seals: &[(String, SealStatement, bool)],
    hashes: &BTreeMap<i64, String>,
    manifest: &Manifest,
    f: &mut Findings,
) {
    for (name, st, trusted) in seals {
        let who = if *trusted {
            "a certificate you trust"
        } else {
            "a certificate you have not said you trust; the pack's signer vouches for the file"
        };
        match hashes.get(&st.seq) {
            _ if st.seq > manifest.audit_chain.length => f.error(
                Some(name),
                format!(
                    "seals entry {}, beyond the {} entries of the pack's log",
                    st.seq, manifest.audit_chain.length
                ),
            ),
            Some(h) if *h == st.head => f.ok(
                Some(name),
                format!(
                    "valid seal by {} ({}, {who}) of entry {} ({}), sealed {}",
                    st.signer,
                    short(&st.certificate),
                    st.seq,
                    short(&st.head),
                    st.sealed_at
                ),
            ),
            Some(h) => f.error(
                Some(name),
                format!(
                    "FAILING: entry {} of {AUDIT_LOG} has the hash {}, the seal says {}: the \
                     history up to it was rewritten after it was sealed",
                    st.seq,
                    short(h),
                    short(&st.head)
                ),
            ),
            None => f.error(
                Some(name),
                format!("entry {} is not in {AUDIT_LOG}", st.seq),
            ),
        }
    }
}

fn check_signature(
    contents: &std::collections::BTreeMap<String, Vec<u8>>,
    file: &str,
    sig_file: &str,
    manifest: &Manifest,
    trusted: &[CertInfo],
    f: &mut Findings,
) {
    let (Some(data), Some(sig)) = (contents.get(file), contents.get(sig_file)) else {
        f.error(Some(sig_file), format!("missing: {file} is not signed"));
        return;
    };
    match cms::verify_detached(data, sig) {
        Err(e) => f.error(
            Some(sig_file),
            format!("the signature over {file} does not hold: {e}"),
        ),
        Ok(cert) if cert.fingerprint_sha256 != manifest.signer_fingerprint_sha256 => f.error(
            Some(sig_file),
            format!(
                "signed by {} ({}), not by the signer the manifest names ({})",
                cert.subject, cert.fingerprint_sha256, manifest.signer_fingerprint_sha256
            ),
        ),
        Ok(cert) => match trust(&cert, trusted) {
            Ok(()) => f.ok(
                Some(sig_file),
                format!(
                    "valid signature over {file} by {} ({})",
                    cert.subject,
                    short(&cert.fingerprint_sha256)
                ),
            ),
            Err(why) => f.untrusted(
                Some(sig_file),
                format!("the signature over {file} is intact but {why}"),
                &cert,
            ),
        },
    }
}

fn trust(cert: &CertInfo, trusted: &[CertInfo]) -> std::result::Result<(), String> {
    if trusted
        .iter()
        .any(|t| t.fingerprint_sha256 == cert.fingerprint_sha256)
    {
        Ok(())
    } else {
        Err(format!(
            "it was made by a certificate you have not said you trust: {} (SHA-256 fingerprint {})",
            cert.subject, cert.fingerprint_sha256
        ))
    }
}

fn check_sums(
    contents: &std::collections::BTreeMap<String, Vec<u8>>,
    manifest_bytes: &[u8],
    manifest: &Manifest,
    f: &mut Findings,
) {
    let Some(sums) = contents.get(SUMS) else {
        f.error(Some(SUMS), "missing");
        return;
    };
    let text = String::from_utf8_lossy(sums);
    let mut expected: Vec<String> = manifest
        .files
        .iter()
        .map(|e| format!("{}  {}", e.sha256, e.path))
        .collect();
    expected.push(format!("{}  {MANIFEST}", sha256_hex(manifest_bytes)));
    let got: Vec<String> = text.lines().map(str::to_string).collect();
    if got == expected {
        f.ok(Some(SUMS), "lists every file with the manifest's hashes");
    } else {
        f.error(
            Some(SUMS),
            "does not agree with the manifest: one of them was altered",
        );
    }
}

/// Verifies `path` as `steward verify` and the app's Verify screen do: a file ending in .pdf as
/// one signed PDF, anything else as an audit pack.
pub fn verify_file(path: &Path, trusted: &[CertInfo]) -> Result<PackReport> {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
    {
        return verify_pack(path, trusted);
    }
    let size = std::fs::metadata(path)
        .map_err(|e| steward_domain::Error::io(path, e))?
        .len();
    if size > MAX_PDF_BYTES {
        return Err(steward_domain::Error::io(
            path,
            format!("the PDF holds {size} bytes; at most {MAX_PDF_BYTES} are checked"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| steward_domain::Error::io(path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let findings = verify_pdf_findings(&name, &bytes, trusted);
    let valid = !findings.is_empty() && findings.iter().all(|f| f.level == FindingLevel::Ok);
    Ok(PackReport {
        pack: path.display().to_string(),
        valid,
        manifest: None,
        findings,
    })
}

/// The findings for one signed PDF on its own (as `steward verify FILE.pdf` shows them).
pub fn verify_pdf_findings(name: &str, data: &[u8], trusted: &[CertInfo]) -> Vec<Finding> {
    let mut f = Findings(Vec::new());
    check_pdf(name, data, trusted, &mut f);
    f.0
}

fn check_pdf(path: &str, data: &[u8], trusted: &[CertInfo], f: &mut Findings) {
    match pdf::verify_pdf(data) {
        Err(e) => f.error(
            Some(path),
            format!("the PDF's signatures cannot be read: {e}"),
        ),
        Ok(sigs) if sigs.is_empty() => f.error(Some(path), "the PDF is not signed"),
        Ok(sigs) => {
            if !sigs.iter().any(|s| s.covers_whole_file) {
                f.error(
                    Some(path),
                    "the PDF was changed after it was signed: bytes follow the last signature",
                );
            }
            for s in sigs {
                let who = s.signer.as_ref().map_or_else(
                    || "an unreadable certificate".to_string(),
                    |c| c.subject.clone(),
                );
                if !s.valid {
                    f.error(
                        Some(path),
                        format!(
                            "PDF signature {:?} by {who} is invalid: {}",
                            s.field,
                            s.problem.unwrap_or_default()
                        ),
                    );
                } else if let Some((cert, Err(why))) =
                    s.signer.as_ref().map(|c| (c, trust(c, trusted)))
                {
                    f.untrusted(
                        Some(path),
                        format!("PDF signature {:?} is intact but {why}", s.field),
                        cert,
                    );
                } else {
                    let whole = if s.covers_whole_file {
                        "covering the whole file"
                    } else {
                        "covering an earlier revision"
                    };
                    f.ok(Some(path), format!("valid PDF signature by {who}, {whole}"));
                }
            }
        }
    }
}

fn short(fp: &str) -> String {
    fp.chars().take(16).collect()
}
