-- 0015: the systems table with the same columns, values and rules, its closed values checked by
-- comparisons instead of IN lists. SQLite checks `x IN (three or more values)` through a
-- temporary b-tree built again for every row written, which made these checks a sixth of the
-- time of importing a large register; `x = 'a' OR x = 'b' ...` accepts and refuses exactly the
-- same values (NULL included, where the column allows it) without one. SQLite cannot change a
-- CHECK in place, so the table is rebuilt (the migration runs with foreign keys off and is
-- checked with PRAGMA foreign_key_check before it commits); ids are kept, so every record that
-- points at a system still does.
-- A shipped migration is never edited: add 0016_... instead.

CREATE TABLE systems_new (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    purpose            TEXT NOT NULL DEFAULT '',
    business_unit      TEXT NOT NULL,
    owner              TEXT NOT NULL,
    technical_lead     TEXT NOT NULL DEFAULT '',
    sourcing           TEXT NOT NULL CHECK (sourcing = 'in_house' OR sourcing = 'vendor'),
    vendor             TEXT NOT NULL DEFAULT '',
    model_approach     TEXT NOT NULL DEFAULT '',
    stage              TEXT NOT NULL CHECK (stage = 'proposed' OR stage = 'development'
                           OR stage = 'validation' OR stage = 'staging' OR stage = 'production'
                           OR stage = 'deprecated' OR stage = 'retired'),
    regulated_domain   TEXT NOT NULL CHECK (regulated_domain = 'finance'
                           OR regulated_domain = 'healthcare' OR regulated_domain = 'hr'
                           OR regulated_domain = 'public_sector' OR regulated_domain = 'none'),
    eu_ai_act_category TEXT CHECK (eu_ai_act_category = 'prohibited'
                           OR eu_ai_act_category = 'high_risk'
                           OR eu_ai_act_category = 'limited_risk'
                           OR eu_ai_act_category = 'minimal'),
    risk_tier          TEXT NOT NULL CHECK (risk_tier = 'low' OR risk_tier = 'medium'
                           OR risk_tier = 'high'),
    data_sensitivity   TEXT NOT NULL CHECK (data_sensitivity = 'public'
                           OR data_sensitivity = 'internal' OR data_sensitivity = 'confidential'
                           OR data_sensitivity = 'restricted'),
    deployment_date    TEXT,
    -- Lists kept as canonical JSON arrays; they are read and written whole with the record.
    certifications     TEXT NOT NULL DEFAULT '[]',
    datasets           TEXT NOT NULL DEFAULT '[]',
    assumptions        TEXT NOT NULL DEFAULT '[]',
    tags               TEXT NOT NULL DEFAULT '[]',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    sponsor            TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD.
    last_retrained     TEXT,
    -- In the workspace's currency.
    annual_value       REAL CHECK (annual_value >= 0),
    data_readiness     INTEGER CHECK (data_readiness BETWEEN 1 AND 5),
    strategic_alignment INTEGER CHECK (strategic_alignment BETWEEN 1 AND 5),
    -- The version of its model in use, '' when not recorded (0013).
    model_version      TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO systems_new (id, name, purpose, business_unit, owner, technical_lead, sourcing,
        vendor, model_approach, stage, regulated_domain, eu_ai_act_category, risk_tier,
        data_sensitivity, deployment_date, certifications, datasets, assumptions, tags,
        created_at, updated_at, sponsor, last_retrained, annual_value, data_readiness,
        strategic_alignment, model_version)
    SELECT id, name, purpose, business_unit, owner, technical_lead, sourcing,
        vendor, model_approach, stage, regulated_domain, eu_ai_act_category, risk_tier,
        data_sensitivity, deployment_date, certifications, datasets, assumptions, tags,
        created_at, updated_at, sponsor, last_retrained, annual_value, data_readiness,
        strategic_alignment, model_version
    FROM systems;

DROP TABLE systems;
ALTER TABLE systems_new RENAME TO systems;
