//! Sign-off forms through the API: boards, rules, requests, signature files from several
//! signers, every refusal of an imported file, stale and expired requests, and the gates.

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use steward_core::api::signoff::{review_request, sign_request};
use steward_core::api::{Context, Workspace, SCHEMA_VERSION};
use steward_core::clock::FixedClock;
use steward_core::register::{RiskTier, Stage};
use steward_core::sign::request_file::write_signature;
use steward_core::sign::Signer;
use steward_core::signoff::{Decision, Gate, Role, RoleRequirement, RuleSpec, Statement, Status};
use steward_core::Error;

use crate::support::{ctx, draft, workspace};

fn signer(root: &Path, name: &str) -> Signer {
    crate::support::signer(root, name, "Board member")
}

fn pem(s: &Signer) -> Vec<u8> {
    s.certificate_info().pem.into_bytes()
}

struct Setup {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    ws: Workspace,
    ann: Signer,
    bob: Signer,
    owner: Signer,
    system: i64,
}

/// A workspace with board "Model board" (Ann legal, Bob compliance, Ann Owner business owner),
/// a pre-deployment rule for high risk (legal 1, compliance 1, quorum 2), and a high-risk
/// system in staging owned by "Ann Owner".
fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let mut ws = workspace(&root.join("data"));
    let (ann, bob, owner) = (
        signer(&root, "Ann Legal"),
        signer(&root, "Bob Compliance"),
        signer(&root, "Ann Owner"),
    );
    ws.create_board("Model board").expect("board");
    ws.add_board_member("Model board", "Ann Legal", Role::Legal, &pem(&ann))
        .expect("ann");
    ws.add_board_member(
        "Model board",
        "Bob Compliance",
        Role::Compliance,
        &pem(&bob),
    )
    .expect("bob");
    ws.add_board_member(
        "Model board",
        "Ann Owner",
        Role::BusinessOwner,
        &pem(&owner),
    )
    .expect("owner");
    ws.save_rule(
        Gate::PreDeployment,
        RiskTier::High,
        "Model board",
        rule(&[(Role::Legal, 1), (Role::Compliance, 1)], 2),
    )
    .expect("rule");
    let mut d = draft("Credit Scorer");
    d.risk_tier = RiskTier::High;
    d.stage = Stage::Staging;
    let system = ws.add_system(d).expect("system").id;
    Setup {
        _dir: dir,
        root,
        ws,
        ann,
        bob,
        owner,
        system,
    }
}

fn rule(roles: &[(Role, u32)], quorum: u32) -> RuleSpec {
    RuleSpec {
        roles: roles
            .iter()
            .map(|(role, required)| RoleRequirement {
                role: *role,
                required: *required,
            })
            .collect(),
        quorum,
        valid_days: 14,
    }
}

impl Setup {
    fn request_file(&mut self) -> (i64, Vec<u8>) {
        let r = self
            .ws
            .create_request("Credit Scorer", Gate::PreDeployment, None, None)
            .expect("request");
        let bytes = self
            .ws
            .export_request(&r.id.to_string(), &self.ann)
            .expect("export");
        (r.id, bytes)
    }

    fn sign(
        &self,
        request: &[u8],
        who: &Signer,
        role: Role,
        decision: Decision,
        conditions: &str,
    ) -> Vec<u8> {
        sign_request(
            request,
            "request.json",
            who,
            role,
            decision,
            conditions,
            ctx().clock.now(),
        )
        .expect("signs")
    }

    fn import_err(&mut self, sig: &[u8]) -> String {
        let e = self
            .ws
            .import_signature(sig, "sig.json")
            .expect_err("must be refused");
        e.to_string()
    }
}

