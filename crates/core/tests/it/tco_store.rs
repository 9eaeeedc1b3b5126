//! TCO scenarios kept in the workspace: create, update and delete with their audit entries, ties
//! to systems, drafts checked and evaluated as the editor sends them, import errors, exports
//! read back, the signed report and the audit pack that carries it.

use calamine::{open_workbook, Reader, Xlsx};
use serde_json::json;
use steward_core::api::{Workspace, SCHEMA_VERSION};
use steward_core::identity;
use steward_core::pack;
use steward_core::sign::pdf::verify_pdf;
use steward_core::tco::{self, Scenario};
use steward_core::Error;

use crate::identity::{at, profile, PASS};
use crate::support::{draft, workspace};

const LLM: &str = include_str!("../../../../tests/fixtures/tco/llm-service.toml");
const BATCH: &str = include_str!("../../../../tests/fixtures/tco/batch-scoring.toml");

/// The LLM fixture, tied to `systems`.
fn llm(systems: &[&str]) -> Scenario {
    let mut s = tco::from_toml(LLM).expect("the fixture is valid");
    s.systems = systems.iter().map(|x| x.to_string()).collect();
    s
}

fn audit_len(ws: &Workspace) -> i64 {
    ws.verify_audit().expect("audit").chain.length
}

/// The validation problems of `e`, as "field: message" lines.
fn fields(e: Error) -> Vec<String> {
    match e {
        Error::Validation { fields, .. } => fields
            .into_iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn scenarios_are_created_updated_and_deleted_with_audit_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let copilot = ws.add_system(draft("Copilot")).expect("system");
    ws.add_system(draft("Summariser")).expect("system");

    let st = ws
        .create_tco(llm(&["copilot", &format!("#{}", copilot.id)]))
        .expect("a valid scenario is stored");
    assert_eq!(
        st.scenario.systems,
        vec!["Copilot"],
        "names and ids of one system are one tie, under its register name"
    );
    assert_eq!(st.system_ids, vec![copilot.id]);
    assert_eq!(
        ws.tco_scenario("support assistant llm")
            .expect("by name")
            .id,
        st.id,
        "found by name, ignoring case"
    );
    assert_eq!(
        ws.tco_scenario(&st.id.to_string()).expect("by id").scenario,
        st.scenario,
        "found by id, and read back as stored"
    );

    let mut edited = st.scenario.clone();
    edited.discount_rate = 0.12;
    edited.systems = vec!["Summariser".into(), "Copilot".into()];
    let after = ws.update_tco(st.id, edited).expect("update");
    assert_eq!(after.scenario.discount_rate, 0.12);
    assert_eq!(after.system_ids.len(), 2, "now tied to both systems");
    let n = audit_len(&ws);
    ws.update_tco(st.id, after.scenario.clone())
        .expect("saving unchanged succeeds");
    assert_eq!(audit_len(&ws), n, "an unchanged save writes no audit entry");

    let list = ws.list_tco().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].options, 4, "the summary counts the options");
    assert!(
        !list[0].cheapest.is_empty(),
        "the summary names the cheapest"
    );

    ws.delete_tco(st.id).expect("delete");
    assert!(ws.list_tco().expect("list").is_empty(), "deleted");
    let log = ws
        .audit_log(&steward_core::api::AuditQuery {
            entity: Some("tco_scenario".into()),
            entity_id: None,
            ..Default::default()
        })
        .expect("log")
        .into_entries();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "update", "delete"],
        "every change is audited"
    );
    assert!(
        log[2].before.as_deref().is_some_and(|b| b.contains("0.12")) && log[2].after.is_none(),
        "the delete entry keeps what was deleted"
    );
    assert!(ws.verify_audit().expect("verify").is_intact());
    assert!(matches!(ws.delete_tco(st.id), Err(Error::NotFound { .. })));
}

