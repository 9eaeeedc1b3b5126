//! The TCO report of one scenario: its assumptions (every input, by the key it has in the
//! scenario file), the comparison of the options (totals, NPV, cost per 1,000 inferences, costs
//! by year and by driver), the cumulative-cost chart, the sensitivity table and its tornado
//! charts, and the break-even month of each pair. Built from a scenario and its computed result;
//! time, person and workspace are passed in.

use chrono::{DateTime, Utc};

use super::{
    Block, Cell, Chart, ChartKind, Column, ColumnKind, KeyValue, Orientation, Report, Section,
    Series, SignatureBlock, Table,
};
use steward_tco::{Scenario, TcoResult};

/// The chart of each option's cumulative cost, month by month.
pub fn tco_cumulative_chart(r: &TcoResult) -> Chart {
    Chart {
        title: "Cumulative cost".into(),
        kind: ChartKind::Line,
        stacked: false,
        categories: (1..=r.horizon_months).map(|m| m.to_string()).collect(),
        series: r
            .options
            .iter()
            .map(|o| Series {
                name: o.name.clone(),
                values: o.cumulative.iter().map(|v| Some(*v)).collect(),
            })
            .collect(),
        category_label: "Month".into(),
        value_label: format!("Cumulative cost ({})", r.currency),
        value_kind: ColumnKind::Currency {
            code: r.currency.clone(),
        },
        points: Vec::new(),
    }
}

/// The tornado chart of one option: the NPV change when each driver moves by -20% and +20%,
/// the widest swing on top; drivers that do not move this option's NPV are left out.
pub fn tco_tornado_chart(r: &TcoResult, option: usize) -> Chart {
    let mut rows: Vec<(&str, f64, f64)> = r
        .sensitivity
        .iter()
        .filter_map(|s| {
            let (lo, hi) = (*s.low.get(option)?, *s.high.get(option)?);
            (lo != 0.0 || hi != 0.0).then_some((s.label.as_str(), lo, hi))
        })
        .collect();
    rows.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()));
    let name = r.options.get(option).map_or("", |o| o.name.as_str());
    Chart {
        title: format!("Sensitivity of the NPV: {name}"),
        kind: ChartKind::HorizontalBar,
        stacked: true,
        categories: rows.iter().map(|x| x.0.to_string()).collect(),
        series: vec![
            Series {
                name: "Driver -20%".into(),
                values: rows.iter().map(|x| Some(x.1)).collect(),
            },
            Series {
                name: "Driver +20%".into(),
                values: rows.iter().map(|x| Some(x.2)).collect(),
            },
        ],
        category_label: String::new(),
        value_label: format!("NPV change ({})", r.currency),
        value_kind: ColumnKind::Currency {
            code: r.currency.clone(),
        },
        points: Vec::new(),
    }
}

/// Every input of the scenario as (key path, value), sorted by key path: what the report lists as
/// its assumptions.
pub fn tco_inputs(s: &Scenario) -> Vec<(String, String)> {
    fn walk(path: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        use serde_json::Value as J;
        match v {
            J::Null => {}
            J::Object(o) => {
                for (k, v) in o {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(&p, v, out);
                }
            }
            J::Array(a) if a.iter().all(|x| !x.is_object()) => {
                let items: Vec<String> = a.iter().map(scalar).collect();
                out.push((path.to_string(), items.join(", ")));
            }
            J::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), v, out);
                }
            }
            other => out.push((path.to_string(), scalar(other))),
        }
    }
    fn scalar(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    let mut out = Vec::new();
    let mut value = serde_json::to_value(s).unwrap_or(serde_json::Value::Null);
    if let Some(o) = value.as_object_mut() {
        // Said in the metadata; the options are listed last, in their own table rows.
        for k in ["name", "description", "systems", "currency"] {
            o.remove(k);
        }
    }
    walk("", &value, &mut out);
    out
}