#[test]
fn two_signers_approve_and_the_system_can_then_be_promoted() {
    let mut s = setup();
    // The evidence the policy asks for is there: this test is about the sign-off.
    crate::support::meet_evidence_policy(&mut s.ws, s.system);
    let e =
        s.ws.set_stage(s.system, Stage::Production)
            .expect_err("no sign-off yet");
    assert!(
        e.to_string()
            .contains("needs an approved pre-deployment sign-off")
            && e.to_string().contains("no request yet"),
        "the gate says what is missing: {e}"
    );
    let (id, req) = s.request_file();
    let review = review_request(&req, "request.json").expect("a good request file reads");
    assert_eq!(
        review.requester.subject,
        s.ann.certificate_info().subject,
        "the requester is shown"
    );
    assert_eq!(
        review.request.excluded,
        vec!["Ann Owner".to_string()],
        "the owner is excluded"
    );

    let a = s.sign(&req, &s.ann, Role::Legal, Decision::Approve, "");
    let v =
        s.ws.import_signature(&a, "ann.json")
            .expect("ann's signature");
    assert_eq!(v.status, Status::Pending, "compliance still missing");
    let e =
        s.ws.set_stage(s.system, Stage::Production)
            .expect_err("still pending");
    assert!(
        e.to_string().contains(&format!("request {id} is pending")),
        "{e}"
    );

    let b = s.sign(
        &req,
        &s.bob,
        Role::Compliance,
        Decision::ApproveWithConditions,
        "Monitor drift monthly",
    );
    let v =
        s.ws.import_signature(&b, "bob.json")
            .expect("bob's signature");
    assert_eq!(
        v.status,
        Status::Approved,
        "legal 1 of 1, compliance 1 of 1, quorum 2"
    );
    assert_eq!(v.signatures.len(), 2);
    assert_eq!(v.signatures[1].conditions, "Monitor drift monthly");

    let actions = s.ws.signoff_actions().expect("actions");
    assert_eq!(actions.len(), 1, "the condition became an action");
    assert_eq!(
        (actions[0].owner.as_str(), actions[0].due.as_str()),
        ("Ann Owner", "2026-12-02"),
        "owned by the system's owner, due 30 days after signing"
    );

    let moved =
        s.ws.set_stage(s.system, Stage::Production)
            .expect("approved: the gate opens");
    assert_eq!(moved.draft.stage, Stage::Production);
    assert_eq!(
        s.ws.request(&id.to_string()).expect("view").status,
        Status::Approved,
        "moving the stage does not make it stale"
    );
}

#[test]
fn a_change_after_signing_makes_the_request_stale_and_closes_the_gate() {
    let mut s = setup();
    let (id, req) = s.request_file();
    let a = s.sign(&req, &s.ann, Role::Legal, Decision::Approve, "");
    let b = s.sign(&req, &s.bob, Role::Compliance, Decision::Approve, "");
    s.ws.import_signature(&a, "a").expect("a");
    s.ws.import_signature(&b, "b").expect("b");
    let mut d = s.ws.system(s.system).expect("system").draft;
    d.purpose = "Now also scores small businesses".into();
    s.ws.update_system(s.system, d).expect("edit");
    let v = s.ws.request(&id.to_string()).expect("view");
    assert_eq!(
        v.status,
        Status::Stale,
        "the record changed after it was signed"
    );
    let fields: Vec<&str> = v.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["system.purpose"],
        "what changed, field by field"
    );
    let e =
        s.ws.set_stage(s.system, Stage::Production)
            .expect_err("stale");
    assert!(
        e.to_string()
            .contains("is stale (changed since: system.purpose)"),
        "{e}"
    );
    // Editing content and stage in one save is judged against the content being saved.
    let mut d = s.ws.system(s.system).expect("system").draft;
    d.stage = Stage::Production;
    assert!(
        s.ws.update_system(s.system, d).is_err(),
        "an edit cannot promote a stale sign-off"
    );
}

