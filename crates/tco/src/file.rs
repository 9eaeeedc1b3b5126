//! The scenario file: readable, commented TOML that round-trips (`to_toml` then `from_toml` gives
//! the same scenario). Reading reports every problem at once, each naming its key path
//! (`options[2].on_prem.pue`) and what would be accepted. Text in, text out: the only file
//! access is [`read`].

use std::path::Path;

use toml::{Table, Value};

use super::model::*;
use steward_domain::error::{Error, FieldError, Result};

/// A commented example scenario (a GPU-served LLM with all four option kinds), ready to edit.
pub fn template() -> &'static str {
    include_str!("../../../tests/fixtures/tco/llm-service.toml")
}

/// Reads and validates a scenario file.
pub fn read(path: &Path) -> Result<Scenario> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    from_toml(&text)
}

/// Parses and validates a scenario from TOML text.
pub fn from_toml(text: &str) -> Result<Scenario> {
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| syntax_error(text, &e))?;
    from_table(&table)
}

/// Reads and validates a scenario given as JSON in the file's shape (what the app's editor
/// sends): the same reader as for files, so a value typed as text where a number belongs, a
/// missing key or an unknown one is named exactly as in a file. `null` counts as absent.
pub fn from_json(value: &serde_json::Value) -> Result<Scenario> {
    match json_to_toml(value) {
        Some(Value::Table(table)) => from_table(&table),
        _ => Err(Error::Validation {
            entity: ENTITY,
            fields: vec![FieldError::new(
                "scenario",
                "expected an object with the keys of a scenario file",
            )],
        }),
    }
}

fn json_to_toml(v: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => Value::Boolean(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64()?),
        },
        J::String(s) => Value::String(s.clone()),
        J::Array(a) => Value::Array(a.iter().filter_map(json_to_toml).collect()),
        J::Object(o) => Value::Table(
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), json_to_toml(v)?)))
                .collect(),
        ),
    })
}

fn from_table(table: &Table) -> Result<Scenario> {
    let mut r = Reader::default();
    let scenario = r.scenario(table);
    let mut fields = r.errors;
    if let Err(Error::Validation {
        fields: semantic, ..
    }) = validate(&scenario)
    {
        // Values that failed to read stand in as zeros: don't report them twice.
        let mut reported: Vec<String> = fields.iter().map(|f| f.field.clone()).collect();
        reported.extend(r.unread);
        fields.extend(
            semantic
                .into_iter()
                .filter(|f| !reported.iter().any(|p| covers(p, &f.field))),
        );
    }
    if fields.is_empty() {
        Ok(scenario)
    } else {
        Err(Error::Validation {
            entity: ENTITY,
            fields,
        })
    }
}

/// Whether a problem at `outer` already explains one at `inner`.
fn covers(outer: &str, inner: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn syntax_error(text: &str, e: &toml::de::Error) -> Error {
    let at = e.span().map_or(0, |s| s.start).min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Error::Validation {
        entity: ENTITY,
        fields: vec![FieldError::new(
            format!("line {line}, column {column}"),
            format!("not valid TOML: {}", e.message().trim()),
        )],
    }
}

const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "systems",
    "currency",
    "horizon_months",
    "discount_rate",
    "workload",
    "lever",
    "options",
];
const WORKLOAD_KEYS: &[&str] = &[
    "models",
    "model_growth_per_year",
    "inferences_per_month",
    "inference_growth_per_year",
    "retrains_per_year",
    "gpu_hours_per_retrain",
    "cpu_hours_per_retrain",
    "storage_gb",
    "storage_growth_per_year",
    "egress_gb_per_month",
];
const SHARED_KEYS: &[&str] = &[
    "gpu_rate_per_hour",
    "cpu_rate_per_hour",
    "storage_per_gb_month",
    "egress_tiers",
    "staff_fte",
    "staff_cost_per_year",
];
const ON_DEMAND_KEYS: &[&str] = &[
    "instance_rate_per_hour",
    "base_instances",
    "peak_instances",
    "peak_share",
    "managed_fees_per_month",
    "managed_fees_per_model_month",
];
const RESERVED_KEYS: &[&str] = &[
    "term_years",
    "coverage",
    "upfront_per_instance",
    "monthly_per_instance",
];
const ON_PREM_KEYS: &[&str] = &[
    "servers",
    "server_price",
    "refresh_years",
    "server_kw",
    "pue",
    "price_per_kwh",
    "servers_per_rack",
    "rack_per_month",
    "support_rate_per_year",
];

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the text {s:?}"),
        Value::Integer(i) => format!("the whole number {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("the boolean {b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "an array".to_string(),
        Value::Table(_) => "a table".to_string(),
    }
}

