-- PostgreSQL: the whole schema of SQLite schema version 15 (migrations 0001 to 0015) in one
-- migration, as no team workspace existed before it. (0015's change, the systems table's closed
-- values checked by comparisons rather than IN lists, is SQLite's own speed matter: PostgreSQL
-- checks an IN list without building anything, so its CHECKs keep the IN form.) Each later SQLite migration NNNN has its
-- PostgreSQL counterpart NNNN here, so a version number means the same tables on both.
-- A shipped migration is never edited: add the next number instead.
--
-- Types as SQLite stores them: INTEGER is BIGINT, REAL DOUBLE PRECISION, BLOB BYTEA, booleans
-- BIGINT 0/1. Ids are given by the store as SQLite gives a rowid (the largest plus one, under
-- the write lock), so the same changes give the same ids on both engines. Text compares and sorts by its bytes (COLLATE "C", SQLite's BINARY); the names
-- SQLite keeps unique ignoring case (COLLATE NOCASE) use `nocase`, a case-insensitive ICU
-- collation, so `name = ?` and `ORDER BY name COLLATE NOCASE` read the same on both.

CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

INSERT INTO settings (key, value) VALUES ('workspace_id', replace(gen_random_uuid()::text, '-', ''))
    ON CONFLICT DO NOTHING;

CREATE TABLE systems (
    id                 BIGINT PRIMARY KEY,
    name               TEXT COLLATE nocase NOT NULL UNIQUE,
    purpose            TEXT COLLATE "C" NOT NULL DEFAULT '',
    business_unit      TEXT COLLATE "C" NOT NULL,
    owner              TEXT COLLATE "C" NOT NULL,
    technical_lead     TEXT COLLATE "C" NOT NULL DEFAULT '',
    sourcing           TEXT COLLATE "C" NOT NULL CHECK (sourcing IN ('in_house', 'vendor')),
    vendor             TEXT COLLATE "C" NOT NULL DEFAULT '',
    model_approach     TEXT COLLATE "C" NOT NULL DEFAULT '',
    stage              TEXT COLLATE "C" NOT NULL CHECK (stage IN ('proposed', 'development',
                           'validation', 'staging', 'production', 'deprecated', 'retired')),
    regulated_domain   TEXT COLLATE "C" NOT NULL CHECK (regulated_domain IN ('finance',
                           'healthcare', 'hr', 'public_sector', 'none')),
    eu_ai_act_category TEXT COLLATE "C" CHECK (eu_ai_act_category IN ('prohibited', 'high_risk',
                           'limited_risk', 'minimal')),
    risk_tier          TEXT COLLATE "C" NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high')),
    data_sensitivity   TEXT COLLATE "C" NOT NULL CHECK (data_sensitivity IN ('public',
                           'internal', 'confidential', 'restricted')),
    deployment_date    TEXT COLLATE "C",
    certifications     TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    datasets           TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    assumptions        TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    tags               TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    created_at         TEXT COLLATE "C" NOT NULL,
    updated_at         TEXT COLLATE "C" NOT NULL,
    sponsor            TEXT COLLATE "C" NOT NULL DEFAULT '',
    last_retrained     TEXT COLLATE "C",
    annual_value       DOUBLE PRECISION CHECK (annual_value >= 0),
    data_readiness     BIGINT CHECK (data_readiness BETWEEN 1 AND 5),
    strategic_alignment BIGINT CHECK (strategic_alignment BETWEEN 1 AND 5),
    model_version      TEXT COLLATE "C" NOT NULL DEFAULT ''
);

-- Append-only hash chain: hash = SHA-256 over the canonical entry, which includes prev_hash.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TEXT COLLATE "C" NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    entity    TEXT COLLATE "C" NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL,
    action    TEXT COLLATE "C" NOT NULL,
    before    TEXT COLLATE "C",
    after     TEXT COLLATE "C",
    prev_hash TEXT COLLATE "C" NOT NULL,
    hash      TEXT COLLATE "C" NOT NULL
);

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq);

