//! Model cards: revisions saved, listed and diffed field by field; each save audited and checked
//! by `audit verify`; bad input refused naming what and where, changing nothing; the card
//! rendered from the workspace at the time, as Markdown whose metadata an independent YAML parser
//! (PyYAML) reads and as a PDF pdfsig and qpdf accept; the draft file; the sample's cards; and
//! the migration that adds them.

use std::path::Path;

use steward_core::api::{AuditQuery, Workspace, SCHEMA_VERSION};
use steward_core::card::CardFields;
use steward_core::Error;

use crate::identity::run_ok;
use crate::support::{ctx, draft, workspace};

fn fields() -> CardFields {
    CardFields {
        intended_use: "Ranks customers by the risk that they leave within six months.".into(),
        out_of_scope_uses: "Pricing and credit decisions.".into(),
        limitations: "New customers are scored poorly.".into(),
        assumptions: "Transaction history is complete.".into(),
        fallback: "The retention team works its segment list.".into(),
        human_oversight: "Agents decide whom to call.".into(),
        license: String::new(),
        language: String::new(),
    }
}

fn changes(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A workspace with "Churn Predictor" and its card of version 2.1 at revision 2 (the
/// limitations revised).
fn with_card(dir: &Path) -> Workspace {
    let mut ws = workspace(dir);
    ws.add_system(draft("Churn Predictor")).expect("system");
    ws.save_card("Churn Predictor", "2.1", fields())
        .expect("revision 1");
    ws.edit_card(
        "Churn Predictor",
        "2.1",
        &changes(&[(
            "Limitations",
            "New customers and closed products are scored poorly.",
        )]),
    )
    .expect("revision 2");
    ws
}

fn chain_length(ws: &Workspace) -> i64 {
    ws.verify_chain().expect("chain").length
}

#[test]
fn a_card_is_saved_revised_and_diffed_field_by_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Churn Predictor")).expect("system");
    let first = ws
        .save_card("Churn Predictor", " 2.1 ", fields())
        .expect("the first save");
    assert!(first.created, "a new card is saved");
    assert_eq!(
        (
            first.revision.revision,
            first.revision.model_version.as_str()
        ),
        (1, "2.1"),
        "revision 1 of version 2.1, the label trimmed"
    );
    assert_eq!(
        first.revision.saved_by, "tester",
        "who saved it is the actor"
    );

    let second = ws
        .edit_card(
            "Churn Predictor",
            "2.1",
            &changes(&[(
                "limitations",
                "  New customers are scored poorly.\r\nSo are closed products.  ",
            )]),
        )
        .expect("an edit");
    assert_eq!(second.revision.revision, 2, "each save is a new revision");
    assert_eq!(
        second.revision.fields.limitations,
        "New customers are scored poorly.\nSo are closed products.",
        "saved as normalised: trimmed, \\n line endings"
    );
    assert_eq!(
        second.revision.fields.fallback,
        fields().fallback,
        "an edit keeps the fields it does not name"
    );

    let before = chain_length(&ws);
    let again = ws
        .save_card("Churn Predictor", "2.1", second.revision.fields.clone())
        .expect("the same fields again");
    assert!(
        !again.created && again.revision.revision == 2,
        "saving the latest fields again makes no revision"
    );
    assert_eq!(chain_length(&ws), before, "and logs nothing");

    let history = ws.card_history("Churn Predictor", "2.1").expect("history");
    assert_eq!(
        history.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [1, 2],
        "oldest first"
    );

    let d = ws
        .card_diff("Churn Predictor", Some("2.1"), None, None)
        .expect("the latest against the one before");
    assert_eq!((d.revision, d.against), (2, Some(1)), "2 against 1");
    assert_eq!(
        d.changes
            .iter()
            .map(|c| c.field.as_str())
            .collect::<Vec<_>>(),
        ["limitations"],
        "only the changed field"
    );
    assert_eq!(
        d.changes[0].after.as_deref(),
        Some("\"New customers are scored poorly.\\nSo are closed products.\""),
        "the value as canonical JSON, as the audit log shows values"
    );
    let d1 = ws
        .card_diff("Churn Predictor", Some("2.1"), Some(1), None)
        .expect("the first revision");
    assert_eq!(d1.against, None, "the first revision has none before it");
    assert_eq!(d1.changes.len(), 6, "every written field is new: {d1:?}");

    // A second model version is a card of its own, starting at revision 1.
    let v3 = ws
        .save_card("Churn Predictor", "3.0", fields())
        .expect("another version");
    assert_eq!(v3.revision.revision, 1, "its own revisions");
    let cards = ws.cards("Churn Predictor").expect("cards");
    assert_eq!(
        cards
            .iter()
            .map(|c| (c.model_version.as_str(), c.revisions))
            .collect::<Vec<_>>(),
        [("2.1", 2), ("3.0", 1)],
        "one card per version, with its revisions"
    );
    assert_eq!(
        ws.model_card("Churn Predictor", None, None)
            .expect("the latest")
            .revision
            .model_version,
        "3.0",
        "without a version, the card saved last"
    );

    // Each save is in the audit log, named by its system and version, its changes field by field.
    let page = ws
        .audit_log(&AuditQuery {
            entity: Some("model_card".into()),
            record: Some("Churn Predictor, version 2.1".into()),
            ..Default::default()
        })
        .expect("the card's entries");
    let seen: Vec<(&str, &str)> = page
        .entries
        .iter()
        .map(|r| (r.entry.action.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("create", "Churn Predictor, version 2.1"),
            ("revise", "Churn Predictor, version 2.1")
        ],
        "two saves, named as the audit screen shows them"
    );
    let fields_changed: Vec<&str> = page.entries[1]
        .changes
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    assert!(
        fields_changed.contains(&"limitations") && fields_changed.contains(&"revision"),
        "the revise entry shows what changed: {fields_changed:?}"
    );
    let v = ws.verify_audit().expect("verify");
    assert!(v.is_intact(), "every revision is as logged: {:#?}", v.state);
}

#[test]
fn a_version_label_names_one_card_whatever_its_case() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Churn Predictor")).expect("system");
    ws.save_card("Churn Predictor", "V2.1-RC", fields())
        .expect("first");
    let s = ws
        .edit_card(
            "Churn Predictor",
            "v2.1-rc",
            &changes(&[("fallback", "Manual list.")]),
        )
        .expect("same card");
    assert_eq!(
        (s.revision.revision, s.revision.model_version.as_str()),
        (2, "V2.1-RC"),
        "revision 2 of the same card, spelt as first saved"
    );
    assert!(
        ws.verify_audit().expect("verify").is_intact(),
        "logged as stored"
    );
}

