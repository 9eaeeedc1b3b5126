//! Detached CMS signatures and PDF signatures, checked by our verifier and by real programs:
//! OpenSSL for CMS, poppler's pdfsig and qpdf for PDFs. Those programs are required, not optional.

use std::path::Path;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use steward_core::identity;
use steward_core::sign::cms::verify_detached;
use steward_core::sign::pdf::{sign_pdf, verify_pdf, PdfSignature};
use steward_core::sign::Signer;

use crate::identity::{at, openssl_p12, profile, run, run_ok, PASS};

/// A P-256 signer made by `identity::init` in `dir`.
fn ec_signer(dir: &Path, name: &str) -> Signer {
    let id = dir.join(format!("identity-{name}"));
    identity::init(&id, &profile(name), PASS, at(2026, 11, 2)).expect("identity");
    identity::unlock(&id, PASS, at(2026, 11, 3)).expect("unlock")
}

/// An RSA signer from an OpenSSL-made PKCS#12 file, and a time when its certificate is valid.
fn rsa_signer(dir: &Path) -> (Signer, chrono::DateTime<chrono::Utc>) {
    let (p12, now) = openssl_p12(dir, &[], "s3cret-p12");
    (
        identity::signer_from_p12(&p12, "s3cret-p12", now).expect("signer from p12"),
        now,
    )
}

#[test]
fn cms_signatures_verify_and_tampering_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ec = ec_signer(dir.path(), "Ann Lee");
    let (rsa, rsa_now) = rsa_signer(dir.path());
    let content = b"{\"files\":{\"report.pdf\":\"ab12\"}}".to_vec();
    for (signer, now) in [(&ec, at(2026, 11, 3)), (&rsa, rsa_now)] {
        let who = signer.certificate_info().subject;
        let sig = signer.sign_detached(&content, now).expect("signs");

        // Verifies `c` against `s`: Ok naming the signer, or an error starting with `expected`.
        let check = |what: &str, c: &[u8], s: &[u8], expected: Option<&str>| match (
            verify_detached(c, s),
            expected,
        ) {
            (Ok(info), None) => {
                assert_eq!(info, signer.certificate_info(), "{who}: names the signer")
            }
            (Err(e), Some(start)) => assert!(
                e.to_string().starts_with(start),
                "{who}, {what} changed: {e}"
            ),
            (got, _) => panic!("{who}, {what} changed: expected {expected:?}, got {got:?}"),
        };
        let mut flipped = sig.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x01; // the last byte is inside the signature value
        let one_byte_changed = [&content[..3], b"X", &content[4..]].concat();
        check("nothing", &content, &sig, None);
        check(
            "one content byte",
            &one_byte_changed,
            &sig,
            Some("digest mismatch"),
        );
        check(
            "the signature value",
            &content,
            &flipped,
            Some("bad signature"),
        );
        check(
            "everything",
            &content,
            b"garbage",
            Some("malformed signature"),
        );

        // OpenSSL agrees that the signature is a valid detached CMS over the content.
        std::fs::write(dir.path().join("content.bin"), &content).expect("write");
        std::fs::write(dir.path().join("sig.der"), &sig).expect("write");
        let out = run(
            dir.path(),
            "openssl",
            &[
                "cms",
                "-verify",
                "-binary",
                "-noverify",
                "-inform",
                "DER",
                "-in",
                "sig.der",
                "-content",
                "content.bin",
                "-out",
                "/dev/null",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && err.contains("Verification successful"),
            "openssl cms -verify ({who}): {err}"
        );
    }
}

/// A one-page PDF with a line of text, made with lopdf.
fn small_pdf(text: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let content = Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 24.into()]),
            Operation::new("Td", vec![72.into(), 720.into()]),
            Operation::new("Tj", vec![Object::string_literal(text)]),
            Operation::new("ET", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(
        dictionary! {},
        content.encode().expect("encode content"),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save the test PDF");
    out
}

/// What pdfsig says about `pdf`, and whether qpdf finds the file sound.
fn external_check(dir: &Path, name: &str, pdf: &[u8]) -> (String, bool) {
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("write pdf");
    let file = path.to_str().expect("utf-8 path");
    let pdfsig = run(dir, "pdfsig", &[file]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&pdfsig.stdout),
        String::from_utf8_lossy(&pdfsig.stderr)
    );
    let qpdf = run(dir, "qpdf", &["--check", file]);
    (said, qpdf.status.success())
}