CREATE TABLE audit_seals (
    seq         BIGINT PRIMARY KEY,
    head_hash   TEXT COLLATE "C" NOT NULL,
    sealed_at   TEXT COLLATE "C" NOT NULL,
    signer      TEXT COLLATE "C" NOT NULL,
    fingerprint TEXT COLLATE "C" NOT NULL,
    cms         BYTEA NOT NULL
);

CREATE TABLE certificates (
    fingerprint TEXT COLLATE "C" PRIMARY KEY,
    subject     TEXT COLLATE "C" NOT NULL,
    issuer      TEXT COLLATE "C" NOT NULL,
    serial      TEXT COLLATE "C" NOT NULL,
    not_before  TEXT COLLATE "C" NOT NULL,
    not_after   TEXT COLLATE "C" NOT NULL,
    pem         TEXT COLLATE "C" NOT NULL,
    imported_at TEXT COLLATE "C" NOT NULL,
    imported_by TEXT COLLATE "C" NOT NULL
);

CREATE TABLE tco_scenarios (
    id         BIGINT PRIMARY KEY,
    name       TEXT COLLATE nocase NOT NULL UNIQUE,
    scenario   TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE tco_scenario_systems (
    scenario_id BIGINT NOT NULL REFERENCES tco_scenarios (id) ON DELETE CASCADE,
    system_id   BIGINT NOT NULL REFERENCES systems (id),
    PRIMARY KEY (scenario_id, system_id)
);

CREATE INDEX tco_scenario_systems_system ON tco_scenario_systems (system_id);

CREATE TABLE milestones (
    system_id  BIGINT NOT NULL REFERENCES systems (id),
    kind       TEXT COLLATE "C" NOT NULL,
    planned    TEXT COLLATE "C",
    actual     TEXT COLLATE "C",
    updated_by TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (system_id, kind)
);

CREATE TABLE decommission_items (
    system_id BIGINT NOT NULL REFERENCES systems (id),
    key       TEXT COLLATE "C" NOT NULL,
    position  BIGINT NOT NULL,
    title     TEXT COLLATE "C" NOT NULL,
    owner     TEXT COLLATE "C" NOT NULL,
    due       TEXT COLLATE "C" NOT NULL,
    state     TEXT COLLATE "C" NOT NULL CHECK (state IN ('open', 'done', 'waived')),
    note      TEXT COLLATE "C" NOT NULL DEFAULT '',
    closed_by TEXT COLLATE "C",
    closed_at TEXT COLLATE "C",
    PRIMARY KEY (system_id, key)
);

CREATE TABLE event_completions (
    uid         TEXT COLLATE "C" NOT NULL,
    occurrence  TEXT COLLATE "C" NOT NULL,
    done_on     TEXT COLLATE "C" NOT NULL,
    done_by     TEXT COLLATE "C" NOT NULL,
    recorded_at TEXT COLLATE "C" NOT NULL,
    note        TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (uid, occurrence)
);

CREATE TABLE assessment_templates (
    template_id TEXT COLLATE "C" NOT NULL,
    version     TEXT COLLATE "C" NOT NULL,
    date        TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    title       TEXT COLLATE "C" NOT NULL,
    source      TEXT COLLATE "C" NOT NULL,
    added       BIGINT NOT NULL CHECK (added IN (0, 1)),
    added_at    TEXT COLLATE "C" NOT NULL,
    added_by    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE assessments (
    id               BIGINT PRIMARY KEY,
    system_id        BIGINT NOT NULL REFERENCES systems (id),
    template_id      TEXT COLLATE "C" NOT NULL,
    template_version TEXT COLLATE "C" NOT NULL,
    status           TEXT COLLATE "C" NOT NULL CHECK (status IN ('draft', 'complete', 'superseded')),
    answers          TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    result           TEXT COLLATE "C",
    created_at       TEXT COLLATE "C" NOT NULL,
    created_by       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL,
    completed_at     TEXT COLLATE "C",
    completed_by     TEXT COLLATE "C",
    superseded_by    BIGINT REFERENCES assessments (id),
    decision         TEXT COLLATE "C" CHECK (decision IN ('accepted', 'overridden')),
    decided_tier     TEXT COLLATE "C" CHECK (decided_tier IN ('low', 'medium', 'high')),
    decided_eu_category TEXT COLLATE "C" CHECK (decided_eu_category IN ('prohibited',
                         'high_risk', 'limited_risk', 'minimal')),
    decision_reason  TEXT COLLATE "C",
    decided_at       TEXT COLLATE "C",
    decided_by       TEXT COLLATE "C",
    FOREIGN KEY (template_id, template_version)
        REFERENCES assessment_templates (template_id, version)
);

CREATE INDEX assessments_by_system ON assessments (system_id, template_id, status);

CREATE TABLE kpis (
    id         BIGINT PRIMARY KEY,
    system_id  BIGINT NOT NULL REFERENCES systems (id),
    name       TEXT COLLATE nocase NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('model_metric', 'business_outcome',
                   'operational')),
    unit       TEXT COLLATE "C" NOT NULL,
    direction  TEXT COLLATE "C" NOT NULL CHECK (direction IN ('higher_is_better',
                   'lower_is_better')),
    target     DOUBLE PRECISION NOT NULL,
    warning    DOUBLE PRECISION NOT NULL,
    breach     DOUBLE PRECISION NOT NULL,
    cadence    TEXT COLLATE "C" NOT NULL CHECK (cadence IN ('monthly', 'quarterly')),
    created_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (system_id, name)
);

CREATE TABLE kpi_links (
    id              BIGINT PRIMARY KEY,
    from_kpi        BIGINT NOT NULL REFERENCES kpis (id),
    to_kpi          BIGINT NOT NULL REFERENCES kpis (id),
    effect_per_unit DOUBLE PRECISION NOT NULL,
    note            TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at      TEXT COLLATE "C" NOT NULL,
    UNIQUE (from_kpi, to_kpi)
);

CREATE TABLE measurements (
    kpi_id       BIGINT NOT NULL REFERENCES kpis (id),
    period_index BIGINT NOT NULL,
    period       TEXT COLLATE "C" NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    source       TEXT COLLATE "C" NOT NULL DEFAULT '',
    note         TEXT COLLATE "C" NOT NULL DEFAULT '',
    recorded_at  TEXT COLLATE "C" NOT NULL,
    recorded_by  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kpi_id, period_index)
);