/// Runs `op` on a workspace holding the card of `with_card`, expects it to fail with an error
/// whose text holds each of `says`, and checks that nothing was written.
fn refused(op: impl FnOnce(&mut Workspace) -> steward_core::Result<()>, says: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = with_card(dir.path());
    let length = chain_length(&ws);
    let err = op(&mut ws).expect_err("refused");
    let text = match &err {
        Error::Validation { fields, .. } => format!(
            "{err} [{}]",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        other => other.to_string(),
    };
    for s in says {
        assert!(text.contains(s), "the error says {s:?}: {text}");
    }
    assert_eq!(chain_length(&ws), length, "nothing was logged: {text}");
    assert_eq!(
        ws.card_history("Churn Predictor", "2.1")
            .expect("history")
            .len(),
        2,
        "no revision was added: {text}"
    );
    assert!(
        ws.cards("Churn Predictor").expect("cards").len() == 1,
        "no card was added: {text}"
    );
}

#[test]
fn bad_input_is_refused_naming_what_and_where_and_changes_nothing() {
    let save = |system: &'static str, version: &'static str, f: CardFields| {
        move |ws: &mut Workspace| ws.save_card(system, version, f).map(drop)
    };
    refused(
        save("Churn Predictr", "2.1", fields()),
        &["system not found: Churn Predictr"],
    );
    refused(
        save("Churn Predictor", " ", fields()),
        &["version: is required", "e.g. 2.1"],
    );
    refused(
        save("Churn Predictor", "2.1/beta", fields()),
        &["\"2.1/beta\" is not a version label"],
    );
    let mut empty = fields();
    empty.limitations = "   ".into();
    empty.human_oversight.clear();
    refused(
        save("Churn Predictor", "2.1", empty),
        &[
            "limitations: Limitations is required",
            "human_oversight: Human oversight is required",
        ],
    );
    let mut lang = fields();
    lang.language = "English".into();
    refused(
        save("Churn Predictor", "2.1", lang),
        &["language: \"English\" is not a language code", "pt-BR"],
    );
    refused(
        |ws| {
            ws.edit_card(
                "Churn Predictor",
                "2.1",
                &changes(&[("owner", "Ann"), ("limitations", "x"), ("risks", "y")]),
            )
            .map(drop)
        },
        &[
            "owner: \"owner\" is not a field of a model card",
            "risks: \"risks\" is not a field",
            "the fields are: intended_use, out_of_scope_uses, limitations",
        ],
    );
    // A new version must state every required field.
    refused(
        |ws| {
            ws.edit_card("Churn Predictor", "4.0", &changes(&[("limitations", "x")]))
                .map(drop)
        },
        &["intended_use: Intended uses is required"],
    );
    refused(
        |ws| {
            ws.model_card("Churn Predictor", Some("9.9"), None)
                .map(drop)
        },
        &["no card of model version \"9.9\"", "its versions are 2.1"],
    );
    refused(
        |ws| {
            ws.card_diff("Churn Predictor", Some("2.1"), Some(7), None)
                .map(drop)
        },
        &[
            "7 of the card of Churn Predictor version 2.1",
            "revisions 1 to 2",
        ],
    );
    let out = tempfile::tempdir().expect("temp dir");
    let target = out.path().join("card.docx");
    refused(
        |ws| {
            ws.write_card_export("Churn Predictor", None, None, "docx", None, &target)
                .map(drop)
        },
        &[
            "unknown format \"docx\"",
            "md (Markdown with YAML metadata), pdf",
        ],
    );
    assert!(!target.exists(), "a refused export writes no file");
    let pdf = out.path().join("card.pdf");
    refused(
        |ws| {
            ws.write_card_export("Churn Predictor", None, None, "pdf", None, &pdf)
                .map(drop)
        },
        &["a model card's PDF is always signed"],
    );
    assert!(!pdf.exists(), "no unsigned PDF is written");
    let draft_file = out.path().join("draft.toml");
    std::fs::write(
        &draft_file,
        "limitations = \"ok\"\nowner = \"Ann\"\nfallback = 3\n",
    )
    .expect("write the draft");
    refused(
        |ws| {
            ws.edit_card_from_file("Churn Predictor", "2.1", &draft_file)
                .map(drop)
        },
        &[
            "draft.toml: fallback: is not text but a TOML integer",
            "draft.toml: owner: \"owner\" is not a field of a model card",
        ],
    );
}

#[test]
fn a_system_without_a_card_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = with_card(dir.path());
    ws.add_system(draft("No Card")).expect("system");
    let e = ws.model_card("No Card", None, None).expect_err("no card");
    assert_eq!(
        e.to_string(),
        "model card not found: No Card has no model card yet",
        "named, with what there is"
    );
    let e = ws
        .card_history("No Card", "1.0")
        .expect_err("no card of that version");
    assert!(
        e.to_string()
            .contains("No Card has no model card yet (asked for version \"1.0\")"),
        "{e}"
    );
    assert!(
        ws.cards("No Card").expect("cards").is_empty(),
        "the list is empty, not an error"
    );
}