fn summary(s: &PdfSignature) -> (String, bool, bool) {
    (
        s.signer
            .as_ref()
            .map(|c| c.common_name())
            .unwrap_or_default(),
        s.valid,
        s.covers_whole_file,
    )
}

#[test]
fn signed_pdfs_are_valid_for_pdfsig_and_qpdf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ann = ec_signer(dir.path(), "Ann Lee");
    let pdf = small_pdf("Quarterly portfolio review");
    assert_eq!(
        verify_pdf(&pdf).expect("an unsigned PDF reads"),
        vec![],
        "no signature, empty list"
    );

    let when = at(2026, 11, 3);
    let signed = sign_pdf(&pdf, &ann, when, "Approved by the portfolio board").expect("signs");
    assert!(
        signed.starts_with(&pdf),
        "signing appends an incremental update and keeps the original bytes"
    );
    let (said, qpdf_ok) = external_check(dir.path(), "signed.pdf", &signed);
    assert!(
        said.contains("Signature is Valid."),
        "pdfsig must accept the signature:\n{said}"
    );
    assert!(said.contains("Ann Lee"), "pdfsig shows the signer:\n{said}");
    assert!(
        said.contains("adbe.pkcs7.detached"),
        "pdfsig shows the signature type:\n{said}"
    );
    assert!(
        said.contains("Total document signed"),
        "the signature covers the whole file:\n{said}"
    );
    assert!(
        qpdf_ok,
        "qpdf --check must find no errors in the signed PDF"
    );

    let found = verify_pdf(&signed).expect("verify");
    assert_eq!(found.len(), 1, "one signature: {found:?}");
    assert_eq!(
        summary(&found[0]),
        ("Ann Lee".into(), true, true),
        "valid, whole file: {found:?}"
    );
    assert_eq!(
        found[0].signed_at,
        Some(when),
        "the signing time is the one passed in"
    );
    assert_eq!(
        found[0].reason.as_deref(),
        Some("Approved by the portfolio board"),
        "the reason is kept"
    );
    assert_eq!(found[0].field, "Signature1", "the field is named");

    // OpenSSL verifies the CMS over the two signed ranges on its own.
    let text = String::from_utf8_lossy(&signed);
    let br = text.rfind("/ByteRange").expect("a /ByteRange");
    let nums: Vec<usize> = text[br..]
        .split(['[', ']'])
        .nth(1)
        .expect("[...]")
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    let ranges = [
        &signed[nums[0]..nums[0] + nums[1]],
        &signed[nums[2]..nums[2] + nums[3]],
    ]
    .concat();
    let cms = hex::decode(&signed[nums[1] + 1..nums[2] - 1]).expect("hex /Contents");
    std::fs::write(dir.path().join("ranges.bin"), &ranges).expect("write");
    std::fs::write(dir.path().join("pdf-sig.der"), &cms).expect("write");
    let out = run(
        dir.path(),
        "openssl",
        &[
            "cms",
            "-verify",
            "-binary",
            "-noverify",
            "-inform",
            "DER",
            "-in",
            "pdf-sig.der",
            "-content",
            "ranges.bin",
            "-out",
            "/dev/null",
        ],
    );
    assert!(
        out.status.success(),
        "openssl agrees on the PDF's CMS: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // One changed byte of the signed content: both pdfsig and verify_pdf say it is invalid.
    let mut tampered = signed.clone();
    let pos = tampered
        .windows(9)
        .position(|w| w == b"Quarterly")
        .expect("the text is in the PDF");
    tampered[pos] = b'X';
    let (said, _) = external_check(dir.path(), "tampered.pdf", &tampered);
    assert!(
        !said.contains("Signature is Valid."),
        "pdfsig must reject a changed PDF:\n{said}"
    );
    assert!(
        said.contains("Digest Mismatch"),
        "pdfsig names the digest mismatch:\n{said}"
    );
    let found = verify_pdf(&tampered).expect("verify the tampered file");
    assert_eq!(
        summary(&found[0]),
        ("Ann Lee".into(), false, true),
        "invalid after the change: {found:?}"
    );
    let problem = found[0].problem.clone().unwrap_or_default();
    assert!(
        problem.starts_with("digest mismatch"),
        "the problem says what failed: {problem}"
    );
}

