//! `steward portfolio`: the portfolio overview the app opens on, as text tables or JSON.

use std::process::ExitCode;

use anyhow::Result;
use steward_core::api::portfolio::PortfolioOverview;
use steward_core::api::Workspace;

use crate::output::{self, money};

pub fn run(ws: &Workspace, json: bool) -> Result<ExitCode> {
    let o = ws.portfolio_overview()?;
    if json {
        output::json(&o)?;
    } else {
        print(&o);
    }
    Ok(ExitCode::SUCCESS)
}

fn heading(text: String) {
    println!("\n{text}");
}

fn print(o: &PortfolioOverview) {
    println!(
        "Portfolio on {}: {} systems, {} proposed (the pipeline)",
        o.today, o.systems, o.pipeline
    );

    heading("Systems by stage and risk tier".into());
    let mut headers = vec!["Stage"];
    headers.extend(o.tiers.iter().map(|t| t.label()));
    headers.push("Total");
    let rows: Vec<Vec<String>> = o
        .matrix
        .iter()
        .map(|r| {
            let mut row = vec![r.stage.label().to_string()];
            row.extend(r.by_tier.iter().map(u32::to_string));
            row.push(r.total.to_string());
            row
        })
        .collect();
    output::table(&headers, &rows);

    heading(format!(
        "KPIs in breach: {} of {}",
        o.breaches.len(),
        o.kpis
    ));
    if !o.breaches.is_empty() {
        let rows: Vec<Vec<String>> = o
            .breaches
            .iter()
            .map(|k| {
                vec![
                    k.system.clone(),
                    k.kpi.clone(),
                    k.latest_period.clone().unwrap_or_else(|| "missing".into()),
                    k.latest_value
                        .map_or("missing".into(), |v| format!("{v} {}", k.unit)),
                    k.consecutive_breaches.to_string(),
                ]
            })
            .collect();
        output::table(
            &[
                "System",
                "KPI",
                "Latest period",
                "Latest value",
                "Breaches in a row",
            ],
            &rows,
        );
    }

    heading(format!("Open escalations: {}", o.escalations.len()));
    if !o.escalations.is_empty() {
        let rows: Vec<Vec<String>> = o
            .escalations
            .iter()
            .map(|e| {
                vec![
                    format!("#{}", e.id),
                    e.system.clone(),
                    e.kpi.clone(),
                    e.level_name.clone(),
                    e.breaches.to_string(),
                    e.due_date.clone(),
                    e.state.label().into(),
                ]
            })
            .collect();
        output::table(
            &["Id", "System", "KPI", "Level", "Breaches", "Due", "State"],
            &rows,
        );
    }

    heading(format!("Overdue calendar items: {}", o.overdue.len()));
    if !o.overdue.is_empty() {
        let rows: Vec<Vec<String>> = o
            .overdue
            .iter()
            .map(|x| {
                vec![
                    x.date.to_string(),
                    x.system.clone().unwrap_or_default(),
                    x.title.clone(),
                    x.owner.clone().unwrap_or_default(),
                ]
            })
            .collect();
        output::table(&["Due", "System", "Item", "Owner"], &rows);
    }

    heading(format!("Sign-off requests waiting: {}", o.signoffs.len()));
    if !o.signoffs.is_empty() {
        let rows: Vec<Vec<String>> = o
            .signoffs
            .iter()
            .map(|s| {
                vec![
                    format!("#{}", s.request_id),
                    s.system.clone(),
                    s.gate.label().into(),
                    s.status.label().into(),
                    format!("{} of {}", s.approvals, s.quorum),
                    s.deadline.to_string(),
                ]
            })
            .collect();
        output::table(
            &[
                "Request",
                "System",
                "Gate",
                "Status",
                "Approvals",
                "Deadline",
            ],
            &rows,
        );
    }

    let next = &o.next_review;
    let date = next
        .date
        .map_or(String::new(), |d| format!(", meeting on {d}"));
    match &next.review {
        Some(r) => heading(format!(
            "Next review: {} ({}{date}, {} systems in scope)",
            next.period,
            r.state.label().to_lowercase(),
            r.systems
        )),
        None => heading(format!(
            "Next review: {} (not opened yet{date})",
            next.period
        )),
    }
    match &o.latest_review {
        Some(r) => println!(
            "Latest review: {} ({}, {} of {} systems decided)",
            r.period,
            r.state.label().to_lowercase(),
            r.decided,
            r.systems
        ),
        None => println!("Latest review: none frozen yet"),
    }

    let vc = &o.value_cost;
    heading(format!(
        "Value against running cost ({}): {} systems in service plotted",
        vc.period,
        vc.points.len()
    ));
    if !vc.points.is_empty() {
        let rows: Vec<Vec<String>> = vc
            .points
            .iter()
            .map(|p| {
                vec![
                    p.system.clone(),
                    p.risk_tier.label().into(),
                    money(p.run_cost),
                    money(p.annual_value),
                ]
            })
            .collect();
        output::table(
            &[
                "System",
                "Risk tier",
                "Running cost per year",
                "Value per year",
            ],
            &rows,
        );
    }
    for (what, cost, value) in [
        ("running cost", true, false),
        ("value", false, true),
        ("running cost and value", true, true),
    ] {
        let names: Vec<&str> = vc
            .not_plotted
            .iter()
            .filter(|n| n.missing_cost == cost && n.missing_value == value)
            .map(|n| n.system.as_str())
            .collect();
        if !names.is_empty() {
            println!("Not plotted, missing {what}: {}", names.join(", "));
        }
    }
}
