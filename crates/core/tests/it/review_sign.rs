//! Signing a review's outcome through the API: the board's request under the portfolio_review
//! rule, signature files from each member, N of M, the review becoming signed (and then fixed),
//! stale requests when a decision changes, every refusal, the attestation in the board pack and
//! the upgrade of older sign-off requests.

use std::path::Path;

use steward_core::api::review::DecisionInput;
use steward_core::api::signoff::sign_request;
use steward_core::api::{AuditQuery, Workspace};
use steward_core::error::Remedy;
use steward_core::register::RiskTier;
use steward_core::review::{Disposition, ReviewState};
use steward_core::sign::Signer;
use steward_core::signoff::{Decision, Gate, Role, RoleRequirement, RuleSpec, Status};

use crate::review_pack::portfolio;
use crate::support::{ctx, signer};

struct Board {
    legal: Signer,
    compliance: Signer,
    risk: Signer,
}

/// The board "Portfolio board" (legal, compliance, risk) and the portfolio_review rule at
/// `tier`: 2 of its 3 members, one of them legal.
fn board(ws: &mut Workspace, root: &Path, tier: RiskTier) -> Board {
    let b = Board {
        legal: signer(root, "Lena Legal", "General counsel"),
        compliance: signer(root, "Carl Compliance", "Head of compliance"),
        risk: signer(root, "Rita Risk", "Chief risk officer"),
    };
    ws.create_board("Portfolio board").expect("board");
    for (name, role, s) in [
        ("Lena Legal", Role::Legal, &b.legal),
        ("Carl Compliance", Role::Compliance, &b.compliance),
        ("Rita Risk", Role::Risk, &b.risk),
    ] {
        ws.add_board_member(
            "Portfolio board",
            name,
            role,
            s.certificate_info().pem.as_bytes(),
        )
        .expect("member");
    }
    ws.save_rule(
        Gate::PortfolioReview,
        tier,
        "Portfolio board",
        RuleSpec {
            roles: vec![RoleRequirement {
                role: Role::Legal,
                required: 1,
            }],
            quorum: 2,
            valid_days: 14,
        },
    )
    .expect("rule");
    b
}

/// `who` signs the request file of request `id` in `role` and the file is imported.
fn sign(ws: &mut Workspace, id: i64, who: &Signer, role: Role, decision: Decision) -> Status {
    let file = ws
        .export_request(&id.to_string(), who)
        .expect("request file");
    let sig = sign_request(
        &file,
        "request.json",
        who,
        role,
        decision,
        if decision == Decision::ApproveWithConditions {
            "Report the retraining budget monthly"
        } else {
            ""
        },
        ctx().clock.now(),
    )
    .expect("a member signs on their laptop");
    ws.import_signature(&sig, "signature.json")
        .expect("the signature imports")
        .status
}

