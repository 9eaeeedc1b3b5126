use chrono::NaiveDate;

use super::*;

fn m(name: &str, role: Role, fp: &str) -> Member {
    Member {
        name: name.into(),
        role,
        fingerprint: fp.into(),
    }
}

/// Legal: ann, bob; compliance: cat; risk: dan, eve; business owner: fay (also the owner).
fn board() -> Vec<Member> {
    vec![
        m("Ann", Role::Legal, "a"),
        m("Bob", Role::Legal, "b"),
        m("Cat", Role::Compliance, "c"),
        m("Dan", Role::Risk, "d"),
        m("Eve", Role::Risk, "e"),
        m("Fay", Role::BusinessOwner, "f"),
    ]
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
        valid_days: 30,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("a date")
}

/// Votes as "fingerprint:role-key:decision-key".
fn votes(spec: &[&str]) -> Vec<Vote> {
    spec.iter()
        .map(|s| {
            let p: Vec<&str> = s.split(':').collect();
            Vote {
                fingerprint: p[0].into(),
                role: Role::parse(p[1]).expect("role"),
                decision: Decision::parse(p[2]).expect("decision"),
            }
        })
        .collect()
}

#[test]
fn status_follows_quorum_n_of_m_and_rejection() {
    let standard = rule(&[(Role::Legal, 1), (Role::Compliance, 1)], 3);
    let two_legal = rule(&[(Role::Legal, 2)], 2);
    let check = |r: &RuleSpec, v: &[&str], expected: Status, why: &str| {
        let got = status(r, &board(), &votes(v), "h", "h", day(20), day(10));
        assert_eq!(got, expected, "{why}: votes {v:?}");
    };
    check(&standard, &[], Status::Pending, "no signatures yet");
    check(
        &standard,
        &["a:legal:approve", "c:compliance:approve"],
        Status::Pending,
        "roles met but quorum 3 not reached",
    );
    check(
        &standard,
        &["a:legal:approve", "c:compliance:approve", "d:risk:approve"],
        Status::Approved,
        "roles met and quorum reached",
    );
    check(
        &standard,
        &["a:legal:approve", "b:legal:approve", "d:risk:approve"],
        Status::Pending,
        "quorum reached but compliance missing",
    );
    check(
        &standard,
        &[
            "a:legal:approve",
            "c:compliance:approve_with_conditions",
            "d:risk:approve",
        ],
        Status::Approved,
        "approval with conditions counts",
    );
    check(
        &standard,
        &[
            "a:legal:approve",
            "c:compliance:approve",
            "d:risk:approve",
            "e:risk:reject",
        ],
        Status::Rejected,
        "one rejection rejects, whatever else",
    );
    check(
        &standard,
        &["e:risk:reject"],
        Status::Rejected,
        "a lone rejection rejects",
    );
    check(
        &two_legal,
        &["a:legal:approve", "d:risk:approve"],
        Status::Pending,
        "legal needs 2 of 2",
    );
    check(
        &two_legal,
        &["a:legal:approve", "b:legal:approve"],
        Status::Approved,
        "2 of 2 legal",
    );
    check(
        &two_legal,
        &["a:legal:approve", "a:legal:approve"],
        Status::Pending,
        "the same person twice counts once",
    );
}

#[test]
fn stale_wins_and_expiry_applies_only_without_a_decision() {
    let r = rule(&[(Role::Legal, 1)], 1);
    let approved = votes(&["a:legal:approve"]);
    let check = |v: &[Vote], current: &str, today: NaiveDate, expected: Status, why: &str| {
        assert_eq!(
            status(&r, &board(), v, "h", current, day(20), today),
            expected,
            "{why}"
        );
    };
    check(
        &approved,
        "other",
        day(10),
        Status::Stale,
        "the record changed after signing",
    );
    check(
        &[],
        "other",
        day(10),
        Status::Stale,
        "the record changed before anyone signed",
    );
    check(
        &[],
        "h",
        day(21),
        Status::Expired,
        "past the deadline, nobody signed",
    );
    check(
        &[],
        "h",
        day(20),
        Status::Pending,
        "the deadline day itself is still open",
    );
    check(
        &approved,
        "h",
        day(25),
        Status::Approved,
        "an approval stays approved after the deadline",
    );
}