#[test]
fn a_draft_file_round_trips_into_the_next_revision() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = with_card(dir.path());
    let file = dir.path().join("churn-card.toml");
    ws.write_card_export("Churn Predictor", Some("2.1"), None, "toml", None, &file)
        .expect("the draft is written");
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(
        text.contains("# Limitations (required):") && text.contains("revision 2 of 2"),
        "the draft says what each field is and which revision it is: {text}"
    );
    std::fs::write(
        &file,
        text.replace(
            "Agents decide whom to call.",
            "Agents decide whom to call; a supervisor reviews the list weekly.",
        ),
    )
    .expect("edit the draft");
    let s = ws
        .edit_card_from_file("Churn Predictor", "2.1", &file)
        .expect("read back");
    assert_eq!(s.revision.revision, 3, "the next revision");
    let d = ws
        .card_diff("Churn Predictor", Some("2.1"), None, None)
        .expect("diff");
    assert_eq!(
        d.changes
            .iter()
            .map(|c| c.field.as_str())
            .collect::<Vec<_>>(),
        ["human_oversight"],
        "only what the file changed"
    );
}

/// The metadata block of a Markdown card as PyYAML reads it, through JSON (a value PyYAML
/// would read as a date or a number that should be text fails the test there, or shows here).
fn yaml_metadata(dir: &Path, md: &str) -> serde_json::Value {
    let path = dir.join("card.md");
    std::fs::write(&path, md).expect("write");
    let script = "import json, sys, yaml\n\
                  t = open(sys.argv[1], encoding='utf-8').read()\n\
                  assert t.startswith('---\\n'), 'front matter first'\n\
                  end = t.index('\\n---\\n', 3)\n\
                  print(json.dumps(yaml.safe_load(t[4:end + 1])))\n";
    let out = run_ok(
        dir,
        "python3",
        &["-c", script, path.to_str().expect("utf-8")],
    );
    serde_json::from_str(&out).expect("PyYAML's reading as JSON")
}

