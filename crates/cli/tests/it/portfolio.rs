//! `steward portfolio`: the overview of the sample portfolio as JSON and as tables, checked
//! against the other commands' own lists, and of an empty workspace.

use predicates::str::contains;

use crate::support::Ws;

#[test]
fn the_sample_overview_agrees_with_the_register_kpis_and_reviews() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let o = ws.json(&["portfolio"]);

    let systems = ws.json(&["systems", "list"]);
    let systems = systems.as_array().expect("a list");
    assert_eq!(
        o["systems"].as_u64(),
        Some(systems.len() as u64),
        "every system counted"
    );
    let matrix_total: u64 = o["matrix"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["total"].as_u64().expect("a total"))
        .sum();
    assert_eq!(
        matrix_total,
        systems.len() as u64,
        "the matrix holds each system once"
    );
    let proposed = systems.iter().filter(|s| s["stage"] == "proposed").count() as u64;
    assert_eq!(
        o["pipeline"].as_u64(),
        Some(proposed),
        "proposals are the pipeline"
    );

    let status = ws.json(&["kpi", "status"]);
    let breaching = status
        .as_array()
        .expect("a list")
        .iter()
        .filter(|k| k["status"] == "breach")
        .count();
    assert!(breaching > 0, "the sample has breaches");
    assert_eq!(
        o["breaches"].as_array().expect("a list").len(),
        breaching,
        "the KPIs `kpi status` shows in breach"
    );

    let reviews = ws.json(&["review", "list"]);
    let draft = reviews
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["state"] == "draft")
        .expect("today's quarter is a draft");
    assert_eq!(
        o["next_review"]["period"], draft["period"],
        "the draft is next"
    );

    for p in o["value_cost"]["points"].as_array().expect("points") {
        assert!(
            p["run_cost"].is_number() && p["annual_value"].is_number(),
            "a plotted point has both figures: {p}"
        );
    }
}

#[test]
fn the_text_overview_has_a_table_per_figure() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    ws.cmd()
        .arg("portfolio")
        .assert()
        .success()
        .stdout(contains("Systems by stage and risk tier"))
        .stdout(contains("Proposed"))
        .stdout(contains("KPIs in breach:"))
        .stdout(contains("Breaches in a row"))
        .stdout(contains("Open escalations:"))
        .stdout(contains("Overdue calendar items:"))
        .stdout(contains("Sign-off requests waiting:"))
        .stdout(contains("Next review:"))
        .stdout(contains("Latest review:"))
        .stdout(contains("Value against running cost"));
}

#[test]
fn an_empty_workspace_shows_zeros_and_nothing_plotted() {
    let ws = Ws::new();
    let o = ws.json(&["portfolio"]);
    assert_eq!(o["systems"], 0);
    assert_eq!(o["breaches"].as_array().map(Vec::len), Some(0));
    assert_eq!(o["value_cost"]["points"].as_array().map(Vec::len), Some(0));
    assert!(
        o["latest_review"].is_null(),
        "no review yet reads as none, not an empty one"
    );
    ws.cmd()
        .arg("portfolio")
        .assert()
        .success()
        .stdout(contains("0 systems"))
        .stdout(contains("Latest review: none frozen yet"));
}
