-- 0001: the register, the audit chain and workspace settings.
-- A shipped migration is never edited: add 0002_... instead.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE systems (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    purpose            TEXT NOT NULL DEFAULT '',
    business_unit      TEXT NOT NULL,
    owner              TEXT NOT NULL,
    technical_lead     TEXT NOT NULL DEFAULT '',
    sourcing           TEXT NOT NULL CHECK (sourcing IN ('in_house', 'vendor')),
    vendor             TEXT NOT NULL DEFAULT '',
    model_approach     TEXT NOT NULL DEFAULT '',
    stage              TEXT NOT NULL CHECK (stage IN ('proposed', 'development', 'validation',
                           'staging', 'production', 'deprecated', 'retired')),
    regulated_domain   TEXT NOT NULL CHECK (regulated_domain IN ('finance', 'healthcare', 'hr',
                           'public_sector', 'none')),
    eu_ai_act_category TEXT CHECK (eu_ai_act_category IN ('prohibited', 'high_risk',
                           'limited_risk', 'minimal')),
    risk_tier          TEXT NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high')),
    data_sensitivity   TEXT NOT NULL CHECK (data_sensitivity IN ('public', 'internal',
                           'confidential', 'restricted')),
    deployment_date    TEXT,
    -- Lists kept as canonical JSON arrays; they are read and written whole with the record.
    certifications     TEXT NOT NULL DEFAULT '[]',
    datasets           TEXT NOT NULL DEFAULT '[]',
    assumptions        TEXT NOT NULL DEFAULT '[]',
    tags               TEXT NOT NULL DEFAULT '[]',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;

-- Append-only hash chain: hash = SHA-256 over the canonical entry, which includes prev_hash.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