/// The sample portfolio, made once for this file and copied for each test (made for each test
/// on a team workspace, which has no file to copy).
fn sample(dir: &Path) -> Workspace {
    if crate::support::on_postgres() {
        let mut ws = workspace(dir);
        steward_core::demo::populate(&mut ws).expect("the sample portfolio");
        return ws;
    }
    static SAMPLE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let made = SAMPLE.get_or_init(|| {
        let d = tempfile::tempdir().expect("temp dir");
        let mut ws = workspace(d.path());
        steward_core::demo::populate(&mut ws).expect("the sample portfolio");
        d
    });
    let file = steward_core::api::DB_FILE;
    std::fs::copy(made.path().join(file), dir.join(file)).expect("copy the sample");
    workspace(dir)
}

#[test]
fn the_sample_has_a_card_for_each_production_system_and_one_revised() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = sample(dir.path());
    let production = ws
        .list_systems(&steward_core::register::SystemQuery {
            stages: vec![steward_core::register::Stage::Production],
            ..Default::default()
        })
        .expect("systems");
    assert!(production.len() > 20, "the sample's production systems");
    for s in &production {
        let cards = ws.cards(&s.draft.name).expect("cards");
        assert_eq!(cards.len(), 1, "{} has its card", s.draft.name);
        let first = &ws
            .card_history(&s.draft.name, &cards[0].model_version)
            .expect("history")[0];
        assert_eq!(
            first.saved_by,
            crate::support::recorded_as(&s.draft.technical_lead),
            "{}'s card was written by its technical lead",
            s.draft.name
        );
    }
    let credit = ws
        .card_history("Credit Default Scorer", "3.2")
        .expect("the credit scorer's card");
    assert_eq!(credit.len(), 2, "revised once");
    assert_eq!(
        credit[1].saved_by,
        crate::support::recorded_as("Maria Okafor"),
        "by its owner"
    );
    let d = ws
        .card_diff("Credit Default Scorer", None, None, None)
        .expect("diff");
    assert_eq!(
        d.changes
            .iter()
            .map(|c| c.field.as_str())
            .collect::<Vec<_>>(),
        ["limitations", "human_oversight"],
        "the revision's changes, in the card's order"
    );
}