#[test]
fn the_board_signs_a_decided_review_n_of_m_and_it_is_then_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = portfolio(&dir.path().join("ws"));
    let b = board(&mut ws, dir.path(), RiskTier::High);
    assert_eq!(
        ws.review("2026-Q3").expect("Q3").state,
        ReviewState::Decided
    );
    assert!(ws.review_signoff("2026-Q3").expect("none").is_none());

    let r = ws
        .request_review_signoff("2026-Q3", None)
        .expect("a decided review goes to the board");
    assert_eq!(r.status, Status::Pending);
    let d = &r.request;
    assert_eq!(d.gate, Gate::PortfolioReview);
    assert_eq!(d.review.as_deref(), Some("2026-Q3"));
    assert_eq!(d.system_id, None);
    assert_eq!(
        d.risk_tier,
        RiskTier::High,
        "the rule of the highest risk tier in scope (Fraud Screen)"
    );
    assert_eq!(d.members.len(), 3);
    // What is signed: the frozen snapshot's hash, the attendees, every decision and action.
    let outcome = ws.review_outcome("2026-Q3").expect("outcome");
    let v = ws.review("2026-Q3").expect("Q3");
    assert_eq!(Some(&outcome.snapshot_hash), v.snapshot_hash.as_ref());
    assert_eq!(outcome.decisions.len(), v.items.len());
    assert_eq!(outcome.attendees, v.header.attendees);
    assert_eq!(outcome.actions.len(), v.actions.len());
    assert_eq!(
        d.snapshot.review.as_ref(),
        Some(&serde_json::to_value(&outcome).expect("json")),
        "the request carries the outcome"
    );
    assert_eq!(d.snapshot.hash(), d.snapshot_hash);

    // A second request while one is pending is refused.
    let e = ws
        .request_review_signoff("2026-Q3", None)
        .expect_err("one pending request at a time");
    assert_eq!(e.code(), "conflict");

    // One approval of three: pending, the review is still decided.
    assert_eq!(
        sign(
            &mut ws,
            r.id,
            &b.compliance,
            Role::Compliance,
            Decision::Approve
        ),
        Status::Pending
    );
    assert_eq!(
        ws.review("2026-Q3").expect("Q3").state,
        ReviewState::Decided
    );
    // The second, legal, completes the rule (legal 1, quorum 2): approved and signed.
    assert_eq!(
        sign(
            &mut ws,
            r.id,
            &b.legal,
            Role::Legal,
            Decision::ApproveWithConditions
        ),
        Status::Approved
    );
    assert_eq!(ws.review("2026-Q3").expect("Q3").state, ReviewState::Signed);
    let s = ws
        .review_signoff("2026-Q3")
        .expect("read")
        .expect("the request");
    assert_eq!(s.id, r.id);
    assert_eq!(s.signatures.len(), 2);
    assert!(
        ws.signoff_actions().expect("actions").is_empty(),
        "conditions on a review's outcome stay on the signature: there is no one system to act on"
    );
    // The third member may still add their signature; the review stays signed.
    assert_eq!(
        sign(&mut ws, r.id, &b.risk, Role::Risk, Decision::Approve),
        Status::Approved
    );

    let log = ws
        .audit_log(&AuditQuery {
            entity: Some("review".into()),
            ..Default::default()
        })
        .expect("audit")
        .into_entries();
    assert_eq!(
        log.iter().filter(|e| e.action == "signed").count(),
        1,
        "signed once, audited"
    );

    // Signed: decisions, actions and further requests are refused; nothing changes.
    let e = ws
        .decide(
            "2026-Q3",
            "Doc Search",
            &DecisionInput {
                decision: Disposition::Retire,
                rationale: "late change".into(),
                dissent: Vec::new(),
                conditions: String::new(),
                budget: None,
            },
        )
        .expect_err("a signed review's decisions are fixed");
    assert_eq!(e.code(), "conflict");
    let e = ws
        .request_review_signoff("2026-Q3", None)
        .expect_err("signed already");
    assert_eq!(e.code(), "conflict");
    assert_eq!(
        ws.review_signoff("2026-Q3")
            .expect("read")
            .expect("request")
            .status,
        Status::Approved,
        "the outcome signed is the outcome kept"
    );

    // The board pack's attestation names the signers and the outcome's hash.
    let path = dir.path().join("pack.pdf");
    std::fs::write(&path, ws.review_pack_pdf("2026-Q3", None).expect("pack")).expect("write");
    let text = crate::identity::run_ok(
        dir.path(),
        "pdftotext",
        &["-enc", "UTF-8", path.to_str().expect("utf-8"), "-"],
    );
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Board sign-off",
        "Approved",
        "Lena Legal",
        "Carl Compliance",
        "Report the retraining budget monthly",
        &d.snapshot_hash[..16],
    ] {
        assert!(
            text.contains(expected),
            "the attestation shows {expected:?}: {text}"
        );
    }
}

#[test]
fn a_decision_changed_after_the_request_makes_it_stale() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = portfolio(&dir.path().join("ws"));
    let b = board(&mut ws, dir.path(), RiskTier::High);
    let r = ws.request_review_signoff("2026-Q3", None).expect("request");
    assert_eq!(
        sign(
            &mut ws,
            r.id,
            &b.compliance,
            Role::Compliance,
            Decision::Approve
        ),
        Status::Pending
    );
    let before = ws.review("2026-Q3").expect("Q3");
    let doc = before
        .items
        .iter()
        .find(|i| i.scorecard.system == "Doc Search")
        .and_then(|i| i.decision.clone())
        .expect("decided");
    ws.decide(
        "2026-Q3",
        "Doc Search",
        &DecisionInput {
            decision: doc.decision,
            rationale: format!("{} (restated)", doc.rationale),
            dissent: doc.dissent.clone(),
            conditions: doc.conditions.clone(),
            budget: doc.budget,
        },
    )
    .expect("a decided review's decisions may still change before it is signed");
    let now = ws.request(&r.id.to_string()).expect("request");
    assert_eq!(now.status, Status::Stale);
    assert_eq!(
        now.changes
            .iter()
            .map(|c| c.field.as_str())
            .collect::<Vec<_>>(),
        ["review.decisions"]
    );
    // An approval on the stale request does not sign the review.
    assert_eq!(
        sign(&mut ws, r.id, &b.legal, Role::Legal, Decision::Approve),
        Status::Stale
    );
    assert_eq!(
        ws.review("2026-Q3").expect("Q3").state,
        ReviewState::Decided
    );
    // A new request binds the outcome as it is now.
    let again = ws
        .request_review_signoff("2026-Q3", None)
        .expect("a stale request makes room for a new one");
    assert_ne!(again.request.snapshot_hash, r.request.snapshot_hash);
    assert_eq!(
        ws.review_signoff("2026-Q3")
            .expect("read")
            .expect("latest")
            .id,
        again.id
    );
}

