//! The gates on every path: a new record at a stage beyond a gate (added, imported), a stage
//! change through an import (dry run and write), and the major-change gate on every major field
//! of a system in production, through edits, imports and an assessment's tier decision.

use std::path::{Path, PathBuf};

use steward_core::api::assess::TierChoice;
use steward_core::api::signoff::sign_request;
use steward_core::api::Workspace;
use steward_core::error::Remedy;
use steward_core::register::{
    AiSystem, DataSensitivity, EuAiActCategory, RegulatedDomain, RiskTier, Sourcing, Stage,
    SystemDraft, SystemQuery,
};
use steward_core::sign::Signer;
use steward_core::signoff::{Decision, Gate, Role, RoleRequirement, RuleSpec, Status};
use steward_core::Error;

use crate::support::{ctx, draft, workspace};

struct Setup {
    _dir: tempfile::TempDir,
    root: PathBuf,
    ws: Workspace,
    ann: Signer,
    bob: Signer,
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

/// A workspace with board "Model board" (Ann legal, Bob compliance), a pre-deployment rule for
/// high risk (legal 1, compliance 1) and a major-change rule for medium risk (legal 1).
fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let mut ws = workspace(&root.join("data"));
    let ann = crate::support::signer(&root, "Ann Legal", "Board member");
    let bob = crate::support::signer(&root, "Bob Compliance", "Board member");
    ws.create_board("Model board").expect("board");
    for (name, role, s) in [
        ("Ann Legal", Role::Legal, &ann),
        ("Bob Compliance", Role::Compliance, &bob),
    ] {
        ws.add_board_member(
            "Model board",
            name,
            role,
            s.certificate_info().pem.as_bytes(),
        )
        .expect("member");
    }
    ws.save_rule(
        Gate::PreDeployment,
        RiskTier::High,
        "Model board",
        rule(&[(Role::Legal, 1), (Role::Compliance, 1)], 2),
    )
    .expect("pre-deployment rule");
    ws.save_rule(
        Gate::MajorChange,
        RiskTier::Medium,
        "Model board",
        rule(&[(Role::Legal, 1)], 1),
    )
    .expect("major-change rule");
    Setup {
        _dir: dir,
        root,
        ws,
        ann,
        bob,
    }
}

impl Setup {
    /// Has the request approved: Ann exports it, then Ann (legal) and, when the rule asks for
    /// compliance, Bob approve.
    fn approve(&mut self, id: i64, roles: &[Role]) {
        let file = self
            .ws
            .export_request(&id.to_string(), &self.ann)
            .expect("export");
        for role in roles {
            let who = if *role == Role::Legal {
                &self.ann
            } else {
                &self.bob
            };
            let sig = sign_request(
                &file,
                "request.json",
                who,
                *role,
                Decision::Approve,
                "",
                ctx().clock.now(),
            )
            .expect("signs");
            self.ws.import_signature(&sig, "sig.json").expect("imports");
        }
        assert_eq!(
            self.ws.request(&id.to_string()).expect("view").status,
            Status::Approved
        );
    }

    /// A medium-risk system in production (no pre-deployment rule for medium: that gate is
    /// open), whose major changes the major-change rule governs.
    fn live(&mut self, name: &str) -> AiSystem {
        let mut d = draft(name);
        d.stage = Staging;
        d.model_approach = "gradient boosting".into();
        d.purpose = "Predicts churn".into();
        let id = self.ws.add_system(d).expect("add").id;
        self.ws.set_stage(id, Production).expect("promote")
    }

    fn audit_len(&self) -> i64 {
        self.ws.verify_audit().expect("verify").chain.length
    }

    fn csv(&self, name: &str, text: &str) -> PathBuf {
        let p = self.root.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }
}

use Stage::{Production, Staging};

/// The gate's error: its fields and message, with the remedy attached.
fn gate_error(e: &Error) -> (&[String], &str, Option<&Remedy>) {
    match e.inner() {
        Error::Gate {
            fields, message, ..
        } => (fields, message, e.remedy()),
        other => panic!("a gate's refusal, not {other:?}"),
    }
}

