//! PDF digital signatures (ISO 32000-1 12.8, PAdES basic): signing appends an incremental
//! update with an invisible signature field whose /Contents holds a detached CMS SignedData
//! over the SHA-256 of the /ByteRange; verifying finds every signature and checks it.
//! Bytes in, bytes out: never touches files, and never rewrites what was signed before.

use chrono::{DateTime, NaiveDateTime, Utc};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{cms, CertInfo, Signer};
use steward_domain::contain::reader_failed;
use steward_domain::{Error, Result};

/// Bytes reserved for the CMS signature in /Contents: room for an RSA-4096 signature and a
/// chain of several RSA-4096 certificates.
pub const SIGNATURE_SPACE: usize = 16 * 1024;

/// The /ByteRange written before the real offsets are known; same width as any real one.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;

/// One signature found in a PDF, and what checking it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PdfSignature {
    /// The certificate in the signature, when it could be read.
    pub signer: Option<CertInfo>,
    /// The signing time the signer put in the signature (else the /M date), when present.
    pub signed_at: Option<DateTime<Utc>>,
    /// The name of the signature field, e.g. `Signature1`.
    pub field: String,
    pub reason: Option<String>,
    /// Whether the signed ranges run to the end of the file: false when something was appended
    /// after signing (a later signature, or an edit).
    pub covers_whole_file: bool,
    /// Whether the signature is intact and matches the bytes it covers.
    pub valid: bool,
    /// Why it is not valid.
    pub problem: Option<String>,
}

fn pdf_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Signature(format!("{what}: {e}"))
}

/// A PDF text string: PDFDocEncoding-compatible ASCII as a literal, anything else UTF-16BE.
fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

fn pdf_date(t: DateTime<Utc>) -> String {
    t.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

/// Reads a PDF date `D:YYYYMMDDHHmmSS` with an optional `Z` or `+HH'mm'` offset.
fn parse_pdf_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits = s.get(..14)?;
    let local = NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?;
    let rest = &s[14..];
    let offset_secs = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let nums: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let h: i64 = nums.get(..2)?.parse().ok()?;
            let m: i64 = nums.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
            let secs = h * 3600 + m * 60;
            if sign == '+' {
                secs
            } else {
                -secs
            }
        }
        _ => 0,
    };
    Some(local.and_utc() - chrono::Duration::seconds(offset_secs))
}