#[test]
fn a_card_is_rendered_from_the_workspace_as_it_is_and_its_metadata_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = sample(dir.path());
    let card = ws
        .model_card("Credit Default Scorer", None, None)
        .expect("the card");
    assert_eq!(
        (card.revision.revision, card.revisions),
        (2, 2),
        "the latest of two revisions"
    );
    let aia = card
        .assessments
        .iter()
        .find(|a| a.template_id == "aia")
        .expect("the completed AIA is on the card");
    assert!(
        aia.outcome.starts_with("Level ") && aia.details[0].starts_with("Impact score: "),
        "its level and score: {aia:?}"
    );
    assert!(
        aia.decision
            .starts_with("Suggested risk tier high accepted"),
        "and the tier decision: {aia:?}"
    );
    assert!(card.evidence.is_none(), "no evidence is invented");

    // The register is read when the card is rendered, not when it was saved.
    let sys = ws.find_system("Credit Default Scorer").expect("system");
    let mut d = sys.draft.clone();
    d.owner = "Zoë Ångström".into();
    ws.update_system(sys.id, d).expect("a new owner");
    let md = ws
        .card_markdown("Credit Default Scorer", Some("3.2"), None)
        .expect("markdown");
    assert!(
        md.contains("- **Owner:** Zoë Ångström"),
        "the owner as the register has it now:\n{md}"
    );

    let meta = yaml_metadata(dir.path(), &md);
    assert_eq!(meta["model_name"], "Credit Default Scorer", "{meta}");
    assert_eq!(
        meta["model_version"], "3.2",
        "a version that looks like a number is text: {meta}"
    );
    assert_eq!(meta["card_revision"], 2, "{meta}");
    assert_eq!(meta["license"], "other", "{meta}");
    assert_eq!(meta["language"], serde_json::json!(["en"]), "{meta}");
    assert_eq!(
        meta["tags"],
        serde_json::json!(["credit", "scoring", "basel"]),
        "the register's tags: {meta}"
    );
    assert_eq!(meta["steward"]["owner"], "Zoë Ångström", "{meta}");
    assert_eq!(
        meta["steward"]["risk_tier"], "high",
        "keys, not labels: {meta}"
    );
    assert_eq!(meta["steward"]["eu_ai_act_category"], "high_risk", "{meta}");
    assert_eq!(
        meta["steward"]["deployment_date"], "2023-03-14",
        "a date stays text for PyYAML: {meta}"
    );
    assert_eq!(
        meta["steward"]["assessments"][0]["template"], "aia",
        "{meta}"
    );
    assert!(
        meta.get("model-index").is_none(),
        "no model-index without evaluation results: {meta}"
    );
    for heading in [
        "## Model details",
        "## Intended uses",
        "## Out-of-scope use",
        "## Limitations",
        "## Assumptions",
        "## Fallback",
        "## Human oversight",
        "## Evaluation",
        "## Risk and assessments",
        "### Algorithmic Impact Assessment",
    ] {
        assert!(md.contains(heading), "{heading} in:\n{md}");
    }
    assert!(
        md.contains("the 2008-09 back-test underestimated defaults by 18%"),
        "the revised text:\n{md}"
    );
}

#[test]
fn the_signed_pdf_is_valid_for_pdfsig_and_qpdf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = sample(&{
        let d = dir.path().join("data");
        std::fs::create_dir_all(&d).expect("data dir");
        d
    });
    let signer = crate::support::signer(dir.path(), "Maria Okafor", "Head of retail credit");
    let path = dir.path().join("card.pdf");
    let n = ws
        .write_card_export(
            "Credit Default Scorer",
            Some("3.2"),
            Some(1),
            "pdf",
            Some(&signer),
            &path,
        )
        .expect("the signed PDF");
    assert!(n > 1000, "a PDF was written: {n} bytes");
    let file = path.to_str().expect("utf-8");
    let said = run_ok(dir.path(), "pdfsig", &[file]);
    assert!(
        said.contains("Signature is Valid.") && said.contains("Maria Okafor"),
        "pdfsig accepts the card's signature and names the signer: {said}"
    );
    run_ok(dir.path(), "qpdf", &["--check", file]);
    let text = run_ok(dir.path(), "pdftotext", &[file, "-"]);
    for want in [
        "Model card: Credit Default Scorer",
        "Model version 3.2, card revision 1",
        "Intended uses",
        "Out-of-scope use",
        "Human oversight",
        "No validation evidence",
        "Risk and assessments",
        "Algorithmic Impact Assessment",
        "Digital signature",
    ] {
        assert!(text.contains(want), "the PDF says {want:?}:\n{text}");
    }
    assert!(
        !text.contains("back-test"),
        "revision 1, as asked, not the latest:\n{text}"
    );
}

#[test]
fn migration_0014_upgrades_the_schema_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema(
        dir.path(),
        SCHEMA_VERSION as usize - 1,
    ));
    let mut ws = Workspace::open_dir(dir.path(), ctx()).expect("opens and upgrades");
    assert_eq!(
        ws.schema_version().expect("version"),
        SCHEMA_VERSION,
        "0014 applied on top of the schema before it"
    );
    let s = ws
        .save_card("Copilot", "1.0", fields())
        .expect("the older schema's system gets a card");
    assert_eq!(s.revision.revision, 1, "its first revision");
    assert!(ws.cards("Copilot").expect("cards").len() == 1, "read back");
}