/// Stands in for an option that could not be read, so hybrids may still name it; its values
/// are never validated (see `Reader::unread`).
fn stand_in() -> OptionKind {
    let shared = SharedCosts {
        gpu_rate_per_hour: 0.0,
        cpu_rate_per_hour: 0.0,
        storage_per_gb_month: 0.0,
        egress_tiers: Vec::new(),
        staff_fte: 0.0,
        staff_cost_per_year: 0.0,
    };
    OptionKind::CloudOnDemand(CloudOnDemand {
        instance_rate_per_hour: 0.0,
        base_instances: 0.0,
        peak_instances: 0.0,
        peak_share: 0.0,
        managed_fees_per_month: 0.0,
        managed_fees_per_model_month: 0.0,
        shared,
    })
}

/// Reads values out of parsed TOML, recording a problem (and using a neutral stand-in) for every
/// missing, mistyped or unknown key.
#[derive(Default)]
struct Reader {
    errors: Vec<FieldError>,
    /// Paths whose values could not be read at all (their stand-ins are not validated).
    unread: Vec<String>,
}

impl Reader {
    fn err(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    fn known(&mut self, t: &Table, path: &str, known: &[&[&str]]) {
        for key in t.keys() {
            if !known.iter().any(|ks| ks.contains(&key.as_str())) {
                let all: Vec<&str> = known.iter().flat_map(|ks| ks.iter().copied()).collect();
                self.err(
                    join(path, key),
                    format!("unknown key; expected one of: {}", all.join(", ")),
                );
            }
        }
    }

    fn number_value(&mut self, v: &Value, field: String) -> f64 {
        match v {
            Value::Integer(i) => *i as f64,
            Value::Float(f) if f.is_finite() => *f,
            Value::Float(f) => {
                self.err(field, format!("expected a finite number, got {f}"));
                0.0
            }
            other => {
                self.err(
                    field,
                    format!("expected a number, found {}", describe(other)),
                );
                0.0
            }
        }
    }

    fn num(&mut self, t: &Table, path: &str, key: &str) -> f64 {
        match t.get(key) {
            Some(v) => self.number_value(v, join(path, key)),
            None => {
                self.err(join(path, key), "missing; expected a number");
                0.0
            }
        }
    }

    fn opt_num(&mut self, t: &Table, path: &str, key: &str) -> f64 {
        t.get(key)
            .map_or(0.0, |v| self.number_value(v, join(path, key)))
    }

    fn whole(&mut self, t: &Table, path: &str, key: &str) -> u32 {
        let expected = format!("a whole number of at most {}", u32::MAX);
        self.whole_upto(t, path, key, u32::MAX, &expected)
    }

    /// A whole number from 0 to `max`; a value outside is refused saying which end it passed,
    /// and a value too large says what is `expected`.
    fn whole_upto(&mut self, t: &Table, path: &str, key: &str, max: u32, expected: &str) -> u32 {
        let field = join(path, key);
        match t.get(key) {
            Some(Value::Integer(i)) => match u32::try_from(*i) {
                Ok(n) if n <= max => n,
                Ok(_) | Err(_) if *i >= 0 => {
                    self.err(field, format!("{i} is too large; expected {expected}"));
                    0
                }
                _ => {
                    self.err(
                        field,
                        format!("expected a whole number of 0 or more, got {i}"),
                    );
                    0
                }
            },
            Some(other) => {
                self.err(
                    field,
                    format!(
                        "expected a whole number (no decimal point), found {}",
                        describe(other)
                    ),
                );
                0
            }
            None => {
                self.err(field, "missing; expected a whole number");
                0
            }
        }
    }

    fn text(&mut self, t: &Table, path: &str, key: &str, default: Option<&str>) -> String {
        match (t.get(key), default) {
            (Some(Value::String(s)), _) => s.clone(),
            (Some(other), _) => {
                self.err(
                    join(path, key),
                    format!("expected text in quotes, found {}", describe(other)),
                );
                String::new()
            }
            (None, Some(d)) => d.to_string(),
            (None, None) => {
                self.err(join(path, key), "missing; expected text in quotes");
                String::new()
            }
        }
    }

    fn texts(&mut self, t: &Table, path: &str, key: &str) -> Vec<String> {
        let field = join(path, key);
        match t.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::String(s) => Some(s.clone()),
                    other => {
                        self.err(
                            format!("{field}[{i}]"),
                            format!("expected text in quotes, found {}", describe(other)),
                        );
                        None
                    }
                })
                .collect(),
            Some(other) => {
                self.err(
                    field,
                    format!("expected an array of texts, found {}", describe(other)),
                );
                Vec::new()
            }
        }
    }

    fn table<'t>(
        &mut self,
        t: &'t Table,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'t Table> {
        match t.get(key) {
            Some(Value::Table(inner)) => Some(inner),
            Some(other) => {
                self.err(
                    join(path, key),
                    format!("expected a table ([{key}]), found {}", describe(other)),
                );
                None
            }
            None => {
                if required {
                    self.err(
                        join(path, key),
                        format!("missing; expected a [{}] table", join(path, key)),
                    );
                }
                None
            }
        }
    }

    /// An array of tables; `(path of item, item)` for each table item.
    fn tables<'t>(
        &mut self,
        t: &'t Table,
        path: &str,
        key: &str,
        required: bool,
    ) -> Vec<(String, &'t Table)> {
        let field = join(path, key);
        match t.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::Table(inner) => Some((format!("{field}[{i}]"), inner)),
                    other => {
                        self.err(
                            format!("{field}[{i}]"),
                            format!("expected a table, found {}", describe(other)),
                        );
                        None
                    }
                })
                .collect(),
            Some(other) => {
                self.err(
                    field,
                    format!("expected an array of tables, found {}", describe(other)),
                );
                Vec::new()
            }
            None => {
                if required {
                    self.err(field, "missing; expected one or more tables");
                }
                Vec::new()
            }
        }
    }

    fn scenario(&mut self, t: &Table) -> Scenario {
        self.known(t, "", &[SCENARIO_KEYS]);
        let workload = match self.table(t, "", "workload", true) {
            Some(w) => self.workload(w),
            None => self.workload(&Table::new()),
        };
        let lever = self.table(t, "", "lever", false).map(|l| {
            self.known(l, "lever", &[&["reduction", "from_month"]]);
            Lever {
                reduction: self.num(l, "lever", "reduction"),
                from_month: self.whole(l, "lever", "from_month"),
            }
        });
        let options = self
            .tables(t, "", "options", true)
            .into_iter()
            .map(|(p, o)| self.option(o, &p))
            .collect();
        Scenario {
            name: self.text(t, "", "name", None),
            description: self.text(t, "", "description", Some("")),
            systems: self.texts(t, "", "systems"),
            currency: self.text(t, "", "currency", Some("USD")),
            horizon_months: self.whole_upto(
                t,
                "",
                "horizon_months",
                MAX_HORIZON_MONTHS,
                &format!("a whole number of months from 1 to {MAX_HORIZON_MONTHS}"),
            ),
            discount_rate: self.num(t, "", "discount_rate"),
            workload,
            lever,
            options,
        }
    }

    fn workload(&mut self, t: &Table) -> Workload {
        let p = "workload";
        self.known(t, p, &[WORKLOAD_KEYS]);
        Workload {
            models: self.num(t, p, "models"),
            model_growth_per_year: self.opt_num(t, p, "model_growth_per_year"),
            inferences_per_month: self.num(t, p, "inferences_per_month"),
            inference_growth_per_year: self.opt_num(t, p, "inference_growth_per_year"),
            retrains_per_year: self.num(t, p, "retrains_per_year"),
            gpu_hours_per_retrain: self.num(t, p, "gpu_hours_per_retrain"),
            cpu_hours_per_retrain: self.num(t, p, "cpu_hours_per_retrain"),
            storage_gb: self.num(t, p, "storage_gb"),
            storage_growth_per_year: self.opt_num(t, p, "storage_growth_per_year"),
            egress_gb_per_month: self.num(t, p, "egress_gb_per_month"),
        }
    }

    fn option(&mut self, t: &Table, path: &str) -> CostOption {
        let name = self.text(t, path, "name", None);
        let kinds: Vec<&str> = OptionType::ALL.iter().map(|k| k.key()).collect();
        let mut found = Vec::new();
        let mut unknown_type = false;
        for (key, value) in t {
            if key == "name" {
                continue;
            }
            match OptionType::ALL.iter().find(|k| k.key() == key) {
                Some(&k) => found.push((k, value)),
                None if value.is_table() => {
                    unknown_type = true;
                    self.err(
                        join(path, key),
                        format!(
                            "unknown option type {key:?}; expected one of: {}",
                            kinds.join(", ")
                        ),
                    );
                }
                None => self.err(
                    join(path, key),
                    format!(
                        "unknown key; expected name and one option type table ({})",
                        kinds.join(", ")
                    ),
                ),
            }
        }
        let kind = match found.as_slice() {
            [(k, Value::Table(body))] => {
                let at = join(path, k.key());
                match k {
                    OptionType::CloudOnDemand => {
                        OptionKind::CloudOnDemand(self.on_demand(body, &at, &[]))
                    }
                    OptionType::CloudReserved => {
                        OptionKind::CloudReserved(self.reserved(body, &at))
                    }
                    OptionType::OnPrem => OptionKind::OnPrem(self.on_prem(body, &at)),
                    OptionType::Hybrid => OptionKind::Hybrid(self.hybrid(body, &at)),
                }
            }
            [(k, other)] => {
                let key = k.key();
                self.err(
                    join(path, key),
                    format!(
                        "expected a table ([options.{key}] below its [[options]]), found {}",
                        describe(other)
                    ),
                );
                stand_in()
            }
            [] => {
                if !unknown_type {
                    self.err(
                        path,
                        format!("expected one option type table: {}", kinds.join(", ")),
                    );
                }
                stand_in()
            }
            many => {
                let keys: Vec<&str> = many.iter().map(|(k, _)| k.key()).collect();
                self.err(
                    path,
                    format!(
                        "expected exactly one option type, found {}",
                        keys.join(" and ")
                    ),
                );
                stand_in()
            }
        };
        if !matches!(found.as_slice(), [(_, Value::Table(_))]) {
            // The option's body could not be read: keep validation away from the stand-in.
            self.unread.push(path.to_string());
        }
        CostOption { name, kind }
    }

    fn shared(&mut self, t: &Table, p: &str) -> SharedCosts {
        let egress_tiers = self
            .tables(t, p, "egress_tiers", false)
            .into_iter()
            .map(|(tp, tier)| {
                self.known(tier, &tp, &[&["up_to_gb", "price_per_gb"]]);
                EgressTier {
                    up_to_gb: tier
                        .get("up_to_gb")
                        .map(|v| self.number_value(v, join(&tp, "up_to_gb"))),
                    price_per_gb: self.num(tier, &tp, "price_per_gb"),
                }
            })
            .collect();
        SharedCosts {
            gpu_rate_per_hour: self.opt_num(t, p, "gpu_rate_per_hour"),
            cpu_rate_per_hour: self.opt_num(t, p, "cpu_rate_per_hour"),
            storage_per_gb_month: self.opt_num(t, p, "storage_per_gb_month"),
            egress_tiers,
            staff_fte: self.opt_num(t, p, "staff_fte"),
            staff_cost_per_year: self.opt_num(t, p, "staff_cost_per_year"),
        }
    }

    fn on_demand(&mut self, t: &Table, p: &str, extra: &[&str]) -> CloudOnDemand {
        self.known(t, p, &[ON_DEMAND_KEYS, SHARED_KEYS, extra]);
        CloudOnDemand {
            instance_rate_per_hour: self.num(t, p, "instance_rate_per_hour"),
            base_instances: self.num(t, p, "base_instances"),
            peak_instances: self.num(t, p, "peak_instances"),
            peak_share: self.num(t, p, "peak_share"),
            managed_fees_per_month: self.opt_num(t, p, "managed_fees_per_month"),
            managed_fees_per_model_month: self.opt_num(t, p, "managed_fees_per_model_month"),
            shared: self.shared(t, p),
        }
    }

    fn reserved(&mut self, t: &Table, p: &str) -> CloudReserved {
        CloudReserved {
            term_years: self.whole(t, p, "term_years"),
            coverage: self.num(t, p, "coverage"),
            upfront_per_instance: self.num(t, p, "upfront_per_instance"),
            monthly_per_instance: self.num(t, p, "monthly_per_instance"),
            on_demand: self.on_demand(t, p, RESERVED_KEYS),
        }
    }

    fn on_prem(&mut self, t: &Table, p: &str) -> OnPrem {
        self.known(t, p, &[ON_PREM_KEYS, SHARED_KEYS]);
        OnPrem {
            servers: self.num(t, p, "servers"),
            server_price: self.num(t, p, "server_price"),
            refresh_years: self.whole(t, p, "refresh_years"),
            server_kw: self.num(t, p, "server_kw"),
            pue: self.num(t, p, "pue"),
            price_per_kwh: self.num(t, p, "price_per_kwh"),
            servers_per_rack: self.num(t, p, "servers_per_rack"),
            rack_per_month: self.num(t, p, "rack_per_month"),
            support_rate_per_year: self.opt_num(t, p, "support_rate_per_year"),
            shared: self.shared(t, p),
        }
    }

    fn hybrid(&mut self, t: &Table, p: &str) -> Hybrid {
        self.known(t, p, &[&["parts"]]);
        let parts = self
            .tables(t, p, "parts", true)
            .into_iter()
            .map(|(pp, part)| {
                self.known(part, &pp, &[&["option", "share"]]);
                HybridPart {
                    option: self.text(part, &pp, "option", None),
                    share: self.num(part, &pp, "share"),
                }
            })
            .collect();
        Hybrid { parts }
    }
}