#[test]
fn a_new_system_cannot_be_added_beyond_a_gate_in_force() {
    let mut s = setup();
    let before = s.audit_len();
    for stage in [Production, Stage::Deprecated] {
        let mut d = draft("Fraud Scorer");
        d.risk_tier = RiskTier::High;
        d.stage = stage;
        d.deployment_date = Some(went_live());
        let e = s.ws.add_system(d).expect_err("no sign-off can exist yet");
        assert_eq!(e.code(), "gate");
        let (fields, message, remedy) = gate_error(&e);
        assert_eq!(fields, ["stage"], "about the stage");
        let head = format!("Fraud Scorer cannot be added at stage {stage}");
        for want in [
            head.as_str(),
            "the workspace's pre_deployment rule for risk tier high (board \"Model board\")",
            "add it at an earlier stage",
            "open a pre-deployment sign-off request",
        ] {
            assert!(message.contains(want), "names {want:?}: {message}");
        }
        assert_eq!(
            remedy,
            Some(&Remedy::AddAtEarlierStage {
                system: "Fraud Scorer".into(),
                stage: stage.key().into()
            })
        );
    }
    assert_eq!(s.audit_len(), before, "nothing was written");
    assert!(s
        .ws
        .list_systems(&SystemQuery::default())
        .expect("list")
        .is_empty());

    // The way through: an earlier stage, the sign-off, then the move.
    let mut d = draft("Fraud Scorer");
    d.risk_tier = RiskTier::High;
    d.stage = Staging;
    let id = s.ws.add_system(d).expect("staging is before the gate").id;
    crate::support::meet_evidence_policy(&mut s.ws, id);
    let r =
        s.ws.create_request("Fraud Scorer", Gate::PreDeployment, None, None)
            .expect("request");
    s.approve(r.id, &[Role::Legal, Role::Compliance]);
    s.ws.set_stage(id, Production).expect("approved: it moves");

    // Where no rule is in force for the tier, the pre-deployment gate stays open.
    let mut d = draft("Chat helper");
    d.risk_tier = RiskTier::Low;
    d.stage = Production;
    d.deployment_date = Some(went_live());
    s.ws.add_system(d)
        .expect("no pre-deployment rule for low risk");
}

#[test]
fn a_new_system_cannot_be_added_retired_even_without_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    assert!(ws.rules().expect("rules").is_empty(), "no rule at all");
    let mut d = draft("Old Scorer");
    d.stage = Stage::Retired;
    let e = ws.add_system(d).expect_err("no checklist can exist yet");
    let (fields, message, remedy) = gate_error(&e);
    assert_eq!(fields, ["stage"]);
    assert!(
        message.starts_with("Old Scorer cannot be added as retired")
            && message.contains("decommissioning checklist"),
        "{message}"
    );
    assert_eq!(
        remedy,
        Some(&Remedy::AddAtEarlierStage {
            system: "Old Scorer".into(),
            stage: "retired".into()
        })
    );
    assert_eq!(
        ws.verify_audit().expect("verify").chain.length,
        0,
        "nothing written"
    );
}

const HEADER: &str = "Name,Business unit,Owner,Stage,Risk tier,Deployment date\n";

/// When the systems added in production went live (before the clock's today).
fn went_live() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date")
}

#[test]
fn an_import_cannot_add_rows_beyond_a_gate_and_its_dry_run_says_where() {
    let mut s = setup();
    let csv = s.csv(
        "new.csv",
        &format!(
            "{HEADER}Chat helper,Retail,Ann,production,low,2026-10-01\n\
             Fraud Scorer,Retail,Ann,Live,high,2026-10-01\nOld Scorer,Retail,Ann,retired,low,\n"
        ),
    );
    let before = s.audit_len();
    let plan = s.ws.plan_import_systems(&csv).expect("plans");
    let located: Vec<(Option<u32>, Option<&str>, Option<&str>)> = plan
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_deref(), p.value.as_deref()))
        .collect();
    assert_eq!(
        located,
        [
            (Some(3), Some("D (Stage)"), Some("Live")),
            (Some(4), Some("D (Stage)"), Some("retired")),
        ],
        "the high-risk row at production and the retired row, at their stage cells: {:#?}",
        plan.problems
    );
    assert!(
        plan.problems[0]
            .message
            .contains("pre_deployment rule for risk tier high"),
        "{}",
        plan.problems[0].message
    );
    assert!(plan.problems.iter().all(|p| p.file.ends_with("new.csv")));
    let e =
        s.ws.import_systems(&csv, true)
            .expect_err("the dry run refuses");
    assert_eq!(e.code(), "import");
    let e =
        s.ws.import_systems(&csv, false)
            .expect_err("the import refuses");
    let Error::Import { problems } = &e else {
        panic!("{e}")
    };
    assert_eq!(
        problems, &plan.problems,
        "the write refuses what the dry run said"
    );
    assert_eq!(s.audit_len(), before, "nothing was written");
    assert!(s
        .ws
        .list_systems(&SystemQuery::default())
        .expect("list")
        .is_empty());

    // The low-risk row alone: no rule, no gate.
    let ok = s.csv(
        "ok.csv",
        &format!("{HEADER}Chat helper,Retail,Ann,production,low,2026-10-01\n"),
    );
    s.ws.import_systems(&ok, false)
        .expect("no pre-deployment rule for low risk");
}

