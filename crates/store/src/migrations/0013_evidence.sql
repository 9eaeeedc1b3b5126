-- 0013: validation evidence. A system records the version of its model in use (empty when not
-- recorded); validation runs and bias results are kept per system and model version, and the
-- evidence that counts for a system is the evidence for its current version.
-- A shipped migration is never edited: add 0014_... instead.

ALTER TABLE systems ADD COLUMN model_version TEXT NOT NULL DEFAULT '';

-- One validation run: a method (a key of core's closed set: holdout, cross_validation,
-- backtest, shadow, robustness) on a dataset on a day, with its metrics as one canonical JSON
-- array of {name, value, incumbent?} (always read and written with the run). `run` is the run's
-- own name or id (an MLflow run id), '' when it has none; `incumbent` names the model a shadow
-- comparison ran beside. A second run with the same key replaces the first.
CREATE TABLE evidence_runs (
    id            INTEGER PRIMARY KEY,
    system_id     INTEGER NOT NULL REFERENCES systems (id),
    model_version TEXT NOT NULL,
    run_date      TEXT NOT NULL,
    method        TEXT NOT NULL,
    dataset       TEXT NOT NULL,
    run           TEXT NOT NULL DEFAULT '',
    incumbent     TEXT NOT NULL DEFAULT '',
    metrics       TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    UNIQUE (system_id, model_version, run_date, method, dataset, run)
) STRICT;

-- One bias result: a metric (a key of core's closed set, e.g. selection_rate) of one segment of
-- an attribute (age_band = 18-25) against the reference group, with the disparity ratio
-- (segment / reference) and difference (segment - reference), computed by core from the two
-- values when both are known. NULL is not known, never zero.
CREATE TABLE evidence_bias (
    id              INTEGER PRIMARY KEY,
    system_id       INTEGER NOT NULL REFERENCES systems (id),
    model_version   TEXT NOT NULL,
    result_date     TEXT NOT NULL,
    dataset         TEXT NOT NULL DEFAULT '',
    attribute       TEXT NOT NULL,
    segment         TEXT NOT NULL,
    metric          TEXT NOT NULL,
    reference       TEXT NOT NULL,
    segment_value   REAL,
    reference_value REAL,
    ratio           REAL,
    difference      REAL,
    source          TEXT NOT NULL DEFAULT '',
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    UNIQUE (system_id, model_version, result_date, dataset, attribute, segment, metric)
) STRICT;

CREATE INDEX evidence_runs_system ON evidence_runs (system_id, model_version);
CREATE INDEX evidence_bias_system ON evidence_bias (system_id, model_version);
