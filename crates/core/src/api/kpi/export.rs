//! Exporting the KPI register: the workbook (measurements that import back, KPIs with their
//! status, links, escalations, and an Excel chart per KPI) and the measurements as CSV. It only
//! reads through the views; rendering the bytes is `crate::export`'s, and nothing here writes to
//! the workspace.

use std::collections::HashMap;
use std::path::Path;

use crate::api::Workspace;
use crate::export::{self, kpi_workbook, ExportFormat, SeriesChart, Sheet};
use crate::import::measurements;
use crate::{Error, Result};

/// At most this many KPIs get an Excel chart in an export; the data of every KPI is exported.
pub const MAX_EXPORT_CHARTS: usize = 250;

impl Workspace {
    /// Exports the KPI register and measurements. .xlsx: sheets Measurements (the import's
    /// columns, so the file imports back), KPIs (with latest status), Links, Escalations, and
    /// Charts (an Excel line chart per KPI, up to [`MAX_EXPORT_CHARTS`]). .csv: the measurements.
    /// Returns how many measurements were written.
    pub fn export_kpis(&self, format: ExportFormat, out: &Path) -> Result<usize> {
        use crate::import::table::Cell as C;
        let created = self.ctx.clock.now();
        let sheet = |name: &str, title: &str, headers: &[&str], rows: Vec<Vec<C>>| Sheet {
            name: name.into(),
            title: title.into(),
            subject: "KPI linkage, exported from Steward".into(),
            created,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        };
        let text = |s: &str| {
            if s.is_empty() {
                C::Empty
            } else {
                C::Text(s.to_string())
            }
        };
        let status = self.kpi_status()?;
        let names: HashMap<i64, (&str, &str, &str)> = status
            .iter()
            .map(|s| {
                (
                    s.kpi_id,
                    (s.system.as_str(), s.kpi.as_str(), s.unit.as_str()),
                )
            })
            .collect();
        let all = self.store.all_measurements()?;
        let mut charts = Vec::new();
        let mut rows = Vec::with_capacity(all.len());
        let mut start = 0usize;
        for (i, m) in all.iter().enumerate() {
            let (system, kpi, unit) = names.get(&m.kpi_id).copied().unwrap_or(("", "", ""));
            rows.push(vec![
                text(system),
                text(kpi),
                text(&m.period),
                C::Number(m.value),
                text(&m.source),
                text(&m.note),
            ]);
            let last_of_kpi = all.get(i + 1).is_none_or(|n| n.kpi_id != m.kpi_id);
            if last_of_kpi {
                if charts.len() < MAX_EXPORT_CHARTS {
                    charts.push(SeriesChart {
                        title: format!("{system}: {kpi}"),
                        unit: unit.to_string(),
                        first_row: start as u32 + 1,
                        last_row: i as u32 + 1,
                        category_col: 2,
                        value_col: 3,
                    });
                }
                start = i + 1;
            }
        }
        let n = rows.len();
        let measurements = sheet(
            "Measurements",
            "KPI measurements",
            &measurements::headers(),
            rows,
        );
        if format == ExportFormat::Csv {
            export::write_file(&measurements, format, out)?;
            return Ok(n);
        }
        let opt = |v: Option<f64>| v.map_or(C::Empty, C::Number);
        let kpi_rows = status
            .iter()
            .map(|s| {
                vec![
                    text(&s.system),
                    text(&s.kpi),
                    text(s.kind.label()),
                    text(&s.unit),
                    text(s.direction.label()),
                    C::Number(s.target),
                    C::Number(s.warning),
                    C::Number(s.breach),
                    text(s.cadence.label()),
                    text(s.latest_period.as_deref().unwrap_or("")),
                    opt(s.latest_value),
                    text(s.status.map_or("", |x| x.label())),
                    C::Number(f64::from(s.consecutive_breaches)),
                ]
            })
            .collect();
        let link_rows = self
            .kpi_links()?
            .iter()
            .map(|l| {
                vec![
                    text(&l.from_system),
                    text(&l.from_kpi),
                    text(&l.to_system),
                    text(&l.to_kpi),
                    C::Number(l.link.effect_per_unit),
                    text(&l.link.note),
                ]
            })
            .collect();
        let o = |s: &Option<String>| text(s.as_deref().unwrap_or(""));
        let esc_rows = self
            .escalations(None)?
            .iter()
            .map(|e| {
                vec![
                    C::Number(e.id as f64),
                    text(&e.system),
                    text(&e.kpi),
                    C::Number(f64::from(e.level)),
                    text(&e.level_name),
                    text(&e.run_start),
                    text(&e.opened_period),
                    text(&e.level_period),
                    C::Number(f64::from(e.breaches)),
                    text(&e.due_date),
                    text(e.state.label()),
                    o(&e.acknowledged_by),
                    o(&e.acknowledged_at),
                    o(&e.acknowledged_note),
                    o(&e.resolved_by),
                    o(&e.resolved_at),
                    o(&e.resolved_note),
                ]
            })
            .collect();
        let sheets = [
            measurements,
            sheet(
                "KPIs",
                "KPIs",
                &[
                    "System",
                    "KPI",
                    "Kind",
                    "Unit",
                    "Direction",
                    "Target",
                    "Warning",
                    "Breach",
                    "Cadence",
                    "Latest period",
                    "Latest value",
                    "Status",
                    "Consecutive breaches",
                ],
                kpi_rows,
            ),
            sheet(
                "Links",
                "KPI links",
                &[
                    "Driver system",
                    "Driver KPI",
                    "Outcome system",
                    "Outcome KPI",
                    "Effect per unit",
                    "Note",
                ],
                link_rows,
            ),
            sheet(
                "Escalations",
                "Escalations",
                &[
                    "Id",
                    "System",
                    "KPI",
                    "Level",
                    "Goes to",
                    "Run start",
                    "Opened period",
                    "Level period",
                    "Breaches",
                    "Due date",
                    "State",
                    "Acknowledged by",
                    "Acknowledged at",
                    "Acknowledgement note",
                    "Resolved by",
                    "Resolved at",
                    "Resolution note",
                ],
                esc_rows,
            ),
        ];
        let bytes = kpi_workbook(&sheets, &charts)
            .map_err(|e| Error::io(out, format!("cannot write the xlsx export: {e}")))?;
        export::write_bytes(&bytes, out)?;
        Ok(n)
    }
}