#[test]
fn an_imported_update_to_production_passes_the_same_gate_in_its_dry_run() {
    let mut s = setup();
    let mut d = draft("Fraud Scorer");
    d.risk_tier = RiskTier::High;
    d.stage = Staging;
    let id = s.ws.add_system(d).expect("add").id;
    crate::support::meet_evidence_policy(&mut s.ws, id);
    let csv = s.csv(
        "promote.csv",
        &format!("{HEADER}Fraud Scorer,Retail,Ann Owner,production,high,2026-11-02\n"),
    );
    let plan = s.ws.plan_import_systems(&csv).expect("plans");
    assert_eq!(plan.problems.len(), 1, "{:#?}", plan.problems);
    let p = &plan.problems[0];
    assert_eq!(
        (p.row, p.column.as_deref(), p.value.as_deref()),
        (Some(2), Some("D (Stage)"), Some("production"))
    );
    assert!(
        p.message
            .contains("Fraud Scorer cannot move from staging to production")
            && p.message.contains("there is no request yet"),
        "{}",
        p.message
    );
    let r =
        s.ws.create_request("Fraud Scorer", Gate::PreDeployment, None, None)
            .expect("request");
    s.approve(r.id, &[Role::Legal, Role::Compliance]);
    let plan = s.ws.plan_import_systems(&csv).expect("plans");
    assert_eq!(plan.problems, [], "approved: the dry run is clean");
    s.ws.import_systems(&csv, false)
        .expect("and the import promotes");
    assert_eq!(s.ws.system(id).expect("system").draft.stage, Production);
}

/// A change of a draft.
type Edit = fn(&mut SystemDraft);

/// Each major field, and a value for it different from `live`'s.
fn major_edits() -> Vec<(&'static str, Edit)> {
    vec![
        ("purpose", |d| {
            d.purpose = "Predicts churn and prices renewals".into()
        }),
        ("sourcing", |d| {
            d.sourcing = Sourcing::Vendor;
            d.vendor = "Acme".into();
        }),
        ("model_approach", |d| d.model_approach = "LLM".into()),
        ("regulated_domain", |d| {
            d.regulated_domain = RegulatedDomain::Finance
        }),
        ("eu_ai_act_category", |d| {
            d.eu_ai_act_category = Some(EuAiActCategory::HighRisk)
        }),
        ("risk_tier", |d| d.risk_tier = RiskTier::High),
        ("data_sensitivity", |d| {
            d.data_sensitivity = DataSensitivity::Restricted
        }),
        ("last_retrained", |d| {
            // The day it went live (the clock's today): not before deployment, not after today.
            d.last_retrained = Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"))
        }),
        ("model_version", |d| d.model_version = "2.0".into()),
    ]
}