/// Signs `pdf`: appends an incremental update holding an invisible signature field on the first
/// page and a CMS signature (adbe.pkcs7.detached) over everything but the signature itself.
/// Earlier revisions, and any signatures in them, are left byte for byte as they were.
pub fn sign_pdf(pdf: &[u8], signer: &Signer, at: DateTime<Utc>, reason: &str) -> Result<Vec<u8>> {
    let mut inc: IncrementalDocument = pdf
        .try_into()
        .map_err(|e| pdf_error("cannot read the PDF to sign", e))?;
    let (sig_id, field) = add_signature_field(&mut inc, signer, at, reason)?;

    let mut out = Vec::with_capacity(pdf.len() + 2 * SIGNATURE_SPACE + 4096);
    inc.save_to(&mut out)
        .map_err(|e| pdf_error("cannot write the signed PDF", e))?;

    // Find the signature dictionary in the appended revision, fill in /ByteRange, then sign.
    let update_start = inc.get_prev_documents_bytes().len();
    let (range_span, contents_span) = locate_placeholders(&out, update_start, sig_id)?;
    let (gap_start, gap_end) = contents_span;
    let byte_range = format!("[0 {} {} {}]", gap_start, gap_end, out.len() - gap_end);
    let width = range_span.1 - range_span.0;
    if byte_range.len() > width {
        return Err(Error::Signature(format!(
            "the PDF is too large to sign ({} bytes)",
            out.len()
        )));
    }
    let padded = format!(
        "{}{}]",
        &byte_range[..byte_range.len() - 1],
        " ".repeat(width - byte_range.len())
    );
    out[range_span.0..range_span.1].copy_from_slice(padded.as_bytes());

    let mut hasher = Sha256::new();
    hasher.update(&out[..gap_start]);
    hasher.update(&out[gap_end..]);
    let digest: [u8; 32] = hasher.finalize().into();
    let cms = cms::sign_digest(signer, &digest, at)?;
    if cms.len() > SIGNATURE_SPACE {
        return Err(Error::Signature(format!(
            "the signature of {} is {} bytes, more than the {SIGNATURE_SPACE} reserved in field {field}; \
             the certificate chain is too long",
            signer.certificate_info().subject,
            cms.len()
        )));
    }
    let hex = hex::encode_upper(&cms);
    out[gap_start + 1..gap_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// Adds the signature dictionary, its widget on the first page and the /AcroForm entry to the
/// new revision. Returns the signature dictionary's id and the field name.
fn add_signature_field(
    inc: &mut IncrementalDocument,
    signer: &Signer,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<(ObjectId, String)> {
    let prev = inc.get_prev_documents();
    if prev.is_encrypted() {
        return Err(Error::Signature(
            "cannot sign an encrypted PDF; remove its password first".into(),
        ));
    }
    let root_id = prev
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| pdf_error("the PDF has no document catalog", e))?;
    let page_id =
        *prev.get_pages().values().next().ok_or_else(|| {
            Error::Signature("the PDF has no page to put the signature on".into())
        })?;
    let catalog = prev
        .get_dictionary(root_id)
        .map_err(|e| pdf_error("unreadable document catalog", e))?
        .clone();

    // The existing form, wherever it lives (inline in the catalog or its own object).
    let acroform_ref = catalog
        .get(b"AcroForm")
        .ok()
        .and_then(|o| o.as_reference().ok());
    let mut acroform = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(id)) => prev
            .get_dictionary(*id)
            .map_err(|e| pdf_error("unreadable /AcroForm", e))?
            .clone(),
        _ => Dictionary::new(),
    };
    let fields_ref = acroform
        .get(b"Fields")
        .ok()
        .and_then(|o| o.as_reference().ok());
    let mut fields = match acroform.get(b"Fields") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(id)) => prev
            .get_object(*id)
            .and_then(Object::as_array)
            .map_err(|e| pdf_error("unreadable /AcroForm /Fields", e))?
            .clone(),
        _ => Vec::new(),
    };
    let taken: Vec<String> = fields
        .iter()
        .filter_map(|f| f.as_reference().ok())
        .filter_map(|id| prev.get_dictionary(id).ok())
        .filter_map(|d| d.get(b"T").and_then(Object::as_str).ok())
        .map(decode_text_string)
        .collect();
    let field = (1..)
        .map(|n| format!("Signature{n}"))
        .find(|name| !taken.contains(name))
        .unwrap_or_else(|| "Signature".into());

    let mut page = prev
        .get_dictionary(page_id)
        .map_err(|e| pdf_error("unreadable first page", e))?
        .clone();
    let annots_ref = page.get(b"Annots").ok().and_then(|o| o.as_reference().ok());
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(id)) => prev
            .get_object(*id)
            .and_then(Object::as_array)
            .map_err(|e| pdf_error("unreadable page /Annots", e))?
            .clone(),
        _ => Vec::new(),
    };

    let info = signer.certificate_info();
    let new = &mut inc.new_document;
    let placeholder = Object::Integer(BYTE_RANGE_PLACEHOLDER);
    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"adbe.pkcs7.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            placeholder.clone(),
            placeholder.clone(),
            placeholder,
        ]),
    );
    sig.set(
        "Contents",
        Object::String(vec![0; SIGNATURE_SPACE], StringFormat::Hexadecimal),
    );
    sig.set(
        "M",
        Object::String(pdf_date(at).into_bytes(), StringFormat::Literal),
    );
    sig.set("Name", text_string(&info.common_name()));
    if !reason.is_empty() {
        sig.set("Reason", text_string(reason));
    }
    let sig_id = new.add_object(Object::Dictionary(sig));

    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", text_string(&field));
    widget.set("V", Object::Reference(sig_id));
    widget.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    // Print (4) + Locked (128): an invisible signature that cannot be moved or deleted.
    widget.set("F", Object::Integer(132));
    widget.set("P", Object::Reference(page_id));
    let widget_id = new.add_object(Object::Dictionary(widget));

    annots.push(Object::Reference(widget_id));
    match annots_ref {
        Some(id) => new.set_object(id, Object::Array(annots)),
        None => page.set("Annots", Object::Array(annots)),
    }
    new.set_object(page_id, Object::Dictionary(page));

    fields.push(Object::Reference(widget_id));
    match fields_ref {
        Some(id) => new.set_object(id, Object::Array(fields)),
        None => acroform.set("Fields", Object::Array(fields)),
    }
    // SignaturesExist (1) + AppendOnly (2).
    acroform.set("SigFlags", Object::Integer(3));
    match acroform_ref {
        Some(id) => new.set_object(id, Object::Dictionary(acroform)),
        None => {
            let mut catalog = catalog;
            catalog.set("AcroForm", Object::Dictionary(acroform));
            new.set_object(root_id, Object::Dictionary(catalog));
        }
    }
    Ok((sig_id, field))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Spans of the `[...]` after /ByteRange and of the `<...>` after /Contents in the signature