CREATE TABLE escalation_rules (
    scope        BIGINT PRIMARY KEY,
    level1_after BIGINT NOT NULL,
    level2_after BIGINT NOT NULL,
    level3_after BIGINT NOT NULL,
    due_days     BIGINT NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL
);

CREATE TABLE escalations (
    id                BIGINT PRIMARY KEY,
    kpi_id            BIGINT NOT NULL REFERENCES kpis (id),
    run_start         TEXT COLLATE "C" NOT NULL,
    opened_period     TEXT COLLATE "C" NOT NULL,
    level             BIGINT NOT NULL CHECK (level BETWEEN 1 AND 3),
    level_period      TEXT COLLATE "C" NOT NULL,
    breaches          BIGINT NOT NULL,
    due_date          TEXT COLLATE "C" NOT NULL,
    state             TEXT COLLATE "C" NOT NULL CHECK (state IN ('open', 'acknowledged',
                          'resolved')),
    opened_at         TEXT COLLATE "C" NOT NULL,
    acknowledged_by   TEXT COLLATE "C",
    acknowledged_at   TEXT COLLATE "C",
    acknowledged_note TEXT COLLATE "C",
    resolved_by       TEXT COLLATE "C",
    resolved_at       TEXT COLLATE "C",
    resolved_note     TEXT COLLATE "C",
    UNIQUE (kpi_id, run_start)
);