#[test]
fn a_refused_save_changes_nothing_and_names_every_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Copilot")).expect("system");
    let st = ws.create_tco(llm(&["Copilot"])).expect("stored");
    let n = audit_len(&ws);

    let mut bad = llm(&["Copilot", "Nowhere"]);
    bad.horizon_months = 0;
    let got = fields(ws.create_tco(bad.clone()).expect_err("refused"));
    assert!(
        got.iter()
            .any(|f| f.starts_with("horizon_months: expected a whole number")),
        "the horizon is named: {got:?}"
    );
    assert!(
        got.iter()
            .any(|f| f.starts_with("systems[1]: no AI system named or numbered \"Nowhere\"")),
        "the unknown system is named with its position: {got:?}"
    );
    let err = ws
        .update_tco(st.id, bad)
        .expect_err("an update is checked the same way");
    assert_eq!(err.code(), "validation");

    let err = ws
        .create_tco(llm(&[]))
        .expect_err("a second scenario with the same name is refused");
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("already exists"), "{err}");

    assert_eq!(audit_len(&ws), n, "nothing was audited");
    assert_eq!(ws.list_tco().expect("list").len(), 1, "nothing was stored");
    assert_eq!(
        ws.tco_scenario("Support assistant LLM")
            .expect("still there")
            .scenario,
        st.scenario,
        "the stored scenario is unchanged"
    );
}

#[test]
fn a_tie_follows_a_renamed_system() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("Copilot")).expect("system");
    let st = ws.create_tco(llm(&["Copilot"])).expect("stored");
    let mut d = sys.draft.clone();
    d.name = "Agent Copilot".into();
    ws.update_system(sys.id, d).expect("rename");
    assert_eq!(
        ws.tco_scenario(&st.id.to_string())
            .expect("read")
            .scenario
            .systems,
        vec!["Agent Copilot"],
        "the tie is by id, so the scenario shows the current name"
    );
}

#[test]
fn drafts_are_checked_and_evaluated_as_the_editor_sends_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(dir.path());
    let mut value = serde_json::to_value(llm(&[])).expect("json");

    let ok = ws.evaluate_tco_draft(&value).expect("evaluate");
    assert!(
        ok.errors.is_empty(),
        "the fixture is valid: {:?}",
        ok.errors
    );
    let r = ok.result.expect("a valid draft has results");
    assert!(
        ok.cumulative_svg
            .as_deref()
            .is_some_and(|s| s.starts_with("<svg")),
        "the cumulative chart comes as SVG"
    );
    assert_eq!(
        ok.tornado_svgs.len(),
        r.options.len(),
        "one tornado per option"
    );
    assert_eq!(
        r,
        tco::run(&llm(&[])).expect("run"),
        "the same figures as the engine"
    );

    let rate = value["options"][0]["cloud_on_demand"]["instance_rate_per_hour"].clone();
    value["options"][0]["cloud_on_demand"]["instance_rate_per_hour"] = json!(99.0);
    let more = ws.evaluate_tco_draft(&value).expect("evaluate");
    assert!(
        more.result.expect("valid").options[0].npv > r.options[0].npv,
        "a dearer instance raises the option's NPV"
    );
    value["options"][0]["cloud_on_demand"]["instance_rate_per_hour"] = rate;

    value["workload"]["inferences_per_month"] = json!("2.5m");
    value["options"][2]["on_prem"]["pue"] = json!(0.5);
    value["systems"] = json!(["Unknown system"]);
    let bad = ws.evaluate_tco_draft(&value).expect("evaluate");
    assert!(bad.result.is_none(), "no results for an invalid draft");
    let got: Vec<String> = bad.errors.iter().map(|f| f.field.clone()).collect();
    assert!(
        got.contains(&"workload.inferences_per_month".to_string())
            && got.contains(&"options[2].on_prem.pue".to_string()),
        "text where a number belongs and a bad value are both named: {got:?}"
    );
    let n = bad
        .errors
        .iter()
        .find(|f| f.field == "workload.inferences_per_month")
        .expect("named");
    assert!(
        n.message.contains("2.5m"),
        "the message shows what was typed: {}",
        n.message
    );
    assert!(
        got.contains(&"systems[0]".to_string()),
        "an unknown system is named along with the other problems: {got:?}"
    );
    let unknown = ws
        .evaluate_tco_draft(&serde_json::to_value(llm(&["Unknown system"])).expect("json"))
        .expect("evaluate");
    assert_eq!(
        unknown
            .errors
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>(),
        ["systems[0]"],
        "a tie to a system not in the register is named"
    );
    assert_eq!(audit_len(&ws), 0, "evaluating writes nothing");
}