#[test]
fn every_major_change_of_a_production_system_needs_its_approved_sign_off() {
    let mut s = setup();
    let mut covered: Vec<&str> = Vec::new();
    for (i, (field, edit)) in major_edits().into_iter().enumerate() {
        let sys = s.live(&format!("Churn {i}"));
        let mut d = sys.draft.clone();
        edit(&mut d);
        let before = s.audit_len();
        let e =
            s.ws.update_system(sys.id, d.clone())
                .expect_err("a major change without a sign-off");
        let (fields, message, remedy) = gate_error(&e);
        // Vendor goes with sourcing: a vendor's system names its vendor.
        let expected: Vec<&str> = if field == "sourcing" {
            vec!["sourcing", "vendor"]
        } else {
            vec![field]
        };
        assert_eq!(fields, expected, "{field}");
        covered.extend(&expected);
        assert!(
            message.contains(&format!(
                "Churn {i} is in production and this change of it is major"
            )) && message.contains("the workspace has a major_change rule for risk tier medium")
                && message.contains("there is no request yet"),
            "{field}: {message}"
        );
        assert_eq!(
            remedy,
            Some(&Remedy::ProposeMajorChange {
                system: format!("Churn {i}"),
                fields: expected.iter().map(|f| f.to_string()).collect(),
            })
        );
        assert_eq!(s.audit_len(), before, "{field}: nothing was written");

        let r =
            s.ws.create_request(&sys.draft.name, Gate::MajorChange, None, Some(d.clone()))
                .expect("a request proposing exactly that change");
        assert_eq!(r.status, Status::Pending, "{field}: waiting, not stale");
        let proposed: Vec<&str> = r
            .request
            .proposed
            .as_deref()
            .expect("the proposal is in the request")
            .iter()
            .map(|c| c.field.as_str())
            .collect();
        assert_eq!(proposed, expected, "{field}");
        let e =
            s.ws.update_system(sys.id, d.clone())
                .expect_err("pending: still refused");
        assert!(
            e.to_string()
                .contains(&format!("request {} is pending", r.id)),
            "{e}"
        );
        s.approve(r.id, &[Role::Legal]);
        let saved =
            s.ws.update_system(sys.id, d.clone())
                .unwrap_or_else(|e| panic!("{field}: approved, the change is saved: {e}"));
        assert_eq!(saved.draft, d);
        assert_eq!(
            s.ws.request(&r.id.to_string()).expect("view").status,
            Status::Approved,
            "{field}: once made, the change is what was approved"
        );
    }
    let mut all: Vec<&str> = steward_core::signoff::MAJOR_FIELDS.to_vec();
    all.sort_unstable();
    covered.sort_unstable();
    covered.dedup();
    assert_eq!(covered, all, "every major field is tested");
}

#[test]
fn an_approved_change_opens_the_gate_for_that_change_only() {
    let mut s = setup();
    let sys = s.live("Churn");
    let mut approved = sys.draft.clone();
    approved.purpose = "Predicts churn and prices renewals".into();
    let r =
        s.ws.create_request("Churn", Gate::MajorChange, None, Some(approved.clone()))
            .expect("request");
    s.approve(r.id, &[Role::Legal]);

    // Another value of the same field, or the approved one with another major field.
    let mut other = sys.draft.clone();
    other.purpose = "Predicts churn and fraud".into();
    let e =
        s.ws.update_system(sys.id, other)
            .expect_err("not what was approved");
    let (_, message, _) = gate_error(&e);
    assert!(
        message.contains(&format!(
            "request {} (approved) is for a different change: the record would differ from it in system.purpose",
            r.id
        )),
        "{message}"
    );
    let mut more = approved.clone();
    more.model_approach = "LLM".into();
    let e =
        s.ws.update_system(sys.id, more)
            .expect_err("more than was approved");
    let (fields, message, _) = gate_error(&e);
    assert_eq!(fields, ["purpose", "model_approach"]);
    assert!(
        message.contains("differ from it in system.model_approach"),
        "{message}"
    );

    // A change that is not major is free, and makes the approved proposal stale.
    let mut minor = sys.draft.clone();
    minor.owner = "Liam O'Connor".into();
    minor.tags = vec!["retention".into()];
    minor.annual_value = Some(120_000.0);
    s.ws.update_system(sys.id, minor.clone())
        .expect("owner, tags and value need no sign-off");
    let v = s.ws.request(&r.id.to_string()).expect("view");
    assert_eq!(
        v.status,
        Status::Stale,
        "the record moved under the proposal"
    );
    let changed: Vec<&str> = v.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        changed,
        ["system.annual_value", "system.owner", "system.tags"]
    );
    let mut late = minor.clone();
    late.purpose = approved.purpose.clone();
    assert!(
        s.ws.update_system(sys.id, late).is_err(),
        "the approval was for the record as it was"
    );
}

#[test]
fn without_a_major_change_rule_major_changes_are_free() {
    let mut s = setup();
    let mut d = draft("Chat helper");
    d.risk_tier = RiskTier::Low;
    d.stage = Production;
    d.deployment_date = Some(went_live());
    let sys = s.ws.add_system(d).expect("add");
    for (field, edit) in major_edits() {
        let mut d = s.ws.system(sys.id).expect("system").draft;
        edit(&mut d);
        s.ws.update_system(sys.id, d)
            .unwrap_or_else(|e| panic!("{field}: no rule for low risk: {e}"));
    }
}