#[test]
fn a_new_request_tells_the_signer_what_changed_since_the_last_approval() {
    let mut s = setup();
    let (first, req) = s.request_file();
    assert!(
        s.ws.request(&first.to_string())
            .expect("first")
            .request
            .since_approval
            .is_none(),
        "nothing was approved before the first request"
    );
    // A rejected or pending request is not an approval to compare with.
    let (_, pending) = s.request_file();
    let a = s.sign(&req, &s.ann, Role::Legal, Decision::Approve, "");
    let b = s.sign(&req, &s.bob, Role::Compliance, Decision::Approve, "");
    s.ws.import_signature(&a, "a").expect("a");
    s.ws.import_signature(&b, "b").expect("b");
    drop(pending);
    let mut d = s.ws.system(s.system).expect("system").draft;
    let before = d.purpose.clone();
    d.purpose = "Now also scores small businesses".into();
    s.ws.update_system(s.system, d).expect("edit");
    let again =
        s.ws.create_request(&s.system.to_string(), Gate::PreDeployment, None, None)
            .expect("a new request after the change");
    let since = again
        .request
        .since_approval
        .expect("the approved request is named");
    assert_eq!(
        since.request,
        s.ws.request(&first.to_string()).expect("first").request.uid
    );
    assert_eq!(since.changes.len(), 1, "{:?}", since.changes);
    assert_eq!(since.changes[0].field, "system.purpose");
    assert_eq!(
        since.changes[0].signed.as_deref(),
        Some(serde_json::to_string(&before).expect("json").as_str())
    );
    // The request file carries it to the signer's laptop, under the requester's signature.
    let file =
        s.ws.export_request(&again.id.to_string(), &s.ann)
            .expect("file");
    let seen = review_request(&file, "request.json").expect("the file reads");
    assert_eq!(
        seen.request.since_approval.map(|x| x.changes.len()),
        Some(1)
    );
}