#[test]
fn refusals_name_what_is_missing_and_change_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = portfolio(&dir.path().join("ws"));

    // No portfolio_review rule for the highest tier in scope.
    let e = ws
        .request_review_signoff("2026-Q3", None)
        .expect_err("no rule");
    assert_eq!(e.code(), "not_found");
    assert!(
        e.to_string().contains("portfolio_review at risk tier high"),
        "{e}"
    );
    assert_eq!(
        e.remedy(),
        Some(&Remedy::AddSignoffRule {
            gate: "portfolio_review".into(),
            tier: "high".into()
        })
    );
    // A rule for a lower tier is not enough.
    board(&mut ws, dir.path(), RiskTier::Low);
    assert_eq!(
        ws.request_review_signoff("2026-Q3", None)
            .expect_err("the high rule is missing")
            .code(),
        "not_found"
    );
    assert!(ws.review_signoff("2026-Q3").expect("read").is_none());

    // A review not yet decided has no outcome to sign.
    ws.create_review(&steward_core::api::review::ReviewDraft {
        period: "2026-Q4".into(),
        title: String::new(),
        held_on: chrono::NaiveDate::from_ymd_opt(2027, 1, 15).expect("date"),
        chair: "Dana Chair".into(),
        attendees: Vec::new(),
        scope: Default::default(),
    })
    .expect("draft");
    let e = ws
        .request_review_signoff("2026-Q4", None)
        .expect_err("a draft");
    assert_eq!(e.code(), "conflict");
    assert!(e.to_string().contains("draft"), "{e}");

    // The gate is the review's, not a system's.
    let e = ws
        .create_request("Doc Search", Gate::PortfolioReview, None, None)
        .expect_err("not for a system");
    assert_eq!(e.code(), "validation");
    assert!(ws.requests(None).expect("requests").is_empty());
}

#[test]
fn migration_0010_keeps_the_sign_off_requests_of_a_schema_9_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let c = crate::support::workspace_at_schema(dir.path(), 9);
    c.execute_batch(
        "INSERT INTO signoff_requests (id, uid, system_id, gate, doc, created_at)
             VALUES (7, 'aa11', 1, 'pre_deployment', '{}', '2026-01-01T00:00:00Z');
         INSERT INTO signoff_signatures (id, request_id, fingerprint, role, statement, cms,
             cms_sha256, imported_at, imported_by)
             VALUES (3, 7, 'ff', 'legal', '{}', x'00', 'c0ffee', '2026-01-02T00:00:00Z', 'Ann');",
    )
    .expect("a request and a signature as schema 9 keeps them");
    drop(c);
    let ws = Workspace::open_dir(dir.path(), ctx()).expect("the upgrade runs");
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION
    );
    drop(ws);
    let c = rusqlite::Connection::open(dir.path().join(steward_core::api::DB_FILE)).expect("open");
    let kept: (i64, String, Option<i64>, Option<i64>) = c
        .query_row(
            "SELECT id, uid, system_id, review_id FROM signoff_requests",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the request");
    assert_eq!(kept, (7, "aa11".into(), Some(1), None));
    let sig: i64 = c
        .query_row(
            "SELECT request_id FROM signoff_signatures WHERE id = 3",
            [],
            |r| r.get(0),
        )
        .expect("the signature");
    assert_eq!(sig, 7, "the signature still points at its request");
    c.pragma_update(None, "foreign_keys", "ON").expect("fk");
    let dangling: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("check");
    assert_eq!(dangling, 0);
    // A request names a system or a review, never neither.
    let e = c.execute(
        "INSERT INTO signoff_requests (uid, gate, doc, created_at) VALUES ('bb', 'x', '{}', 'now')",
        [],
    );
    assert!(e.is_err(), "the table's CHECK holds");
}