#[test]
fn imports_name_the_file_and_the_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Churn")).expect("system");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        BATCH.replacen("currency = \"", "colour = \"blue\"\ncurrency = \"", 1),
    )
    .expect("write");
    let got = fields(
        ws.import_tco(&bad, &[], false)
            .expect_err("an unknown key is refused"),
    );
    let shown = bad.display().to_string();
    assert!(
        got.iter()
            .any(|f| f.starts_with(&format!("{shown}: colour: unknown key; expected one of"))),
        "the file and the key are named: {got:?}"
    );

    let file = dir.path().join("batch.toml");
    std::fs::write(&file, BATCH).expect("write");
    let got = fields(
        ws.import_tco(&file, &[], false)
            .expect_err("the file's systems are not in this register"),
    );
    assert!(
        got.iter().all(|f| f.contains("systems[")),
        "only the ties are wrong: {got:?}"
    );
    assert!(
        ws.list_tco().expect("list").is_empty(),
        "nothing was stored"
    );
    assert_eq!(audit_len(&ws), 1, "only the system was audited");

    let st = ws
        .import_tco(&file, &["Churn".to_string()], false)
        .expect("--system replaces the file's ties");
    assert_eq!(st.scenario.systems, vec!["Churn"]);
    assert_eq!(st.scenario.name, "Batch scoring fleet");

    let err = ws
        .import_tco(&file, &["Churn".to_string()], false)
        .expect_err("the name is taken");
    assert_eq!(err.code(), "conflict");
    std::fs::write(
        &file,
        BATCH.replace("discount_rate = 0.07", "discount_rate = 0.09"),
    )
    .expect("write");
    let again = ws
        .import_tco(&file, &["Churn".to_string()], true)
        .expect("--replace updates the stored scenario of that name");
    assert_eq!(again.id, st.id, "the same scenario");
    assert_eq!(again.scenario.discount_rate, 0.09);
    let actions: Vec<String> = ws
        .audit_log(&steward_core::api::AuditQuery {
            entity: Some("tco_scenario".into()),
            entity_id: None,
            ..Default::default()
        })
        .expect("log")
        .into_entries()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["create", "update"],
        "the replace is audited as an update"
    );
}

#[test]
fn exports_read_back_and_the_pdf_is_signed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Copilot")).expect("system");
    let st = ws.create_tco(llm(&["Copilot"])).expect("stored");
    let key = st.scenario.name.clone();

    let toml = dir.path().join("out.toml");
    ws.write_tco_export(&key, "toml", None, &toml)
        .expect("toml export");
    let back = tco::read(&toml).expect("the export is a valid scenario file");
    assert_eq!(back, st.scenario, "TOML export round-trips");

    let xlsx = dir.path().join("out.xlsx");
    ws.write_tco_export(&key, "xlsx", None, &xlsx)
        .expect("xlsx export");
    let book: Xlsx<_> = open_workbook(&xlsx).expect("calamine reads the workbook");
    for sheet in ["Inputs", "Monthly", "Summary"] {
        assert!(
            book.sheet_names().iter().any(|s| s == sheet),
            "the live workbook has a {sheet} sheet: {:?}",
            book.sheet_names()
        );
    }

    let id = dir.path().join("identity");
    identity::init(&id, &profile("Ann Lee"), PASS, at(2026, 11, 2)).expect("identity");
    let signer = identity::unlock(&id, PASS, at(2026, 11, 2)).expect("unlock");
    let pdf = dir.path().join("out.pdf");
    ws.write_tco_export(&key, "pdf", Some(&signer), &pdf)
        .expect("signed pdf");
    let sigs = verify_pdf(&std::fs::read(&pdf).expect("read")).expect("verifies");
    assert_eq!(sigs.len(), 1, "one signature");
    assert!(sigs[0].valid, "the signature holds: {:?}", sigs[0]);

    let err = ws
        .write_tco_export(&key, "xlsx", Some(&signer), &dir.path().join("s.xlsx"))
        .expect_err("only a PDF is signed");
    assert!(err.to_string().contains("only a PDF"), "{err}");
    let err = ws
        .write_tco_export(&key, "docx", None, &dir.path().join("x.docx"))
        .expect_err("unknown format");
    assert!(err.to_string().contains("toml, xlsx, pdf or json"), "{err}");
    assert!(!dir.path().join("x.docx").exists(), "nothing written");

    let model = ws.tco_report(&key).expect("model");
    let tables: Vec<&str> = model.tables().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tables[..5],
        [
            "Comparison",
            "Costs by year",
            "Costs by driver",
            "Break-even",
            "Scenario"
        ],
        "the answer and comparison first, then the inputs: {tables:?}"
    );
    assert_eq!(
        tables.len(),
        5 + 4 + 1,
        "one inputs table per option: {tables:?}"
    );
    assert_eq!(tables[9], "Sensitivity");
    let charts: Vec<String> = model.charts().map(|c| c.title.clone()).collect();
    assert_eq!(charts[0], "Cumulative cost");
    assert!(
        charts[1..]
            .iter()
            .all(|c| c.starts_with("Sensitivity of the NPV"))
            && charts.len() == 5,
        "one tornado per option: {charts:?}"
    );
    model.check().expect("the model is well formed");
    let on_prem = model
        .tables()
        .find(|t| t.name.starts_with("On-premises"))
        .expect("the on-premises option's inputs");
    assert!(
        on_prem
            .rows
            .iter()
            .any(|r| r[..2] == ["PUE".into(), "1.4".into()]),
        "every input by its label, with its value written out: {:?}",
        on_prem.rows
    );
    assert!(
        on_prem
            .rows
            .iter()
            .any(|r| r[0] == "Server price".into() && r[2] == "USD per server".into()),
        "money carries the currency and what it is per: {:?}",
        on_prem.rows
    );
}