#[test]
fn every_bad_signature_file_is_refused_with_its_reason() {
    let mut s = setup();
    let (_, req) = s.request_file();
    let (_, other_req) = s.request_file();
    let good = s.sign(&req, &s.ann, Role::Legal, Decision::Approve, "");

    // A key whose certificate is not the board member's.
    let mallory = signer(&s.root, "Mallory");
    let e = sign_request(
        &req,
        "request.json",
        &mallory,
        Role::Legal,
        Decision::Approve,
        "",
        ctx().clock.now(),
    )
    .expect_err("not a member");
    assert!(
        e.to_string()
            .contains("not a board member's for the role legal"),
        "{e}"
    );
    // Bob signing as legal: a member, but not in that role.
    let e = sign_request(
        &req,
        "r",
        &s.bob,
        Role::Legal,
        Decision::Approve,
        "",
        ctx().clock.now(),
    )
    .expect_err("wrong role");
    assert!(
        e.to_string()
            .contains("not a board member's for the role legal"),
        "{e}"
    );
    // The owner approving their own system (segregation of duties).
    let e = sign_request(
        &req,
        "r",
        &s.owner,
        Role::BusinessOwner,
        Decision::Approve,
        "",
        ctx().clock.now(),
    )
    .expect_err("owner");
    assert!(
        e.to_string()
            .contains("cannot approve it (segregation of duties)"),
        "{e}"
    );

    // Conditions go with approve_with_conditions, and only with it.
    let now = ctx().clock.now();
    let e = sign_request(
        &req,
        "r",
        &s.ann,
        Role::Legal,
        Decision::ApproveWithConditions,
        " ",
        now,
    )
    .expect_err("no conditions");
    assert!(
        e.to_string()
            .contains("approve_with_conditions needs the conditions text"),
        "{e}"
    );
    let e = sign_request(
        &req,
        "r",
        &s.ann,
        Role::Legal,
        Decision::Approve,
        "Fix X",
        now,
    )
    .expect_err("conditions");
    assert!(e.to_string().contains("use approve_with_conditions"), "{e}");

    // Forged files, made by hand with a valid key, must still be refused on import.
    let (doc, _) = steward_core::sign::request_file::read_request(&req, "r").expect("reads");
    let forge = |who: &Signer, edit: &dyn Fn(&mut Statement)| {
        let mut st = Statement {
            request: doc.uid.clone(),
            snapshot_hash: doc.snapshot_hash.clone(),
            system: doc.system_name.clone(),
            gate: doc.gate,
            decision: Decision::Approve,
            conditions: String::new(),
            role: Role::Legal,
            signer: "Ann Legal".into(),
            signed_at: "2026-11-02T09:30:00Z".into(),
        };
        edit(&mut st);
        write_signature(&st, who, ctx().clock.now()).expect("write")
    };
    let m = forge(&mallory, &|_| {});
    assert!(
        s.import_err(&m).contains("not a board member's"),
        "mallory's key is refused"
    );
    let snap = forge(&s.ann, &|st| st.snapshot_hash = "0".repeat(64));
    assert!(
        s.import_err(&snap)
            .contains("signature for another snapshot"),
        "another snapshot"
    );
    let owner = forge(&s.owner, &|st| st.role = Role::BusinessOwner);
    assert!(
        s.import_err(&owner).contains("segregation of duties"),
        "the owner's approval"
    );
    let foreign = forge(&s.ann, &|st| st.request = "f".repeat(32));
    assert!(
        s.import_err(&foreign)
            .contains("signature for another request"),
        "unknown request"
    );
    let late = forge(&s.ann, &|st| st.signed_at = "2027-01-05T09:30:00Z".into());
    assert!(
        s.import_err(&late).contains("after the request's deadline"),
        "too late"
    );

    // Another request of this workspace.
    let for_other = s.sign(&other_req, &s.ann, Role::Legal, Decision::Approve, "");
    s.ws.import_signature(&for_other, "other")
        .expect("a good signature for the other request");

    // Tampered bytes: the decision edited in the file.
    let text = String::from_utf8(good.clone()).expect("utf-8");
    let tampered = text.replacen("\"approve\"", "\"reject\"", 1);
    assert_ne!(tampered, text, "the edit happened");
    assert!(
        s.import_err(tampered.as_bytes())
            .contains("tampered signature file"),
        "tampered"
    );
    assert!(
        s.import_err(b"not json")
            .contains("not a readable sign-off signature file"),
        "garbage"
    );

    // Replays.
    s.ws.import_signature(&good, "good")
        .expect("the genuine file");
    assert!(
        s.import_err(&good).contains("replayed signature"),
        "the same file twice"
    );
    let again = s.sign(&req, &s.ann, Role::Legal, Decision::Reject, "");
    assert!(
        s.import_err(&again)
            .contains("replayed signer: Ann Legal already signed"),
        "a second signature by the same member"
    );
    assert!(
        s.import_err(&for_other).contains("replayed signature"),
        "a file reused"
    );

    let r = s.ws.requests(Some("Credit Scorer")).expect("requests");
    let counts: Vec<usize> = r.iter().map(|v| v.signatures.len()).collect();
    assert_eq!(counts, vec![1, 1], "refused files changed nothing");

    // A tampered request file.
    let text = String::from_utf8(req.clone()).expect("utf-8");
    let bad = text.replacen("Credit Scorer", "Credit Scorer 2", 1);
    let e = review_request(bad.as_bytes(), "req.json").expect_err("tampered request");
    assert!(e.to_string().contains("tampered request file"), "{e}");
}

#[test]
fn one_rejection_rejects() {
    let mut s = setup();
    let (_, req) = s.request_file();
    let a = s.sign(&req, &s.ann, Role::Legal, Decision::Approve, "");
    let r = s.sign(&req, &s.bob, Role::Compliance, Decision::Reject, "");
    s.ws.import_signature(&a, "a").expect("a");
    let v = s.ws.import_signature(&r, "r").expect("r");
    assert_eq!(v.status, Status::Rejected);
    assert!(
        s.ws.set_stage(s.system, Stage::Production).is_err(),
        "rejected: the gate stays shut"
    );
    // The owner may reject their own system.
    let o = s.sign(&req, &s.owner, Role::BusinessOwner, Decision::Reject, "");
    assert_eq!(
        s.ws.import_signature(&o, "o").expect("o").status,
        Status::Rejected
    );
}

