-- 0006: KPI linkage: KPIs per system, links between them, measurements, escalation rules and
-- escalations. A shipped migration is never edited: add the next one instead.

CREATE TABLE kpis (
    id         INTEGER PRIMARY KEY,
    system_id  INTEGER NOT NULL REFERENCES systems (id),
    name       TEXT NOT NULL COLLATE NOCASE,
    kind       TEXT NOT NULL CHECK (kind IN ('model_metric', 'business_outcome', 'operational')),
    unit       TEXT NOT NULL,
    direction  TEXT NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    target     REAL NOT NULL,
    warning    REAL NOT NULL,
    breach     REAL NOT NULL,
    cadence    TEXT NOT NULL CHECK (cadence IN ('monthly', 'quarterly')),
    created_at TEXT NOT NULL,
    UNIQUE (system_id, name)
) STRICT;

-- A driver KPI moves a business outcome by effect_per_unit per unit; cycles are refused by core.
CREATE TABLE kpi_links (
    id              INTEGER PRIMARY KEY,
    from_kpi        INTEGER NOT NULL REFERENCES kpis (id),
    to_kpi          INTEGER NOT NULL REFERENCES kpis (id),
    effect_per_unit REAL NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (from_kpi, to_kpi)
) STRICT;

-- One value per KPI and period; period_index orders periods (monthly year*12+month-1,
-- quarterly year*4+quarter-1) so a gap is visible. Keyed for the (kpi, period) scans of the rules.
CREATE TABLE measurements (
    kpi_id       INTEGER NOT NULL REFERENCES kpis (id),
    period_index INTEGER NOT NULL,
    period       TEXT NOT NULL,
    value        REAL NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    PRIMARY KEY (kpi_id, period_index)
) STRICT, WITHOUT ROWID;

-- scope 0 is the workspace default; any other scope is a system id.
CREATE TABLE escalation_rules (
    scope        INTEGER PRIMARY KEY,
    level1_after INTEGER NOT NULL,
    level2_after INTEGER NOT NULL,
    level3_after INTEGER NOT NULL,
    due_days     INTEGER NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

-- One escalation per run of consecutive breaches (identified by the run's first period).
CREATE TABLE escalations (
    id                INTEGER PRIMARY KEY,
    kpi_id            INTEGER NOT NULL REFERENCES kpis (id),
    run_start         TEXT NOT NULL,
    opened_period     TEXT NOT NULL,
    level             INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    level_period      TEXT NOT NULL,
    breaches          INTEGER NOT NULL,
    due_date          TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    opened_at         TEXT NOT NULL,
    acknowledged_by   TEXT,
    acknowledged_at   TEXT,
    acknowledged_note TEXT,
    resolved_by       TEXT,
    resolved_at       TEXT,
    resolved_note     TEXT,
    UNIQUE (kpi_id, run_start)
) STRICT;