CREATE TABLE signoff_boards (
    id         BIGINT PRIMARY KEY,
    name       TEXT COLLATE nocase NOT NULL UNIQUE,
    created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE signoff_members (
    board_id    BIGINT NOT NULL REFERENCES signoff_boards (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    role        TEXT COLLATE "C" NOT NULL,
    fingerprint TEXT COLLATE "C" NOT NULL REFERENCES certificates (fingerprint),
    PRIMARY KEY (board_id, role, fingerprint)
);

CREATE TABLE signoff_rules (
    gate       TEXT COLLATE "C" NOT NULL,
    risk_tier  TEXT COLLATE "C" NOT NULL,
    board_id   BIGINT NOT NULL REFERENCES signoff_boards (id),
    spec       TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (gate, risk_tier)
);

CREATE TABLE reviews (
    id            BIGINT PRIMARY KEY,
    period        TEXT COLLATE "C" NOT NULL UNIQUE,
    state         TEXT COLLATE "C" NOT NULL CHECK (state IN ('draft', 'frozen', 'decided',
                      'signed')),
    header        TEXT COLLATE "C" NOT NULL,
    snapshot      TEXT COLLATE "C",
    snapshot_hash TEXT COLLATE "C",
    frozen_at     TEXT COLLATE "C",
    frozen_by     TEXT COLLATE "C",
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    CHECK ((state = 'draft') = (snapshot IS NULL))
);

CREATE TABLE review_decisions (
    review_id  BIGINT NOT NULL REFERENCES reviews (id),
    system_id  BIGINT NOT NULL REFERENCES systems (id),
    decision   TEXT COLLATE "C" NOT NULL,
    doc        TEXT COLLATE "C" NOT NULL,
    decided_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (review_id, system_id)
);

CREATE TABLE review_actions (
    id         BIGINT PRIMARY KEY,
    review_id  BIGINT NOT NULL REFERENCES reviews (id),
    system_id  BIGINT NOT NULL REFERENCES systems (id),
    title      TEXT COLLATE "C" NOT NULL,
    owner      TEXT COLLATE "C" NOT NULL,
    due        TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL
);
CREATE INDEX review_actions_by_review ON review_actions (review_id);

CREATE TABLE signoff_requests (
    id         BIGINT PRIMARY KEY,
    uid        TEXT COLLATE "C" NOT NULL UNIQUE,
    system_id  BIGINT REFERENCES systems (id),
    review_id  BIGINT REFERENCES reviews (id),
    gate       TEXT COLLATE "C" NOT NULL,
    doc        TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    CHECK ((system_id IS NULL) <> (review_id IS NULL))
);

CREATE INDEX signoff_requests_system ON signoff_requests (system_id, gate);
CREATE INDEX signoff_requests_review ON signoff_requests (review_id);

CREATE TABLE signoff_signatures (
    id          BIGINT PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES signoff_requests (id),
    fingerprint TEXT COLLATE "C" NOT NULL,
    role        TEXT COLLATE "C" NOT NULL,
    statement   TEXT COLLATE "C" NOT NULL,
    cms         BYTEA NOT NULL,
    cms_sha256  TEXT COLLATE "C" NOT NULL UNIQUE,
    imported_at TEXT COLLATE "C" NOT NULL,
    imported_by TEXT COLLATE "C" NOT NULL,
    UNIQUE (request_id, fingerprint, role)
);

CREATE TABLE signoff_actions (
    id           BIGINT PRIMARY KEY,
    request_id   BIGINT NOT NULL REFERENCES signoff_requests (id),
    signature_id BIGINT NOT NULL REFERENCES signoff_signatures (id),
    system_id    BIGINT NOT NULL REFERENCES systems (id),
    text         TEXT COLLATE "C" NOT NULL,
    owner        TEXT COLLATE "C" NOT NULL,
    due          TEXT COLLATE "C" NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL
);

-- The audit log and its seals are append-only, for everyone who writes through SQL: an UPDATE,
-- DELETE or TRUNCATE statement is refused by these triggers, whatever rows it would touch (members lack the privileges too; only the
-- owner could drop a trigger, and `audit verify` then finds what was changed).
CREATE FUNCTION steward_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %: the audit log of a Steward workspace is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION steward_append_only();
CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION steward_append_only();

-- An entry is appended at the head of the one chain, and names who is logged in as its actor:
-- its sequence number follows the last, its prev_hash is the last entry's hash (64 zeros for
-- the first), and its actor is the session's user, unless that user may act as the log's owner
-- (who moves a laptop workspace's history in). Steward's writers serialise on an advisory
-- lock, so this only ever refuses an entry made behind Steward's back.
CREATE FUNCTION steward_audit_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head RECORD;
BEGIN
    EXECUTE format('SELECT seq, hash FROM %I.audit_log ORDER BY seq DESC LIMIT 1', TG_TABLE_SCHEMA)
        INTO head;
    IF NEW.seq <> coalesce(head.seq, 0) + 1
       OR NEW.prev_hash <> coalesce(head.hash, repeat('0', 64)) THEN
        RAISE EXCEPTION 'audit entry % does not follow the head of the chain (entry %)',
            NEW.seq, coalesce(head.seq, 0)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.actor <> session_user AND NOT pg_has_role(session_user,
            (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RAISE EXCEPTION 'audit entry % names % as its actor; it is made by %', NEW.seq,
            NEW.actor, session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_appends BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION steward_audit_append();

-- Validation evidence (SQLite 0013): runs and bias results per system and model version.
CREATE TABLE evidence_runs (
    id            BIGINT PRIMARY KEY,
    system_id     BIGINT NOT NULL REFERENCES systems (id),
    model_version TEXT COLLATE "C" NOT NULL,
    run_date      TEXT COLLATE "C" NOT NULL,
    method        TEXT COLLATE "C" NOT NULL,
    dataset       TEXT COLLATE "C" NOT NULL,
    run           TEXT COLLATE "C" NOT NULL DEFAULT '',
    incumbent     TEXT COLLATE "C" NOT NULL DEFAULT '',
    metrics       TEXT COLLATE "C" NOT NULL,
    source        TEXT COLLATE "C" NOT NULL DEFAULT '',
    recorded_at   TEXT COLLATE "C" NOT NULL,
    recorded_by   TEXT COLLATE "C" NOT NULL,
    UNIQUE (system_id, model_version, run_date, method, dataset, run)
);

CREATE TABLE evidence_bias (
    id              BIGINT PRIMARY KEY,
    system_id       BIGINT NOT NULL REFERENCES systems (id),
    model_version   TEXT COLLATE "C" NOT NULL,
    result_date     TEXT COLLATE "C" NOT NULL,
    dataset         TEXT COLLATE "C" NOT NULL DEFAULT '',
    attribute       TEXT COLLATE "C" NOT NULL,
    segment         TEXT COLLATE "C" NOT NULL,
    metric          TEXT COLLATE "C" NOT NULL,
    reference       TEXT COLLATE "C" NOT NULL,
    segment_value   DOUBLE PRECISION,
    reference_value DOUBLE PRECISION,
    ratio           DOUBLE PRECISION,
    difference      DOUBLE PRECISION,
    source          TEXT COLLATE "C" NOT NULL DEFAULT '',
    recorded_at     TEXT COLLATE "C" NOT NULL,
    recorded_by     TEXT COLLATE "C" NOT NULL,
    UNIQUE (system_id, model_version, result_date, dataset, attribute, segment, metric)
);

CREATE INDEX evidence_runs_system ON evidence_runs (system_id, model_version);
CREATE INDEX evidence_bias_system ON evidence_bias (system_id, model_version);

-- Model cards (SQLite 0014): each save a revision, only ever added. The version label is
-- compared ignoring case.
CREATE TABLE model_cards (
    system_id     BIGINT NOT NULL REFERENCES systems (id),
    model_version TEXT COLLATE nocase NOT NULL,
    revision      BIGINT NOT NULL CHECK (revision >= 1),
    fields        TEXT COLLATE "C" NOT NULL,
    saved_at      TEXT COLLATE "C" NOT NULL,
    saved_by      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (system_id, model_version, revision)
);