/// A workspace whose high tier asks for a holdout run with an AUC of at least 0.75, the age
/// bands tested and the four-fifths rule, with "Fraud Scorer" (high risk, model version 3.1) and
/// its card of 3.1; evidence of 3.1 (a holdout run, a shadow comparison with the incumbent, two
/// age bands against the reference, one outside the bound) and of the earlier version 3.0.
fn with_evidence(dir: &Path) -> Workspace {
    use steward_core::evidence::{BiasDraft, BiasMetric, Method, MetricValue, RunDraft};
    use steward_core::register::RiskTier;
    let mut ws = workspace(dir);
    ws.set_evidence_policy(
        Some(
            "[high]\nmax_age_days = 365\nmethods = [\"holdout\"]\nsegments = [\"age_band\"]\n\n\
             [[high.metrics]]\nname = \"auc\"\nat_least = 0.75\n\n[high.fairness]\nmin_ratio = 0.8\n",
        ),
        "policy.toml",
    )
    .expect("the test policy");
    let mut d = draft("Fraud Scorer");
    d.risk_tier = RiskTier::High;
    d.model_version = "3.1".into();
    let id = ws.add_system(d).expect("system").id;
    ws.save_card("Fraud Scorer", "3.1", fields()).expect("card");
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
    let run =
        |version: &str, date: &str, method, metrics: Vec<MetricValue>, incumbent: &str| RunDraft {
            system_id: id,
            model_version: version.into(),
            date: day(date),
            method,
            dataset: "2026 Q3 claims".into(),
            run: String::new(),
            incumbent: incumbent.into(),
            metrics,
            source: "entered by hand".into(),
        };
    let metric = |name: &str, value: f64, incumbent: Option<f64>| MetricValue {
        name: name.into(),
        value,
        incumbent,
    };
    for r in [
        run(
            "3.0",
            "2026-03-01",
            Method::Holdout,
            vec![metric("AUC", 0.74, None)],
            "",
        ),
        run(
            "3.1",
            "2026-10-01",
            Method::Holdout,
            vec![metric("AUC", 0.81, None), metric("Recall", 0.66, None)],
            "",
        ),
        run(
            "3.1",
            "2026-10-15",
            Method::Shadow,
            vec![metric("AUC", 0.8, Some(0.77))],
            "Fraud Scorer 3.0",
        ),
    ] {
        ws.add_validation_run(r).expect("a run");
    }
    for (segment, rate) in [("18-25", 0.28), ("41-60", 0.38)] {
        ws.add_bias_result(BiasDraft {
            system_id: id,
            model_version: "3.1".into(),
            date: day("2026-10-01"),
            dataset: "2026 Q3 claims".into(),
            attribute: "age_band".into(),
            segment: segment.into(),
            metric: BiasMetric::SelectionRate,
            reference: "26-40".into(),
            segment_value: Some(rate),
            reference_value: Some(0.4),
            ratio: None,
            difference: None,
            source: "entered by hand".into(),
        })
        .expect("a bias result");
    }
    ws
}