#[test]
fn unsatisfiable_rules_say_why() {
    let check = |r: RuleSpec, excluded: &[&str], expected: &[&str]| {
        let ex: Vec<String> = excluded.iter().map(|s| s.to_string()).collect();
        let got = unsatisfiable(&r, &board(), &ex);
        let got: Vec<String> = got
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect();
        assert_eq!(got.len(), expected.len(), "problems: {got:?}");
        for (g, e) in got.iter().zip(expected) {
            assert!(g.contains(e), "{g:?} should contain {e:?}");
        }
    };
    check(
        rule(&[(Role::Legal, 2), (Role::Compliance, 1)], 3),
        &[],
        &[],
    );
    check(
        rule(&[(Role::Legal, 3)], 3),
        &[],
        &["roles[0]: 3 legal of 2 required but the board has 2 legal members"],
    );
    check(
        rule(&[(Role::DataProtection, 1)], 1),
        &[],
        &["roles[0]: 1 data_protection of 0 required"],
    );
    check(
        rule(&[(Role::Legal, 1)], 7),
        &[],
        &["quorum: 7 approvals required but only 6 board members"],
    );
    check(
        rule(&[(Role::Legal, 0)], 1),
        &[],
        &["roles[0]: legal: 0 signers required"],
    );
    check(
        rule(&[(Role::Legal, 1), (Role::Legal, 1)], 1),
        &[],
        &["roles[1]: legal is listed twice"],
    );
    check(rule(&[], 0), &[], &["quorum: must be at least 1"]);
    check(
        rule(&[(Role::BusinessOwner, 1)], 1),
        &["fay"],
        &["roles[0]: 1 business_owner of 1 required but the board has 0 business_owner members who can approve (1 of them may not approve this system: Fay is the system's owner"],
    );
    check(
        rule(&[(Role::Legal, 1)], 6),
        &["Ann"],
        &["quorum: 6 approvals required but only 5"],
    );
}

#[test]
fn diff_names_each_changed_field() {
    let mut sys = crate::register::AiSystem {
        id: 7,
        draft: crate::register::SystemDraft::new("Scorer"),
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    };
    let before = Snapshot::of(&sys);
    sys.draft.stage = crate::register::Stage::Staging;
    sys.updated_at = "2026-02-01T00:00:00Z".into();
    assert_eq!(
        Snapshot::of(&sys).hash(),
        before.hash(),
        "stage and timestamps are not under review: moving a system does not make its sign-off stale"
    );
    sys.draft.owner = "Maria Okafor".into();
    sys.draft.tags = vec!["credit".into()];
    let changes = diff(&before, &Snapshot::of(&sys));
    assert_eq!(
        changes,
        vec![
            FieldChange {
                field: "system.owner".into(),
                signed: Some("\"\"".into()),
                now: Some("\"Maria Okafor\"".into())
            },
            FieldChange {
                field: "system.tags".into(),
                signed: Some("[]".into()),
                now: Some("[\"credit\"]".into())
            },
        ],
        "each changed field, with the value signed and the value now"
    );
    assert_ne!(
        Snapshot::of(&sys).hash(),
        before.hash(),
        "a content change changes the hash"
    );
}

fn check_form(
    roles: &str,
    quorum: &str,
    days: &str,
    expected: Result<RuleSpec, Vec<(&str, &str)>>,
) {
    let form = RuleForm {
        roles: roles.into(),
        quorum: quorum.into(),
        valid_days: days.into(),
    };
    match (form.parse(), expected) {
        (Ok(got), Ok(want)) => assert_eq!(got, want, "{form:?}"),
        (Err(crate::Error::Validation { fields, .. }), Err(want)) => {
            assert_eq!(fields.len(), want.len(), "{fields:?}");
            for ((f, m), got) in want.iter().zip(&fields) {
                assert_eq!(got.field, *f, "{fields:?}");
                assert!(got.message.contains(m), "{:?} names {m:?}", got.message);
            }
        }
        (got, want) => panic!("{form:?}: got {got:?}, expected {want:?}"),
    }
}

#[test]
fn a_typed_rule_is_read_by_one_parser_naming_each_bad_field() {
    let req = |role, required| RoleRequirement { role, required };
    check_form(
        "legal=1, compliance=2",
        "2",
        " 30 ",
        Ok(RuleSpec {
            roles: vec![req(Role::Legal, 1), req(Role::Compliance, 2)],
            quorum: 2,
            valid_days: 30,
        }),
    );
    check_form(
        "risk=1;data_protection=1",
        "1",
        "7",
        Ok(RuleSpec {
            roles: vec![req(Role::Risk, 1), req(Role::DataProtection, 1)],
            quorum: 1,
            valid_days: 7,
        }),
    );
    check_form("legal", "1", "7", Err(vec![("roles", "is not ROLE=N")]));
    check_form(
        "legal=x",
        "1",
        "7",
        Err(vec![("roles", "not a whole number of signers")]),
    );
    check_form(
        "auditor=1",
        "1",
        "7",
        Err(vec![("roles", "legal, compliance, risk, business_owner")]),
    );
    check_form("", "1", "7", Err(vec![("roles", "name at least one role")]));
    check_form(
        "legal=1",
        "two",
        "-1",
        Err(vec![
            ("quorum", "not a whole number of approvals"),
            ("valid_days", "not a whole number of days"),
        ]),
    );
}