/// dictionary `id`, which lives in the revision starting at `from`.
fn locate_placeholders(
    out: &[u8],
    from: usize,
    id: ObjectId,
) -> Result<((usize, usize), (usize, usize))> {
    let lost =
        || Error::Signature("cannot find the signature placeholder in the written PDF".into());
    let header = format!("\n{} {} obj", id.0, id.1);
    let start = find(out, header.as_bytes(), from.saturating_sub(1)).ok_or_else(lost)?;
    let end = find(out, b"endobj", start).ok_or_else(lost)?;
    let obj = &out[..end];
    let br = find(obj, b"/ByteRange", start).ok_or_else(lost)?;
    let open = find(obj, b"[", br).ok_or_else(lost)?;
    let close = find(obj, b"]", open).ok_or_else(lost)?;
    let contents = find(obj, b"/Contents", start).ok_or_else(lost)?;
    let lt = find(obj, b"<", contents).ok_or_else(lost)?;
    let gt = find(obj, b">", lt).ok_or_else(lost)?;
    if gt - lt - 1 != 2 * SIGNATURE_SPACE {
        return Err(lost());
    }
    Ok(((open, close + 1), (lt, gt + 1)))
}

/// Finds every signature in `pdf` and checks each: that its /ByteRange is sound and covers the
/// whole file but the signature itself, and that the CMS signature matches those bytes.
/// A PDF without signatures gives an empty list; a file that is not a PDF is an error.
pub fn verify_pdf(pdf: &[u8]) -> Result<Vec<PdfSignature>> {
    let doc = steward_domain::contain::contain(|| Document::load_mem(pdf))
        .map_err(|m| pdf_error("cannot read the PDF", reader_failed("PDF", &m)))?
        .map_err(|e| pdf_error("cannot read the PDF", e))?;
    let mut found: Vec<(i64, PdfSignature)> = Vec::new();
    for (name, sig) in signature_dictionaries(&doc) {
        let (order, checked) = check_signature(pdf, &name, sig);
        found.push((order, checked));
    }
    found.sort_by_key(|(order, _)| *order);
    Ok(found.into_iter().map(|(_, s)| s).collect())
}

/// `o`, or the object it refers to (with its id).
fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<(Option<ObjectId>, &'a Object)> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok().map(|x| (Some(*id), x)),
        other => Some((None, other)),
    }
}

/// The signature fields of the form, with their signature dictionaries.
fn signature_dictionaries(doc: &Document) -> Vec<(String, &Dictionary)> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let resolve = |o| deref(doc, o);
    let fields = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(&resolve)
        .and_then(|(_, a)| a.as_dict().ok())
        .and_then(|a| a.get(b"Fields").ok())
        .and_then(&resolve)
        .and_then(|(_, f)| f.as_array().ok());
    let mut stack: Vec<(String, &Object)> = fields
        .into_iter()
        .flatten()
        .map(|f| (String::new(), f))
        .collect();
    while let Some((parent, f)) = stack.pop() {
        let Some((id, Object::Dictionary(d))) = resolve(f) else {
            continue;
        };
        if let Some(id) = id {
            if !seen.insert(id) {
                continue;
            }
        }
        let part = d
            .get(b"T")
            .and_then(Object::as_str)
            .map(decode_text_string)
            .unwrap_or_default();
        let name = match (parent.is_empty(), part.is_empty()) {
            (true, _) => part,
            (false, true) => parent,
            (false, false) => format!("{parent}.{part}"),
        };
        if let Ok(kids) = d.get(b"Kids").and_then(Object::as_array) {
            stack.extend(kids.iter().map(|k| (name.clone(), k)));
        }
        if d.get(b"FT").and_then(Object::as_name).ok() != Some(b"Sig".as_slice()) {
            continue;
        }
        if let Some((_, Object::Dictionary(v))) = d.get(b"V").ok().and_then(&resolve) {
            out.push((name, v));
        }
    }
    out
}