/// Writes a scenario as commented TOML that [`from_toml`] reads back to the same value.
pub fn to_toml(s: &Scenario) -> String {
    let mut w = Writer::default();
    w.line(&format!(
        "# TCO scenario for Steward. Prices in {}; rates and shares are fractions (0.08 = 8%).",
        s.currency
    ));
    w.line("# Growth rates are per year, compounded monthly. docs/tco.md explains every formula.");
    w.text("name", &s.name, "");
    w.text("description", &s.description, "");
    w.kv(
        "systems",
        &format!(
            "[{}]",
            s.systems
                .iter()
                .map(|x| quote(x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "AI systems concerned",
    );
    w.text("currency", &s.currency, "currency of every price");
    w.kv(
        "horizon_months",
        &s.horizon_months.to_string(),
        "months compared (1-600)",
    );
    w.num("discount_rate", s.discount_rate, "per year, for the NPV");

    let wl = &s.workload;
    w.section("[workload]");
    w.num("models", wl.models, "models in service in month 1");
    w.num(
        "model_growth_per_year",
        wl.model_growth_per_year,
        "0.2 = +20% a year",
    );
    w.num(
        "inferences_per_month",
        wl.inferences_per_month,
        "requests in month 1",
    );
    w.num(
        "inference_growth_per_year",
        wl.inference_growth_per_year,
        "scales serving capacity and egress",
    );
    w.num(
        "retrains_per_year",
        wl.retrains_per_year,
        "per model, spread evenly over the months",
    );
    w.num(
        "gpu_hours_per_retrain",
        wl.gpu_hours_per_retrain,
        "GPU-hours per retraining",
    );
    w.num(
        "cpu_hours_per_retrain",
        wl.cpu_hours_per_retrain,
        "CPU-hours per retraining",
    );
    w.num("storage_gb", wl.storage_gb, "GB stored in month 1");
    w.num("storage_growth_per_year", wl.storage_growth_per_year, "");
    w.num(
        "egress_gb_per_month",
        wl.egress_gb_per_month,
        "GB sent out in month 1; grows with inferences",
    );

    if let Some(l) = &s.lever {
        w.section("[lever]");
        w.line("# Quantisation / pruning: less serving compute from a given month.");
        w.num(
            "reduction",
            l.reduction,
            "share of inference compute removed",
        );
        w.kv(
            "from_month",
            &l.from_month.to_string(),
            "first month with the reduction",
        );
    }

    for o in &s.options {
        w.section("[[options]]");
        w.text("name", &o.name, "");
        w.blank();
        w.line(&format!("[options.{}]", o.kind.option_type().key()));
        match &o.kind {
            OptionKind::CloudOnDemand(c) => write_on_demand(&mut w, c),
            OptionKind::CloudReserved(r) => {
                w.kv("term_years", &r.term_years.to_string(), "1 or 3");
                w.num(
                    "coverage",
                    r.coverage,
                    "share of the base instances reserved",
                );
                w.num(
                    "upfront_per_instance",
                    r.upfront_per_instance,
                    "per reserved instance, at each term start",
                );
                w.num(
                    "monthly_per_instance",
                    r.monthly_per_instance,
                    "per reserved instance per month",
                );
                write_on_demand(&mut w, &r.on_demand);
            }
            OptionKind::OnPrem(p) => {
                w.num(
                    "servers",
                    p.servers,
                    "servers for the month-1 workload, headroom included",
                );
                w.num("server_price", p.server_price, "purchase price per server");
                w.kv(
                    "refresh_years",
                    &p.refresh_years.to_string(),
                    "refresh cycle = depreciation period",
                );
                w.num("server_kw", p.server_kw, "average draw per server, kW");
                w.num("pue", p.pue, "power usage effectiveness");
                w.num("price_per_kwh", p.price_per_kwh, "");
                w.num("servers_per_rack", p.servers_per_rack, "");
                w.num(
                    "rack_per_month",
                    p.rack_per_month,
                    "space per rack per month",
                );
                w.num(
                    "support_rate_per_year",
                    p.support_rate_per_year,
                    "support contract, share of hardware price",
                );
                write_shared(&mut w, &p.shared);
            }
            OptionKind::Hybrid(h) => {
                w.line("parts = [");
                for part in &h.parts {
                    w.line(&format!(
                        "  {{ option = {}, share = {} }},",
                        quote(&part.option),
                        number(part.share)
                    ));
                }
                w.line("]");
            }
        }
    }
    w.out
}

fn write_on_demand(w: &mut Writer, c: &CloudOnDemand) {
    w.num(
        "instance_rate_per_hour",
        c.instance_rate_per_hour,
        "serving instance, per hour",
    );
    w.num("base_instances", c.base_instances, "always on, month 1");
    w.num("peak_instances", c.peak_instances, "at peak, month 1");
    w.num("peak_share", c.peak_share, "share of hours at peak");
    w.num(
        "managed_fees_per_month",
        c.managed_fees_per_month,
        "fixed managed-service fees",
    );
    w.num(
        "managed_fees_per_model_month",
        c.managed_fees_per_model_month,
        "per model in service",
    );
    write_shared(w, &c.shared);
}

fn write_shared(w: &mut Writer, c: &SharedCosts) {
    w.num(
        "gpu_rate_per_hour",
        c.gpu_rate_per_hour,
        "retraining, per GPU-hour",
    );
    w.num(
        "cpu_rate_per_hour",
        c.cpu_rate_per_hour,
        "retraining, per CPU-hour",
    );
    w.num("storage_per_gb_month", c.storage_per_gb_month, "");
    w.num(
        "staff_fte",
        c.staff_fte,
        "operations staff, full-time equivalents",
    );
    w.num(
        "staff_cost_per_year",
        c.staff_cost_per_year,
        "loaded cost per FTE",
    );
    if c.egress_tiers.is_empty() {
        w.line("egress_tiers = []                   # egress is free");
        return;
    }
    w.line("egress_tiers = [                    # bands per month; the last one has no up_to_gb");
    for t in &c.egress_tiers {
        match t.up_to_gb {
            Some(up) => w.line(&format!(
                "  {{ up_to_gb = {}, price_per_gb = {} }},",
                number(up),
                number(t.price_per_gb)
            )),
            None => w.line(&format!(
                "  {{ price_per_gb = {} }},",
                number(t.price_per_gb)
            )),
        }
    }
    w.line("]");
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    fn section(&mut self, header: &str) {
        self.blank();
        self.line(header);
    }

    fn kv(&mut self, key: &str, value: &str, comment: &str) {
        let entry = format!("{key} = {value}");
        if comment.is_empty() {
            self.line(&entry);
        } else {
            self.line(&format!("{entry:<35} # {comment}"));
        }
    }

    fn num(&mut self, key: &str, value: f64, comment: &str) {
        self.kv(key, &number(value), comment);
    }

    fn text(&mut self, key: &str, value: &str, comment: &str) {
        self.kv(key, &quote(value), comment);
    }
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// The shortest text that reads back as the same f64: whole numbers without a decimal point.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    }
}
