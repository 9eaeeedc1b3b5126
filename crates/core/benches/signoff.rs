//! Sign-offs at scale: listing 200 requests with their computed status (each stored signature's
//! CMS is checked on every read), signing one request file, and the pure status of a large
//! rule. Run with `cargo bench -p steward-core --bench signoff`.

use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use steward_core::api::signoff::sign_request;
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::identity::{self, Profile};
use steward_core::register::{RiskTier, Stage, SystemDraft};
use steward_core::sign::Signer;
use steward_core::signoff::{self, Decision, Gate, Member, Role, RoleRequirement, RuleSpec, Vote};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time")
}

static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().expect("temp dir"));

fn signer(name: &str) -> Signer {
    let dir = DIR.path().join(name);
    let p = Profile {
        name: name.into(),
        role: "Board".into(),
        organisation: "Acme".into(),
        email: String::new(),
    };
    identity::init(&dir, &p, "bench passphrase", at()).expect("identity");
    identity::unlock(&dir, "bench passphrase", at()).expect("unlock")
}

struct Fixture {
    ws: Mutex<Workspace>,
    bob: Signer,
    request_file: Vec<u8>,
}

/// 200 high-risk systems, each with a pre-deployment request signed by Ann (legal) and Bob
/// (compliance), in an in-memory workspace.
static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let (ann, bob) = (signer("Ann"), signer("Bob"));
    let ctx = Context::new("bench", Arc::new(FixedClock(at())));
    let mut ws = Workspace::in_memory(ctx).expect("workspace");
    ws.create_board("Board").expect("board");
    let pem = |s: &Signer| s.certificate_info().pem.into_bytes();
    ws.add_board_member("Board", "Ann", Role::Legal, &pem(&ann))
        .expect("ann");
    ws.add_board_member("Board", "Bob", Role::Compliance, &pem(&bob))
        .expect("bob");
    let rule = RuleSpec {
        roles: vec![
            RoleRequirement {
                role: Role::Legal,
                required: 1,
            },
            RoleRequirement {
                role: Role::Compliance,
                required: 1,
            },
        ],
        quorum: 2,
        valid_days: 30,
    };
    ws.save_rule(Gate::PreDeployment, RiskTier::High, "Board", rule)
        .expect("rule");
    let mut request_file = Vec::new();
    for i in 0..200 {
        let mut d = SystemDraft::new(format!("System {i:03}"));
        d.business_unit = "Unit".into();
        d.owner = "Olu Owner".into();
        d.risk_tier = RiskTier::High;
        d.stage = Stage::Staging;
        ws.add_system(d).expect("system");
        let r = ws
            .create_request(&format!("System {i:03}"), Gate::PreDeployment, None, None)
            .expect("request");
        let f = ws.export_request(&r.id.to_string(), &ann).expect("export");
        for (s, role) in [(&ann, Role::Legal), (&bob, Role::Compliance)] {
            let sig = sign_request(&f, "r", s, role, Decision::Approve, "", at()).expect("sign");
            ws.import_signature(&sig, "s").expect("import");
        }
        request_file = f;
    }
    Fixture {
        ws: Mutex::new(ws),
        bob,
        request_file,
    }
});

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn list_200_requests_with_status() {
    let f = &*FIXTURE;
    let ws = f.ws.lock().expect("lock");
    let list = ws.requests(None).expect("requests");
    assert_eq!(list.len(), 200, "every request is listed");
}

#[divan::bench(sample_count = 20)]
fn sign_one_request_file() -> Vec<u8> {
    let f = &*FIXTURE;
    sign_request(
        &f.request_file,
        "r",
        &f.bob,
        Role::Compliance,
        Decision::Approve,
        "",
        at(),
    )
    .expect("sign")
}

#[divan::bench(sample_count = 50)]
fn status_of_a_six_role_rule_with_60_votes(bencher: divan::Bencher) {
    let roles = [
        Role::Legal,
        Role::Compliance,
        Role::Risk,
        Role::BusinessOwner,
        Role::TechnicalLead,
        Role::DataProtection,
    ];
    let members: Vec<Member> = (0..60)
        .map(|i| Member {
            name: format!("M{i}"),
            role: roles[i % 6],
            fingerprint: format!("{i:064}"),
        })
        .collect();
    let votes: Vec<Vote> = members
        .iter()
        .map(|m| Vote {
            fingerprint: m.fingerprint.clone(),
            role: m.role,
            decision: Decision::Approve,
        })
        .collect();
    let rule = RuleSpec {
        roles: roles
            .iter()
            .map(|r| RoleRequirement {
                role: *r,
                required: 5,
            })
            .collect(),
        quorum: 40,
        valid_days: 30,
    };
    let day = at().date_naive();
    bencher.bench(|| signoff::status(&rule, &members, &votes, "h", "h", day, day));
}