/// Checks one signature dictionary; returns where its signed range ends (for ordering) and the
/// result.
fn check_signature(pdf: &[u8], field: &str, sig: &Dictionary) -> (i64, PdfSignature) {
    let text = |key: &[u8]| {
        sig.get(key)
            .and_then(Object::as_str)
            .ok()
            .map(decode_text_string)
    };
    let mut result = PdfSignature {
        signer: None,
        signed_at: text(b"M").as_deref().and_then(parse_pdf_date),
        field: field.to_string(),
        reason: text(b"Reason"),
        covers_whole_file: false,
        valid: false,
        problem: None,
    };
    let contents = sig
        .get(b"Contents")
        .and_then(Object::as_str)
        .unwrap_or_default();
    result.signer = cms::claimed_signer(contents);

    let range: Vec<i64> = sig
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map(|a| a.iter().filter_map(|o| o.as_i64().ok()).collect())
        .unwrap_or_default();
    let order = range
        .get(2)
        .zip(range.get(3))
        .map_or(i64::MAX, |(b, c)| b.saturating_add(*c));
    let fail = |mut r: PdfSignature, why: String| {
        r.problem = Some(why);
        (order, r)
    };

    let sub_filter = sig
        .get(b"SubFilter")
        .and_then(Object::as_name)
        .unwrap_or_default();
    if sub_filter != b"adbe.pkcs7.detached" && sub_filter != b"ETSI.CAdES.detached" {
        let shown = String::from_utf8_lossy(sub_filter).into_owned();
        return fail(
            result,
            format!("unsupported signature type /SubFilter /{shown}; Steward checks adbe.pkcs7.detached and ETSI.CAdES.detached"),
        );
    }
    let [start, len1, gap_end, len2] = range[..] else {
        return fail(result, "the /ByteRange is not four numbers".into());
    };
    let (Ok(len1), Ok(gap_end), Ok(len2)) = (
        usize::try_from(len1),
        usize::try_from(gap_end),
        usize::try_from(len2),
    ) else {
        return fail(result, "the /ByteRange has negative numbers".into());
    };
    if start != 0 || len1 >= gap_end || gap_end.checked_add(len2).is_none_or(|end| end > pdf.len())
    {
        return fail(
            result,
            format!(
                "the /ByteRange {range:?} does not fit a file of {} bytes",
                pdf.len()
            ),
        );
    }
    result.covers_whole_file = gap_end + len2 == pdf.len();
    let gap = &pdf[len1..gap_end];
    let inner = gap.strip_prefix(b"<").and_then(|g| g.strip_suffix(b">"));
    let gap_bytes = inner.and_then(|h| {
        let h: Vec<u8> = h
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        hex::decode(h).ok()
    });
    if gap_bytes.as_deref() != Some(contents) {
        return fail(
            result,
            "the /ByteRange does not leave out exactly this signature's /Contents".into(),
        );
    }

    let mut hasher = Sha256::new();
    hasher.update(&pdf[..len1]);
    hasher.update(&pdf[gap_end..gap_end + len2]);
    let digest: [u8; 32] = hasher.finalize().into();
    match cms::verify_digest(&digest, contents) {
        Ok(v) => {
            result.signer = Some(v.signer);
            result.signed_at = v.signing_time.or(result.signed_at);
            result.valid = true;
            (order, result)
        }
        Err(e) => fail(result, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn pdf_dates_round_trip_and_offsets_apply() {
        let t = Utc
            .with_ymd_and_hms(2026, 11, 2, 9, 30, 5)
            .single()
            .expect("valid time");
        let check = |s: &str, expected: Option<DateTime<Utc>>| {
            assert_eq!(parse_pdf_date(s), expected, "reading {s:?}");
        };
        check(&pdf_date(t), Some(t));
        check("D:20261102093005Z", Some(t));
        check("D:20261102113005+02'00'", Some(t));
        check("D:20261102043005-05'00", Some(t));
        check("D:2026", None);
    }

    #[test]
    fn text_strings_use_utf16_only_when_needed() {
        assert_eq!(
            text_string("Ann"),
            Object::String(b"Ann".to_vec(), StringFormat::Literal),
            "ASCII stays literal"
        );
        let Object::String(bytes, StringFormat::Hexadecimal) = text_string("Zoë") else {
            panic!("non-ASCII text must be a UTF-16BE hex string")
        };
        assert_eq!(
            decode_text_string(&bytes),
            "Zoë",
            "UTF-16BE with BOM decodes back"
        );
    }
}