#[test]
fn a_major_change_request_proposes_a_major_change_of_a_system_in_service() {
    let mut s = setup();
    let sys = s.live("Churn");
    let check = |ws: &mut Workspace, gate: Gate, proposed: Option<SystemDraft>, want: &str| {
        let e = ws
            .create_request("Churn", gate, None, proposed)
            .expect_err("refused");
        assert!(e.to_string().contains(want), "{want:?}: {e}");
    };
    check(
        &mut s.ws,
        Gate::MajorChange,
        None,
        "give the proposed value",
    );
    let mut minor = sys.draft.clone();
    minor.owner = "Someone".into();
    check(
        &mut s.ws,
        Gate::MajorChange,
        Some(minor),
        "changes no major field",
    );
    let mut moved = sys.draft.clone();
    moved.purpose = "x".into();
    moved.stage = Stage::Deprecated;
    check(
        &mut s.ws,
        Gate::MajorChange,
        Some(moved),
        "not part of a proposed change",
    );
    let mut bad = sys.draft.clone();
    bad.owner = String::new();
    bad.purpose = "x".into();
    check(&mut s.ws, Gate::MajorChange, Some(bad), "owner");
    let mut d = sys.draft.clone();
    d.purpose = "x".into();
    check(
        &mut s.ws,
        Gate::PreDeployment,
        Some(d),
        "only a major-change request proposes values",
    );
    let mut staged = draft("In staging");
    staged.stage = Staging;
    s.ws.add_system(staged.clone()).expect("add");
    staged.purpose = "x".into();
    let e =
        s.ws.create_request("In staging", Gate::MajorChange, None, Some(staged))
            .expect_err("not in service");
    assert!(e.to_string().contains("is in staging"), "{e}");
    assert!(
        s.ws.requests(None).expect("requests").is_empty(),
        "none was opened"
    );
}

#[test]
fn an_imported_major_change_passes_the_same_gate() {
    let mut s = setup();
    let sys = s.live("Churn");
    let csv = s.csv(
        "change.csv",
        "Name,Business unit,Owner,Stage,Risk tier,Model approach\n\
         Churn,Retail,Ann Owner,production,medium,LLM\n",
    );
    let plan = s.ws.plan_import_systems(&csv).expect("plans");
    assert_eq!(plan.problems.len(), 1, "{:#?}", plan.problems);
    let p = &plan.problems[0];
    assert_eq!(
        (p.row, p.column.as_deref(), p.value.as_deref()),
        (Some(2), Some("F (Model approach)"), Some("LLM")),
        "located at the major field's cell"
    );
    assert!(
        p.message.contains("major (model approach)"),
        "{}",
        p.message
    );
    assert!(s.ws.import_systems(&csv, false).is_err());
    let mut d = sys.draft.clone();
    d.model_approach = "LLM".into();
    let r =
        s.ws.create_request("Churn", Gate::MajorChange, None, Some(d))
            .expect("request");
    s.approve(r.id, &[Role::Legal]);
    s.ws.import_systems(&csv, false)
        .expect("approved: imported");
    assert_eq!(
        s.ws.system(sys.id).expect("system").draft.model_approach,
        "LLM"
    );
}

#[test]
fn an_assessment_tier_decision_passes_the_major_change_gate() {
    let mut s = setup();
    let sys = s.live("Churn");
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/assess/aia-level-4.json");
    let answers = steward_core::assess::read_answers_file(&path).expect("fixture");
    let a =
        s.ws.import_assessment(sys.id, "aia", answers)
            .expect("imports");
    let a = s.ws.complete_assessment(a.id).expect("completes");
    let tier = a.result.suggested_risk_tier().expect("a suggested tier");
    assert_ne!(tier, RiskTier::Medium, "the decision changes the tier");
    let accept = || TierChoice {
        accept: true,
        risk_tier: None,
        eu_ai_act_category: None,
        reason: String::new(),
    };
    let e =
        s.ws.decide_assessment(a.id, accept())
            .expect_err("a major change");
    assert_eq!(e.code(), "gate", "{e}");
    assert!(
        s.ws.assessment(a.id).expect("view").decision.is_none(),
        "nothing was recorded"
    );
    let mut d = sys.draft.clone();
    d.risk_tier = tier;
    let r =
        s.ws.create_request("Churn", Gate::MajorChange, None, Some(d))
            .expect("request");
    s.approve(r.id, &[Role::Legal]);
    s.ws.decide_assessment(a.id, accept())
        .expect("approved: decided");
    assert_eq!(s.ws.system(sys.id).expect("system").draft.risk_tier, tier);
}