#[test]
fn a_request_past_its_deadline_is_expired() {
    let mut s = setup();
    let deadline = NaiveDate::from_ymd_opt(2026, 11, 10).expect("date");
    let r =
        s.ws.create_request("Credit Scorer", Gate::PreDeployment, Some(deadline), None)
            .expect("request");
    assert_eq!(r.status, Status::Pending);
    let data = s.root.join("data");
    drop(s.ws);
    let later = Context::new(
        "tester",
        Arc::new(FixedClock(ctx().clock.now() + Duration::days(9))),
    );
    let ws = crate::support::workspace_with(&data, later);
    assert_eq!(
        ws.request(&r.id.to_string()).expect("view").status,
        Status::Expired
    );
}

#[test]
fn rules_that_cannot_be_met_are_refused_and_workspaces_without_rules_are_open() {
    let mut s = setup();
    let e =
        s.ws.save_rule(
            Gate::Retirement,
            RiskTier::High,
            "Model board",
            rule(&[(Role::Legal, 2), (Role::Risk, 1)], 4),
        )
        .expect_err("unsatisfiable");
    let Error::Validation { fields, .. } = &e else {
        panic!("a validation error: {e}")
    };
    let msgs: Vec<String> = fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs[0].starts_with("roles[0]: 2 legal of 1 required"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].starts_with("roles[1]: 1 risk of 0 required"),
        "{msgs:?}"
    );
    assert!(
        msgs[2].starts_with("quorum: 4 approvals required but only 3"),
        "{msgs:?}"
    );
    assert_eq!(s.ws.rules().expect("rules").len(), 1, "nothing was saved");

    // Owner is the only business owner: a rule needing one can be saved, but no request opened.
    s.ws.save_rule(
        Gate::PreDeployment,
        RiskTier::High,
        "Model board",
        rule(&[(Role::BusinessOwner, 1)], 1),
    )
    .expect("saved");
    let e =
        s.ws.create_request("Credit Scorer", Gate::PreDeployment, None, None)
            .expect_err("segregation");
    assert!(
        e.to_string()
            .contains("Ann Owner is the system's owner or technical lead"),
        "{e}"
    );

    // A low-risk system has no rule: its gate is open.
    let mut d = draft("Chat helper");
    d.risk_tier = RiskTier::Low;
    d.stage = Stage::Staging;
    let id = s.ws.add_system(d).expect("system").id;
    s.ws.set_stage(id, Stage::Production)
        .expect("no rule for low risk: not gated");
    // Retirement of the high-risk system is not gated: there is no retirement rule for it.
    let e =
        s.ws.create_request("Credit Scorer", Gate::Retirement, None, None)
            .expect_err("no rule");
    assert!(
        e.to_string()
            .contains("sign-off rule not found: retirement at risk tier high"),
        "{e}"
    );
}

#[test]
fn retirement_needs_an_approved_retirement_sign_off() {
    let mut s = setup();
    s.ws.save_rule(
        Gate::Retirement,
        RiskTier::High,
        "Model board",
        rule(&[(Role::Compliance, 1)], 1),
    )
    .expect("rule");
    // The decommissioning checklist done, the sign-off is what still stands in the way.
    let started = s.ws.retire_system(s.system, None).expect("checklist");
    for item in started.checklist {
        s.ws.close_checklist_item(
            s.system,
            &item.key,
            steward_core::calendar::ItemState::Done,
            "",
        )
        .expect("done");
    }
    let e = s.ws.set_stage(s.system, Stage::Retired).expect_err("gated");
    assert!(
        e.to_string()
            .contains("needs an approved retirement sign-off"),
        "{e}"
    );
    let r =
        s.ws.create_request("Credit Scorer", Gate::Retirement, None, None)
            .expect("request");
    let f =
        s.ws.export_request(&r.id.to_string(), &s.ann)
            .expect("export");
    let b = s.sign(&f, &s.bob, Role::Compliance, Decision::Approve, "");
    s.ws.import_signature(&b, "b").expect("b");
    s.ws.set_stage(s.system, Stage::Retired)
        .expect("approved retirement");
}

#[test]
fn migration_0007_upgrades_a_schema_6_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema(dir.path(), 6));
    let mut ws = workspace(dir.path());
    assert_eq!(ws.schema_version().expect("version"), SCHEMA_VERSION);
    ws.create_board("Board")
        .expect("the upgraded schema keeps boards");
    assert_eq!(
        ws.system(1).expect("kept").draft.name,
        "Copilot",
        "data made under schema 6 is kept"
    );
}