/// The report of `scenario` whose computed result is `r`.
pub fn tco_report(
    scenario: &Scenario,
    r: &TcoResult,
    workspace: &str,
    generated_at: DateTime<Utc>,
    generated_by: &str,
) -> Report {
    let money = ColumnKind::Currency {
        code: r.currency.clone(),
    };
    let cheapest = r
        .options
        .get(r.cheapest as usize)
        .map_or_else(String::new, |o| o.name.clone());
    let systems = if scenario.systems.is_empty() {
        "none".to_string()
    } else {
        scenario.systems.join(", ")
    };
    let metadata = vec![
        KeyValue::new("Workspace", workspace),
        KeyValue::new(
            "Generated at",
            generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        KeyValue::new("Generated by", generated_by),
        KeyValue::new("AI systems", systems),
        KeyValue::new(
            "Horizon",
            format!("{} months, prices in {}", r.horizon_months, r.currency),
        ),
        KeyValue::new(
            "Discounting",
            format!(
                "{:.2}% a year, monthly at (1 + r)^(1/12) - 1 = {:.4}% a month; each month's cost \
                 falls at its end",
                scenario.discount_rate * 100.0,
                r.monthly_rate * 100.0
            ),
        ),
        KeyValue::new("Cheapest by NPV", cheapest.clone()),
    ];

    let mut inputs = Table::new(
        "Inputs",
        vec![
            Column::new("Key", ColumnKind::Text),
            Column::new("Value", ColumnKind::Text),
        ],
    );
    inputs.rows = tco_inputs(scenario)
        .into_iter()
        .map(|(k, v)| vec![Cell::Text(k), Cell::Text(v)])
        .collect();
    let mut assumptions = Section::new("Assumptions");
    if !scenario.description.trim().is_empty() {
        assumptions.blocks.push(Block::Paragraph {
            text: scenario.description.clone(),
        });
    }
    assumptions.blocks.push(Block::Paragraph {
        text: "Every input of the scenario, by its key in the scenario file (docs/tco.md gives \
               the formulas). Rates and shares are fractions: 0.08 is 8%."
            .into(),
    });
    assumptions.blocks.push(Block::Table(inputs));

    let mut comparison = Table::new(
        "Comparison",
        vec![
            Column::new("Option", ColumnKind::Text),
            Column::new("Type", ColumnKind::Text),
            Column::new("Total cost", money.clone()),
            Column::new("NPV", money.clone()),
            Column::new("Per 1,000 inferences", ColumnKind::Number { decimals: 4 }),
            Column::new("Rank by NPV", ColumnKind::Integer),
        ],
    );
    let mut by_npv: Vec<usize> = (0..r.options.len()).collect();
    by_npv.sort_by(|a, b| r.options[*a].npv.total_cmp(&r.options[*b].npv));
    comparison.rows = r
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let rank = by_npv.iter().position(|x| *x == i).unwrap_or(i) + 1;
            vec![
                Cell::Text(o.name.clone()),
                Cell::Text(o.kind.label().into()),
                Cell::Number(o.total),
                Cell::Number(o.npv),
                o.cost_per_1k_inferences.into(),
                Cell::from(rank),
            ]
        })
        .collect();

    let mut yearly_cols = vec![Column::new("Year", ColumnKind::Integer)];
    yearly_cols.extend(
        r.options
            .iter()
            .map(|o| Column::new(o.name.clone(), money.clone())),
    );
    let mut yearly = Table::new("Costs by year", yearly_cols);
    let years = r.options.first().map_or(0, |o| o.yearly.len());
    yearly.rows = (0..years)
        .map(|y| {
            let mut row = vec![Cell::from(y + 1)];
            row.extend(r.options.iter().map(|o| Cell::Number(o.yearly[y].total)));
            row
        })
        .collect();
    let mut totals = vec![Cell::Text("Total".into())];
    totals.extend(r.options.iter().map(|o| Cell::Number(o.total)));
    yearly.totals = Some(totals);

    let mut drivers = Table::new(
        "Costs by driver",
        vec![
            Column::new("Option", ColumnKind::Text),
            Column::new("Driver", ColumnKind::Text),
            Column::new("Total", money.clone()),
            Column::new("Share of the option", ColumnKind::Percent { decimals: 1 }),
        ],
    );
    for o in &r.options {
        for l in &o.lines {
            let share = if o.total != 0.0 {
                Cell::Number(l.total / o.total)
            } else {
                Cell::Empty
            };
            drivers.rows.push(vec![
                Cell::Text(o.name.clone()),
                Cell::Text(l.driver.label().into()),
                Cell::Number(l.total),
                share,
            ]);
        }
    }

    let mut compare = Section::new("Comparison");
    compare.blocks.push(Block::Paragraph {
        text: format!(
            "{cheapest} has the lowest net present value over {} months.",
            r.horizon_months
        ),
    });
    compare.blocks.push(Block::Table(comparison));
    compare.blocks.push(Block::Chart(tco_cumulative_chart(r)));
    compare.blocks.push(Block::Table(yearly));
    compare.blocks.push(Block::Table(drivers));

    let mut breaks = Table::new(
        "Break-even",
        vec![
            Column::new("Option A", ColumnKind::Text),
            Column::new("Option B", ColumnKind::Text),
            Column::new("Break-even month", ColumnKind::Text),
            Column::new("Cheaper at the horizon", ColumnKind::Text),
        ],
    );
    let name = |i: u32| {
        r.options
            .get(i as usize)
            .map_or_else(String::new, |o| o.name.clone())
    };
    breaks.rows = r
        .break_even
        .iter()
        .map(|b| {
            let month = match (b.month, b.cheaper) {
                (Some(m), _) => m.to_string(),
                (None, Some(_)) => "none: cheaper throughout".into(),
                (None, None) => "none: a tie".into(),
            };
            vec![
                Cell::Text(name(b.a)),
                Cell::Text(name(b.b)),
                Cell::Text(month),
                Cell::Text(b.cheaper.map_or_else(|| "tie".into(), name)),
            ]
        })
        .collect();
    let mut break_even = Section::new("Break-even");
    break_even.blocks.push(Block::Paragraph {
        text: "The break-even month of a pair is the first month after which the cheaper \
               option's cumulative cost stays below the other's to the horizon."
            .into(),
    });
    break_even.blocks.push(Block::Table(breaks));

    let mut sens_cols = vec![Column::new("Driver", ColumnKind::Text)];
    for o in &r.options {
        sens_cols.push(Column::new(format!("{} -20%", o.name), money.clone()));
        sens_cols.push(Column::new(format!("{} +20%", o.name), money.clone()));
    }
    let mut sens = Table::new("Sensitivity", sens_cols);
    sens.rows = r
        .sensitivity
        .iter()
        .filter(|s| s.swing > 0.0)
        .map(|s| {
            let mut row = vec![Cell::Text(s.label.clone())];
            for (lo, hi) in s.low.iter().zip(&s.high) {
                row.push(Cell::Number(*lo));
                row.push(Cell::Number(*hi));
            }
            row
        })
        .collect();
    let mut sensitivity = Section::new("Sensitivity");
    sensitivity.orientation = Some(Orientation::Landscape);
    sensitivity.blocks.push(Block::Paragraph {
        text: "The change in each option's NPV when one driver moves by -20% and by +20%, \
               everything else unchanged; the widest swings first."
            .into(),
    });
    sensitivity.blocks.push(Block::Table(sens));
    for i in 0..r.options.len() {
        let chart = tco_tornado_chart(r, i);
        if !chart.categories.is_empty() {
            sensitivity.blocks.push(Block::Chart(chart));
        }
    }

    Report {
        title: format!("TCO comparison: {}", scenario.name),
        subtitle: format!(
            "{} options over {} months: cloud, on-premises and hybrid costs, NPV, break-even and sensitivity",
            r.options.len(),
            r.horizon_months
        ),
        workspace: workspace.to_string(),
        generated_at,
        generated_by: generated_by.to_string(),
        organisation: String::new(),
        orientation: Orientation::Portrait,
        metadata,
        sections: vec![assumptions, compare, break_even, sensitivity],
        signature: Some(SignatureBlock {
            title: "Digital signature".into(),
            statement: "This report is digitally signed. Any change to it after signing \
                        invalidates the signature."
                .into(),
            signer: None,
        }),
    }
}