#[test]
fn a_pdf_signed_twice_keeps_both_signatures_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ann = ec_signer(dir.path(), "Ann Lee");
    let (rita, rita_now) = rsa_signer(dir.path());
    let pdf = small_pdf("Retirement sign-off");
    let once = sign_pdf(&pdf, &ann, at(2026, 11, 3), "Prepared").expect("first signature");
    let twice = sign_pdf(&once, &rita, rita_now, "Approved").expect("second signature, RSA");
    assert!(
        twice.starts_with(&once),
        "the second signature leaves the first revision byte for byte"
    );

    let (said, qpdf_ok) = external_check(dir.path(), "twice.pdf", &twice);
    assert_eq!(
        said.matches("Signature is Valid.").count(),
        2,
        "pdfsig must accept both signatures:\n{said}"
    );
    assert!(
        said.contains("Ann Lee") && said.contains("Rita Rsa"),
        "pdfsig names both signers:\n{said}"
    );
    assert!(
        qpdf_ok,
        "qpdf --check must find no errors in the twice-signed PDF"
    );

    let found = verify_pdf(&twice).expect("verify");
    let got: Vec<_> = found.iter().map(summary).collect();
    assert_eq!(
        got,
        vec![
            ("Ann Lee".into(), true, false),
            ("Rita Rsa".into(), true, true)
        ],
        "both valid, in signing order; only the last covers the whole file"
    );
    assert_eq!(
        (found[0].field.as_str(), found[1].field.as_str()),
        ("Signature1", "Signature2"),
        "distinct fields"
    );
}

#[test]
fn files_that_are_not_pdfs_are_errors() {
    let err = verify_pdf(b"%PDF-1.7 truncated").expect_err("not a readable PDF");
    assert_eq!(
        err.code(),
        "signature",
        "reported as a signature-checking error: {err}"
    );
    assert!(
        err.to_string().contains("cannot read the PDF"),
        "says what failed: {err}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let ann = ec_signer(dir.path(), "Ann Lee");
    let err =
        sign_pdf(b"name,owner", &ann, at(2026, 11, 3), "").expect_err("a CSV cannot be signed");
    assert!(
        err.to_string().contains("cannot read the PDF to sign"),
        "says what failed: {err}"
    );
}

#[test]
fn pdfs_of_other_shapes_are_signed_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zoe = ec_signer(dir.path(), "Zoë Brontë");
    // Signs `pdf` and checks the result with pdfsig, qpdf and verify_pdf.
    let check = |what: &str, pdf: &[u8]| {
        let signed = sign_pdf(pdf, &zoe, at(2026, 11, 3), "Geprüft")
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let (said, qpdf_ok) = external_check(dir.path(), "shape.pdf", &signed);
        assert!(
            said.contains("Signature is Valid."),
            "{what}: pdfsig must accept it:\n{said}"
        );
        assert!(qpdf_ok, "{what}: qpdf --check must find no errors");
        let found = verify_pdf(&signed).unwrap_or_else(|e| panic!("{what}: {e}"));
        let got: Vec<_> = found.iter().map(summary).collect();
        assert_eq!(
            got,
            vec![("Zoë Brontë".into(), true, true)],
            "{what}: one valid signature"
        );
        assert_eq!(
            found[0].reason.as_deref(),
            Some("Geprüft"),
            "{what}: non-ASCII text survives"
        );
    };
    let plain = small_pdf("Register export");
    check("classic cross-reference table", &plain);

    // The same file rewritten by qpdf with a cross-reference stream and object streams.
    std::fs::write(dir.path().join("plain.pdf"), &plain).expect("write");
    run_ok(
        dir.path(),
        "qpdf",
        &["--object-streams=generate", "plain.pdf", "streams.pdf"],
    );
    let streams = std::fs::read(dir.path().join("streams.pdf")).expect("read");
    check("cross-reference stream and object streams", &streams);
}