#[test]
fn the_card_carries_its_versions_evidence_and_its_metadata_the_results_as_model_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = with_evidence(dir.path());
    let card = ws.model_card("Fraud Scorer", None, None).expect("the card");
    let e = card
        .evidence
        .as_ref()
        .expect("evidence of 3.1 is on its card");
    assert_eq!(
        e.status.state,
        steward_core::evidence::EvidenceState::NotMet,
        "18-25's ratio of 0.7 is outside the four-fifths rule: {:#?}",
        e.status
    );
    assert!(
        e.runs.iter().all(|r| r.draft.model_version == "3.1") && e.runs.len() == 2,
        "only 3.1's runs, not 3.0's: {:?}",
        e.runs
    );
    assert_eq!(
        e.status.other_versions,
        ["3.0"],
        "the earlier version is named as not counted"
    );

    let md = ws
        .card_markdown("Fraud Scorer", None, None)
        .expect("markdown");
    let meta = yaml_metadata(dir.path(), &md);
    let index = &meta["model-index"];
    assert_eq!(index[0]["name"], "Fraud Scorer", "one model: {meta}");
    let results = index[0]["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        3,
        "the two runs and the bias test, oldest first: {meta}"
    );
    assert_eq!(
        results[0],
        serde_json::json!({
            "task": {"type": "holdout", "name": "Holdout"},
            "dataset": {"type": "2026-q3-claims", "name": "2026 Q3 claims"},
            "metrics": [
                {"type": "auc", "value": 0.81, "name": "AUC"},
                {"type": "recall", "value": 0.66, "name": "Recall"}
            ]
        }),
        "a run as the hubs lay out a result: task, dataset, metrics with type, value and name"
    );
    assert_eq!(results[1]["task"]["type"], "shadow", "{meta}");
    let bias = &results[2];
    assert_eq!(bias["task"]["type"], "bias-test", "{meta}");
    let ratio = bias["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| {
            m["type"] == "disparity-ratio"
                && m["name"] == "Selection rate disparity ratio: age_band 18-25 against 26-40"
        })
        .expect("18-25's disparity ratio, named by its metric, segment and reference");
    assert_eq!(
        ratio["value"].as_f64(),
        Some(0.7),
        "the ratio as core computed it (0.28 / 0.4): {ratio}"
    );
    assert_eq!(
        meta["steward"]["evidence_status"], "not_met",
        "the status against the policy, as a key: {meta}"
    );

    for want in [
        "- **Evidence status:** Not met against the evidence policy for risk tier high",
        "- **Evidence of other versions (not counted):** 3.0",
        "| Met | Validation method: Holdout | the holdout run of 2026-10-01 for model version 3.1 |",
        "| Not met | Fairness bound | disparity ratio 0.7 is outside 0.8 to 1.25: selection rate of age\\_band 18-25 against 26-40 (2026-10-01) |",
        "**Shadow comparisons: new against incumbent**",
        "| 2026-10-15 | 2026 Q3 claims | Fraud Scorer 3.0 | AUC | 0.8 | 0.77 |",
        "| age\\_band 18-25 (2026-10-01) | Selection rate | 26-40 | 0.28 against 0.4 | 0.7 | -0.12 | Not met (0.8 to 1.25) |",
        "| age\\_band 41-60 (2026-10-01) | Selection rate | 26-40 | 0.38 against 0.4 | 0.95 | -0.02 | Met (0.8 to 1.25) |",
        // The policy judges the latest run that reports the metric: the shadow comparison.
        "| 2026-10-15 | Shadow comparison | 2026 Q3 claims | AUC | 0.8 | Met (at least 0.75) |",
        "| 2026-10-01 | Holdout | 2026 Q3 claims | AUC | 0.81 |  |",
    ] {
        assert!(md.contains(want), "the Evaluation section says {want:?}:\n{md}");
    }
    assert!(
        !md.contains("No validation evidence"),
        "evidence is recorded, so the card does not say there is none:\n{md}"
    );
}

#[test]
fn a_version_without_evidence_has_no_evaluation_results_and_no_model_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = with_evidence(dir.path());
    ws.save_card("Fraud Scorer", "3.2", fields())
        .expect("a card of a version without evidence");
    let card = ws
        .model_card("Fraud Scorer", Some("3.2"), None)
        .expect("the card");
    assert!(
        card.evidence.is_none(),
        "3.1's evidence is not 3.2's: {:?}",
        card.evidence
    );
    let md = ws
        .card_markdown("Fraud Scorer", Some("3.2"), None)
        .expect("markdown");
    let meta = yaml_metadata(dir.path(), &md);
    assert!(
        meta.get("model-index").is_none() && meta["steward"].get("evidence_status").is_none(),
        "no results, no model-index and no status: {meta}"
    );
    assert!(md.contains("No validation evidence"), "{md}");
}

#[test]
fn the_signed_pdf_with_evidence_is_valid_for_pdfsig_and_says_which_segment_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let ws = with_evidence(&data);
    let signer = crate::support::signer(dir.path(), "Ann Lee", "Model risk");
    let path = dir.path().join("card.pdf");
    ws.write_card_export("Fraud Scorer", None, None, "pdf", Some(&signer), &path)
        .expect("the signed PDF");
    let file = path.to_str().expect("utf-8");
    let said = run_ok(dir.path(), "pdfsig", &[file]);
    assert!(
        said.contains("Signature is Valid."),
        "pdfsig accepts the card with its evidence tables: {said}"
    );
    run_ok(dir.path(), "qpdf", &["--check", file]);
    let text = run_ok(dir.path(), "pdftotext", &[file, "-"]);
    for want in [
        "Evaluation",
        "Checks against the evidence policy",
        "Validation runs",
        "Shadow comparisons: new against incumbent",
        "Bias results",
        "Fairness bound",
        "Not met (0.8 to 1.25)",
        "disparity ratio 0.7 is outside 0.8 to 1.25",
    ] {
        assert!(text.contains(want), "the PDF says {want:?}:\n{text}");
    }
}