/// An approved request (Ann legal, Bob compliance with conditions) in `s`; returns its id.
fn approved(s: &mut Setup) -> i64 {
    let (id, req) = s.request_file();
    let a = s.sign(&req, &s.ann, Role::Legal, Decision::Approve, "");
    let b = s.sign(
        &req,
        &s.bob,
        Role::Compliance,
        Decision::ApproveWithConditions,
        "Monthly drift report",
    );
    s.ws.import_signature(&a, "a").expect("a");
    s.ws.import_signature(&b, "b").expect("b");
    id
}

#[test]
fn the_sign_off_certificate_is_a_signed_pdf_and_a_workbook() {
    use calamine::{Reader, Xlsx};
    let mut s = setup();
    let id = approved(&mut s);
    let model = {
        let v = s.ws.request(&id.to_string()).expect("view");
        steward_core::report::signoff_report(&v, "test", ctx().clock.now(), "tester")
    };
    model.check().expect("the model is well formed");
    let kv: Vec<(String, String)> = model
        .metadata
        .iter()
        .map(|k| (k.key.clone(), k.value.clone()))
        .collect();
    assert!(
        kv.contains(&("Status".into(), "Approved".into())),
        "the status is on the certificate: {kv:?}"
    );
    let sigs = model
        .tables()
        .find(|t| t.name == "Signatures")
        .expect("signatures table");
    assert_eq!(sigs.rows.len(), 2, "one row per signature");
    let row = format!("{:?}", sigs.rows[1]);
    for want in [
        "Bob Compliance",
        "Compliance",
        "Approve with conditions",
        "Monthly drift report",
        "2026-11-02 09:30:00 UTC",
        &s.bob.certificate_info().fingerprint_sha256,
    ] {
        assert!(row.contains(want), "the signature row shows {want}: {row}");
    }
    let reviewed = model
        .tables()
        .find(|t| t.name == "Under review")
        .expect("snapshot table");
    assert!(
        format!("{:?}", reviewed.rows).contains("Credit Scorer"),
        "the snapshot's content is printed"
    );

    let pdf =
        s.ws.signoff_report_pdf(&id.to_string(), Some(&s.ann))
            .expect("pdf");
    let path = s.root.join("signoff.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let said = crate::identity::run_ok(&s.root, "pdfsig", &[path.to_str().expect("utf-8")]);
    assert!(
        said.contains("Signature is Valid."),
        "pdfsig accepts the certificate's signature: {said}"
    );

    let xlsx = s.ws.signoff_report_xlsx(&id.to_string()).expect("xlsx");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).expect("calamine reads it");
    let names = book.sheet_names().to_vec();
    assert!(
        names.iter().any(|n| n == "Signatures"),
        "a sheet of signatures: {names:?}"
    );
    let range = book.worksheet_range("Signatures").expect("sheet");
    assert!(
        format!("{range:?}").contains("Monthly drift report"),
        "the conditions are in the workbook"
    );
}

