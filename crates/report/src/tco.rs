//! The TCO report of one scenario: the answer first (the cheapest option by NPV, by how much it
//! beats each other and when their break-evens fall), the comparison of the options (totals, NPV,
//! cost per 1,000 inferences, costs by year and by driver, drivers that cost nothing left out),
//! the cumulative-cost chart, the break-even month of each pair, the inputs (one labelled table
//! for the scenario and one per option, with units and currency), and the sensitivity table and
//! its tornado charts. Built from a scenario and its computed result;
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

/// One input as a reader sees it: its label (with the row of a list it belongs to), its value
/// written out, and its unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub label: String,
    pub value: String,
    pub unit: String,
}

/// How an input's number reads, from its key.
enum Unit {
    /// A fraction written as a percentage ("0.08" is 8%).
    Share(&'static str),
    /// Money in the scenario's currency, per the given period or thing (may be empty).
    Money(&'static str),
    /// A plain quantity with its unit (may be empty).
    Plain(&'static str),
}

fn unit_of(key: &str) -> Unit {
    match key {
        "discount_rate" | "coverage" | "peak_share" | "share" | "reduction" => Unit::Share(""),
        "support_rate_per_year" => Unit::Share("of the server price a year"),
        k if k.ends_with("_growth_per_year") => Unit::Share("a year"),
        "gpu_rate_per_hour" | "cpu_rate_per_hour" | "instance_rate_per_hour" => {
            Unit::Money("per hour")
        }
        "storage_per_gb_month" => Unit::Money("per GB-month"),
        "price_per_gb" => Unit::Money("per GB"),
        "price_per_kwh" => Unit::Money("per kWh"),
        "staff_cost_per_year" => Unit::Money("per FTE a year"),
        "managed_fees_per_month" | "rack_per_month" => Unit::Money("per month"),
        "managed_fees_per_model_month" => Unit::Money("per model a month"),
        "monthly_per_instance" => Unit::Money("per instance a month"),
        "upfront_per_instance" => Unit::Money("per instance, once"),
        "server_price" => Unit::Money("per server"),
        "horizon_months" => Unit::Plain("months"),
        "from_month" => Unit::Plain("month"),
        "term_years" | "refresh_years" => Unit::Plain("years"),
        "inferences_per_month" => Unit::Plain("a month"),
        "retrains_per_year" => Unit::Plain("a year"),
        "gpu_hours_per_retrain" | "cpu_hours_per_retrain" => Unit::Plain("hours per retrain"),
        "storage_gb" | "up_to_gb" => Unit::Plain("GB"),
        "egress_gb_per_month" => Unit::Plain("GB a month"),
        "server_kw" => Unit::Plain("kW per server"),
        "staff_fte" => Unit::Plain("FTE"),
        _ => Unit::Plain(""),
    }
}

/// "gpu_rate_per_hour" -> "GPU rate per hour".
fn key_label(key: &str) -> String {
    let words: Vec<&str> = key
        .split('_')
        .map(|w| match w {
            "gpu" => "GPU",
            "cpu" => "CPU",
            "gb" => "GB",
            "pue" => "PUE",
            "kw" => "kW",
            "kwh" => "kWh",
            "fte" => "FTE",
            other => other,
        })
        .collect();
    let text = words.join(" ");
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// "Price per GB" -> "price per GB", but "CPU hours" stays: a label after a colon.
fn lower_first(label: &str) -> String {
    let mut c = label.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if b.is_lowercase() => a.to_lowercase().chain([b]).chain(c).collect(),
        _ => label.to_string(),
    }
}

/// 1234567.891 -> "1,234,567.89"; whole numbers without decimals.
fn number(v: f64) -> String {
    let decimals = if v.fract() == 0.0 {
        0
    } else if v.abs() < 1.0 {
        4
    } else {
        2
    };
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let frac = frac.trim_end_matches('0');
    format!(
        "{}{grouped}{}{frac}",
        if v < 0.0 { "-" } else { "" },
        if frac.is_empty() { "" } else { "." }
    )
}

fn input(label: String, key: &str, v: &serde_json::Value, currency: &str) -> Option<Input> {
    use serde_json::Value as J;
    let (value, unit) = match (v, unit_of(key)) {
        (J::Null, _) => return None,
        (J::Number(n), Unit::Share(per)) => {
            let x = n.as_f64()? * 100.0;
            (
                format!("{}%", number((x * 1e6).round() / 1e6)),
                per.to_string(),
            )
        }
        (J::Number(n), Unit::Money(per)) => (
            number(n.as_f64()?),
            if per.is_empty() {
                currency.to_string()
            } else {
                format!("{currency} {per}")
            },
        ),
        (J::Number(n), Unit::Plain(u)) => (number(n.as_f64()?), u.to_string()),
        (J::String(t), _) => (t.clone(), String::new()),
        (J::Array(a), _) => (
            a.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            String::new(),
        ),
        (other, _) => (other.to_string(), String::new()),
    };
    Some(Input { label, value, unit })
}

/// The inputs under `v`, labelled with `context` (e.g. "Egress band 2: ").
fn inputs_under(v: &serde_json::Value, context: &str, currency: &str, out: &mut Vec<Input>) {
    let serde_json::Value::Object(o) = v else {
        return;
    };
    for (k, v) in o {
        match v {
            serde_json::Value::Object(_) => {
                inputs_under(v, &format!("{context}{}: ", key_label(k)), currency, out)
            }
            serde_json::Value::Array(a) if a.iter().any(|x| x.is_object()) => {
                let row = match k.as_str() {
                    "egress_tiers" => "Egress band",
                    "parts" => "Part",
                    other => other,
                };
                for (i, x) in a.iter().enumerate() {
                    inputs_under(x, &format!("{context}{row} {}: ", i + 1), currency, out);
                }
            }
            _ => {
                let label = if context.is_empty() {
                    key_label(k)
                } else {
                    format!("{context}{}", lower_first(&key_label(k)))
                };
                out.extend(input(label, k, v, currency));
            }
        }
    }
}

/// The scenario's own inputs (horizon, discounting, workload, lever) and each option's, labelled
/// with their units in the scenario's currency: what the report lists, one table each.
pub fn tco_inputs(s: &Scenario) -> (Vec<Input>, Vec<(String, Vec<Input>)>) {
    let value = serde_json::to_value(s).unwrap_or(serde_json::Value::Null);
    let mut scenario = Vec::new();
    if let serde_json::Value::Object(o) = &value {
        let mut own = serde_json::Map::new();
        for k in ["horizon_months", "discount_rate", "workload", "lever"] {
            if let Some(v) = o.get(k) {
                own.insert(k.to_string(), v.clone());
            }
        }
        inputs_under(
            &serde_json::Value::Object(own),
            "",
            &s.currency,
            &mut scenario,
        );
    }
    let options = s
        .options
        .iter()
        .map(|opt| {
            let mut rows = Vec::new();
            let mut v = serde_json::to_value(opt).unwrap_or(serde_json::Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.remove("name");
                // The option's fields sit under its kind's key; the table is titled by the kind.
                let inner = o.values().next().cloned().unwrap_or_default();
                inputs_under(&inner, "", &s.currency, &mut rows);
            }
            (opt.name.clone(), rows)
        })
        .collect();
    (scenario, options)
}

fn inputs_table(title: String, rows: Vec<Input>) -> Table {
    let mut t = Table::new(
        title,
        vec![
            Column::new("Input", ColumnKind::Text),
            Column::new("Value", ColumnKind::Text),
            Column::new("Unit", ColumnKind::Text),
        ],
    );
    t.rows = rows
        .into_iter()
        .map(|i| vec![Cell::Text(i.label), Cell::Text(i.value), Cell::Text(i.unit)])
        .collect();
    t
}

/// The answer, first: the cheapest option by NPV and by how much it beats each other option,
/// and when each break-even with it falls.
fn answer(r: &TcoResult) -> Vec<KeyValue> {
    let name = |i: usize| r.options.get(i).map_or("", |o| o.name.as_str());
    let c = r.cheapest as usize;
    let Some(best) = r.options.get(c) else {
        return Vec::new();
    };
    let mut out = vec![KeyValue::new(
        "Cheapest by NPV",
        format!(
            "{}: NPV {} {} over {} months",
            best.name,
            number(best.npv.round()),
            r.currency,
            r.horizon_months
        ),
    )];
    let mut others: Vec<usize> = (0..r.options.len()).filter(|i| *i != c).collect();
    others.sort_by(|a, b| r.options[*a].npv.total_cmp(&r.options[*b].npv));
    for i in others {
        let o = &r.options[i];
        let more = o.npv - best.npv;
        let pct = if best.npv != 0.0 {
            format!(" ({:.1}%)", more / best.npv.abs() * 100.0)
        } else {
            String::new()
        };
        let mut line = format!(
            "NPV {} {}, {} {}{pct} more",
            number(o.npv.round()),
            r.currency,
            number(more.round()),
            r.currency
        );
        if let Some(b) = r.break_even.iter().find(|b| {
            (b.a as usize, b.b as usize) == (c, i) || (b.a as usize, b.b as usize) == (i, c)
        }) {
            line.push_str(&match (b.month, b.cheaper) {
                (Some(m), Some(w)) => format!(
                    "; break-even in month {m}, after which {} stays cheaper",
                    name(w as usize)
                ),
                (None, Some(w)) => format!("; {} is cheaper in every month", name(w as usize)),
                _ => "; the two tie".to_string(),
            });
        }
        out.push(KeyValue::new(o.name.clone(), line));
    }
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

    let (scenario_inputs, option_inputs) = tco_inputs(scenario);
    let mut assumptions = Section::new("Inputs");
    if !scenario.description.trim().is_empty() {
        assumptions.blocks.push(Block::Paragraph {
            text: scenario.description.clone(),
        });
    }
    assumptions.blocks.push(Block::Paragraph {
        text: format!(
            "Every input of the scenario, with its unit; money is in {}. docs/tco.md gives the \
             formulas.",
            r.currency
        ),
    });
    assumptions.blocks.push(Block::Table(inputs_table(
        "Scenario".into(),
        scenario_inputs,
    )));
    for ((name, rows), o) in option_inputs.into_iter().zip(&scenario.options) {
        let kind = o.kind.option_type().label();
        let title = if name.eq_ignore_ascii_case(kind) {
            name
        } else {
            format!("{name} ({kind})")
        };
        assumptions
            .blocks
            .push(Block::Table(inputs_table(title, rows)));
    }

    let mut answer_section = Section::new("Answer");
    answer_section
        .blocks
        .push(Block::KeyValues { items: answer(r) });

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
        // A driver that costs this option nothing is left out, not listed as a row of zeros.
        for l in o.lines.iter().filter(|l| l.total != 0.0) {
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
        sections: vec![answer_section, compare, break_even, assumptions, sensitivity],
        signature: Some(SignatureBlock {
            title: "Digital signature".into(),
            statement: "This report is digitally signed. Any change to it after signing \
                        invalidates the signature."
                .into(),
            signer: None,
        }),
    }
}
