//! The trend chart of one KPI as a report chart (its values with target, warning and breach as
//! flat lines). It only shapes data: rendering is `crate::report`'s, and it reads no workspace.

use crate::kpi::{Cadence, Kpi, Measurement};
use crate::report::{Chart, ChartKind, ColumnKind, Series};

/// The trend chart of a KPI: its values with target, warning and breach as flat lines.
pub fn trend_chart(k: &Kpi, system: &str, ms: &[Measurement]) -> Chart {
    let n = ms.len();
    let flat = |name: &str, v: f64| Series {
        name: name.to_string(),
        values: vec![Some(v); n],
    };
    Chart {
        title: format!("{system}: {}", k.draft.name),
        kind: ChartKind::Line,
        stacked: false,
        categories: ms.iter().map(|m| m.period.clone()).collect(),
        series: vec![
            Series {
                name: k.draft.name.clone(),
                values: ms.iter().map(|m| Some(m.value)).collect(),
            },
            flat("Target", k.draft.target),
            flat("Warning", k.draft.warning),
            flat("Breach", k.draft.breach),
        ],
        category_label: match k.draft.cadence {
            Cadence::Monthly => "Month".into(),
            Cadence::Quarterly => "Quarter".into(),
        },
        value_label: k.draft.unit.clone(),
        value_kind: ColumnKind::Number { decimals: 2 },
        points: Vec::new(),
    }
}