#[test]
fn audit_packs_carry_sign_offs_and_verify_checks_their_signatures() {
    use steward_core::pack::{self, FindingLevel, PackFile};
    let mut s = setup();
    let id = approved(&mut s);
    let out = s.root.join("pack.zip");
    let summary = s.ws.create_pack(&s.ann, &out, &mut |_| true).expect("pack");
    let paths: Vec<&str> = summary.files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        format!("reports/signoff-{id}.pdf"),
        format!("reports/signoff-{id}.xlsx"),
        format!("signoffs/request-{id}.json"),
        format!("signoffs/request-{id}/sig-1.json"),
        format!("signoffs/request-{id}/sig-2.json"),
    ] {
        assert!(paths.contains(&p.as_str()), "{p} is in the pack: {paths:?}");
    }
    let trusted = vec![s.ann.certificate_info()];
    let report = pack::verify_pack(&out, &trusted).expect("verify");
    assert!(report.valid, "the pack verifies: {:?}", report.findings);
    let ok: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.message.starts_with("valid sign-off signature"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(ok.len(), 2, "each sign-off signature is checked: {ok:?}");

    // A pack made by someone else, correctly hashed and signed as a pack, whose sign-off
    // signature was made with a key that is not the board member's: verify says so.
    let (req_doc, _) = {
        let bytes =
            s.ws.export_request(&id.to_string(), &s.ann)
                .expect("export");
        steward_core::sign::request_file::read_request(&bytes, "r").expect("read")
    };
    let mallory = signer(&s.root, "Mallory");
    let st = Statement {
        request: req_doc.uid.clone(),
        snapshot_hash: req_doc.snapshot_hash.clone(),
        system: req_doc.system_name.clone(),
        gate: req_doc.gate,
        decision: Decision::Approve,
        conditions: String::new(),
        role: Role::Legal,
        signer: "Ann Legal".into(),
        signed_at: "2026-11-02T09:30:00Z".into(),
    };
    let files = vec![
        PackFile {
            path: "signoffs/request-1.json".into(),
            bytes: serde_json::to_vec(&req_doc).expect("json"),
        },
        PackFile {
            path: "signoffs/request-1/sig-1.json".into(),
            bytes: write_signature(&st, &mallory, ctx().clock.now()).expect("sig"),
        },
    ];
    let forged = s.root.join("forged.zip");
    let anchor = s.ws.chain_anchor().expect("anchor");
    pack::write_pack(
        &forged,
        files,
        ("forged", "mallory", anchor),
        &s.ann,
        ctx().clock.now(),
        &mut |_| true,
    )
    .expect("write");
    let report = pack::verify_pack(&forged, &trusted).expect("verify");
    assert!(!report.valid, "a forged sign-off makes the pack invalid");
    let bad: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.level == FindingLevel::Error)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].contains("not a board member's for the role legal"),
        "{bad:?}"
    );
}

#[test]
fn an_import_cannot_promote_a_system_past_its_gate() {
    let mut s = setup();
    crate::support::meet_evidence_policy(&mut s.ws, s.system);
    let csv = s.root.join("promote.csv");
    std::fs::write(
        &csv,
        "Name,Business unit,Owner,Stage,Risk tier,Regulated domain,Deployment date\n\
         Credit Scorer,Retail,Ann Owner,production,high,none,2026-11-02\n",
    )
    .expect("write");
    let e = s.ws.import_systems(&csv, false).expect_err("gated");
    assert!(
        e.to_string()
            .contains("needs an approved pre-deployment sign-off"),
        "the import names the gate: {e}"
    );
    assert_eq!(
        s.ws.system(s.system).expect("system").draft.stage,
        Stage::Staging,
        "nothing was imported"
    );
    approved(&mut s);
    s.ws.import_systems(&csv, false)
        .expect("approved: the import promotes it");
    assert_eq!(
        s.ws.system(s.system).expect("system").draft.stage,
        Stage::Production
    );
}

#[test]
fn the_sign_off_certificate_model_snapshot() {
    let mut s = setup();
    let id = approved(&mut s);
    let mut d = s.ws.system(s.system).expect("system").draft;
    d.purpose = "Scores consumer loans".into();
    s.ws.update_system(s.system, d).expect("edit after signing");
    let v = s.ws.request(&id.to_string()).expect("view");
    let model =
        steward_core::report::signoff_report(&v, "test workspace", ctx().clock.now(), "tester");
    model.check().expect("the writers accept the model");
    // Keys are made fresh for each run and the uid depends on the workspace's path.
    let mut text = crate::report::dump(&model).replace(&v.request.uid, "<uid>");
    for (who, signer) in [("ann", &s.ann), ("bob", &s.bob), ("owner", &s.owner)] {
        text = text.replace(
            &signer.certificate_info().fingerprint_sha256,
            &format!("<{who}-fingerprint>"),
        );
    }
    insta::assert_snapshot!("signoff_report_model", text);
}