#[test]
fn packs_carry_each_scenarios_signed_report_and_workbook() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("ws");
    let mut ws = workspace(&data);
    steward_core::demo::populate(&mut ws).expect("demo");
    let list = ws.list_tco().expect("list");
    assert_eq!(
        list.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["Batch scoring fleet", "Support assistant LLM"],
        "the demo has the two sample scenarios"
    );
    assert_eq!(
        list[1].systems,
        vec!["Customer Service Copilot", "Voice Call Summariser"],
        "tied to fitting demo systems"
    );
    let id = dir.path().join("identity");
    identity::init(&id, &profile("Ann Lee"), PASS, at(2026, 11, 2)).expect("identity");
    let signer = identity::unlock(&id, PASS, at(2026, 11, 2)).expect("unlock");
    let out = dir.path().join("pack.zip");
    let mut steps = Vec::new();
    let summary = ws
        .create_pack(&signer, &out, &mut |p| {
            steps.push(p.step);
            true
        })
        .expect("pack");
    let paths: Vec<&str> = summary.files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "reports/tco-support-assistant-llm.pdf",
        "reports/tco-support-assistant-llm.xlsx",
        "reports/tco-batch-scoring-fleet.pdf",
        "reports/tco-batch-scoring-fleet.xlsx",
    ] {
        assert!(paths.contains(&p), "{p} is in the pack: {paths:?}");
    }
    assert!(
        steps.iter().any(|s| s.contains("TCO report")),
        "progress names the TCO step: {steps:?}"
    );
    let trusted = vec![signer.certificate_info()];
    let report = pack::verify_pack(&out, &trusted).expect("verify");
    assert!(report.valid, "the pack verifies: {:?}", report.findings);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.file.as_deref() == Some("reports/tco-batch-scoring-fleet.pdf")),
        "the TCO PDF's signature is checked"
    );
}

#[test]
fn migration_0003_upgrades_a_schema_2_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A workspace as schema 2 left it, built from the shipped migrations 0001 and 0002.
    let c = crate::support::workspace_at_schema(dir.path(), 2);
    let sys_id: i64 = c
        .query_row("SELECT id FROM systems WHERE name = 'Copilot'", [], |r| {
            r.get(0)
        })
        .expect("id");
    drop(c);
    let mut ws = workspace(dir.path());
    assert_eq!(ws.schema_version().expect("version"), SCHEMA_VERSION);
    let st = ws
        .create_tco(llm(&["Copilot"]))
        .expect("the upgraded schema stores scenarios");
    assert_eq!(
        st.system_ids,
        vec![sys_id],
        "tied to the system made under schema 2"
    );
}