/// A record as a Steward without the portfolio-review fields stored and signed it.
fn record_signed_before_review_fields() -> crate::register::AiSystem {
    use crate::register::*;
    let mut d = SystemDraft::new("Credit Default Scorer");
    d.purpose = "Estimates probability of default".into();
    d.business_unit = "Retail Lending".into();
    d.owner = "Maria Okafor".into();
    d.technical_lead = "Tomás Lindqvist".into();
    d.stage = Stage::Production;
    d.regulated_domain = RegulatedDomain::Finance;
    d.eu_ai_act_category = Some(EuAiActCategory::HighRisk);
    d.risk_tier = RiskTier::High;
    d.deployment_date = NaiveDate::from_ymd_opt(2023, 3, 14);
    d.certifications = vec![Certification {
        name: "ISO/IEC 42001".into(),
        expires: day(31),
    }];
    d.tags = vec!["credit".into(), "scoring".into()];
    AiSystem {
        id: 1,
        draft: d,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

/// The hash and canonical JSON of [`record_signed_before_review_fields`] as computed before the
/// record had sponsor, last retrained, annual value, data readiness and strategic alignment.
/// Requests signed then are bound to these bytes: never update these constants.
const SIGNED_BEFORE_REVIEW_FIELDS: &str =
    "eade222f4dc93e77360556c672b53761614903914dc41d16e1543842c3329268";
const RECORD_BEFORE_REVIEW_FIELDS: &str = r#"{"assumptions":[],"business_unit":"Retail Lending","certifications":[{"expires":"2026-03-31","name":"ISO/IEC 42001"}],"created_at":"2026-01-01T00:00:00Z","data_sensitivity":"internal","datasets":[],"deployment_date":"2023-03-14","eu_ai_act_category":"high_risk","id":1,"model_approach":"","name":"Credit Default Scorer","owner":"Maria Okafor","purpose":"Estimates probability of default","regulated_domain":"finance","risk_tier":"high","sourcing":"in_house","stage":"production","tags":["credit","scoring"],"technical_lead":"Tomás Lindqvist","updated_at":"2026-01-01T00:00:00Z","vendor":""}"#;

#[test]
fn review_fields_left_empty_keep_signed_requests_fresh() {
    use crate::register::{AiSystem, SystemDraft};
    let old = record_signed_before_review_fields();
    assert_eq!(
        crate::audit::canonical_json(&old),
        RECORD_BEFORE_REVIEW_FIELDS,
        "an unset review field adds no key to the record's canonical JSON"
    );
    assert_eq!(
        Snapshot::of(&old).hash(),
        SIGNED_BEFORE_REVIEW_FIELDS,
        "a request signed before the review fields existed is not stale"
    );
    let blank = serde_json::to_value(SystemDraft::new("x")).expect("a draft serializes");
    for key in [
        "sponsor",
        "last_retrained",
        "annual_value",
        "data_readiness",
        "strategic_alignment",
    ] {
        assert!(
            blank.get(key).is_none(),
            "a new draft has no {key} key in its JSON"
        );
    }
    let read: AiSystem =
        serde_json::from_str(RECORD_BEFORE_REVIEW_FIELDS).expect("an older record reads");
    assert_eq!(
        read, old,
        "an older record reads with the review fields missing"
    );

    let mut set = old.clone();
    set.draft.sponsor = "Helen Carter".into();
    set.draft.data_readiness = Some(4);
    assert_eq!(
        diff(&Snapshot::of(&old), &Snapshot::of(&set))
            .into_iter()
            .map(|c| (c.field, c.signed, c.now))
            .collect::<Vec<_>>(),
        vec![
            (
                "system.data_readiness".to_string(),
                None,
                Some("4".to_string())
            ),
            (
                "system.sponsor".to_string(),
                None,
                Some("\"Helen Carter\"".to_string())
            ),
        ],
        "setting a review field is a change under review, named in the diff"
    );
}