#[test]
fn conditions_of_an_approval_are_actions_on_the_calendar() {
    use steward_core::calendar::{CalendarQuery, EventKind, EventState};
    let mut s = setup();
    approved(&mut s);
    let actions = s.ws.signoff_actions().expect("actions");
    assert_eq!(actions.len(), 1, "{actions:?}");
    let q = CalendarQuery {
        kinds: vec![EventKind::Action],
        from: Some("2000-01-01".parse().expect("date")),
        to: Some("2100-01-01".parse().expect("date")),
        ..Default::default()
    };
    let listed = s.ws.calendar(&q).expect("calendar");
    assert_eq!(listed.len(), 1, "{listed:?}");
    let a = &listed[0];
    assert_eq!(a.date.to_string(), actions[0].due);
    assert!(a.title.contains("Monthly drift report"), "{}", a.title);
    assert_eq!(a.owner.as_deref(), Some(actions[0].owner.as_str()));
    assert!(a.task);
    let done =
        s.ws.mark_done(&a.uid, None, None, "first report sent")
            .expect("done");
    assert_eq!(done.state, EventState::Done);
    assert_eq!(
        s.ws.calendar(&q).expect("calendar")[0].state,
        EventState::Done
    );
}

#[test]
fn the_snapshot_carries_the_kpi_summary_and_a_new_measurement_makes_it_stale() {
    use steward_core::api::kpi::MeasurementInput;
    use steward_core::kpi::{Cadence, Direction, KpiDraft, KpiKind};
    let mut s = setup();
    let k =
        s.ws.add_kpi(KpiDraft {
            system_id: s.system,
            name: "Gini".into(),
            kind: KpiKind::ModelMetric,
            unit: "points".into(),
            direction: Direction::HigherIsBetter,
            target: 60.0,
            warning: 55.0,
            breach: 50.0,
            cadence: Cadence::Monthly,
        })
        .expect("kpi");
    let measure = |ws: &mut steward_core::api::Workspace, period: &str, value: f64| {
        ws.record_measurement(MeasurementInput {
            kpi_id: k.id,
            period: period.into(),
            value,
            source: "monitoring".into(),
            note: String::new(),
        })
        .expect("measure");
    };
    measure(&mut s.ws, "2026-09", 62.0);
    let (id, _) = s.request_file();
    let view = s.ws.request(&id.to_string()).expect("request");
    let kpis = view
        .request
        .snapshot
        .kpis
        .clone()
        .expect("the KPI summary is in the snapshot");
    assert_eq!(kpis[0]["kpi"], "Gini");
    assert_eq!(kpis[0]["latest_value"], 62.0);
    assert_eq!(kpis[0]["status"], "on_target");
    assert_eq!(view.status, Status::Pending);

    measure(&mut s.ws, "2026-10", 49.0);
    let view = s.ws.request(&id.to_string()).expect("request");
    assert_eq!(
        view.status,
        Status::Stale,
        "a new breach changes what was reviewed"
    );
    assert!(
        view.changes.iter().any(|c| c.field == "kpis"),
        "{:?}",
        view.changes
    );
}

#[test]
fn the_snapshot_carries_the_latest_complete_assessment() {
    let mut s = setup();
    let mut eu = serde_json::json!({
        "annex1_product": "no", "annex3_applies": "yes", "annex3_4": ["4(a)"],
        "art6_3_claimed": "no", "art50_applies": "no", "profiling": "yes"
    });
    for p in ["a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h"] {
        eu[format!("art5_1_{p}")] = "no".into();
    }
    let serde_json::Value::Object(answers) = eu else {
        panic!("an object")
    };
    let a =
        s.ws.import_assessment(s.system, "eu-ai-act", answers)
            .expect("assessment");
    s.ws.complete_assessment(a.id).expect("complete");
    let (id, _) = s.request_file();
    let view = s.ws.request(&id.to_string()).expect("request");
    let assessment = view
        .request
        .snapshot
        .assessment
        .clone()
        .expect("the assessment is in the snapshot");
    assert_eq!(assessment["eu-ai-act"]["assessment"], a.id);
    assert!(
        assessment["eu-ai-act"]["result"]
            .to_string()
            .contains("high"),
        "{assessment}"
    );
}
