-- 0005: impact assessments and the template versions they were answered against.
-- A shipped migration is never edited: add the next number instead.

-- Every version of a questionnaire template an assessment used or a person added, as a
-- self-contained JSON snapshot, so an older version stays readable after a newer one ships.
CREATE TABLE assessment_templates (
    template_id TEXT NOT NULL,
    version     TEXT NOT NULL,
    date        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    source      TEXT NOT NULL,
    -- 1 when a person added this version to the workspace (it then competes to be current);
    -- 0 when it is only kept because an assessment was answered against it.
    added       INTEGER NOT NULL CHECK (added IN (0, 1)),
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    PRIMARY KEY (template_id, version)
) STRICT;

CREATE TABLE assessments (
    id               INTEGER PRIMARY KEY,
    system_id        INTEGER NOT NULL REFERENCES systems (id),
    template_id      TEXT NOT NULL,
    template_version TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'complete', 'superseded')),
    -- The answers exactly as SurveyJS saves them, canonical JSON.
    answers          TEXT NOT NULL DEFAULT '{}',
    -- The result as computed when the assessment was completed (canonical JSON); NULL for a draft.
    result           TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT,
    completed_by     TEXT,
    superseded_by    INTEGER REFERENCES assessments (id),
    -- What the person made of the suggested tier: NULL (not yet), 'accepted' or 'overridden'.
    decision         TEXT CHECK (decision IN ('accepted', 'overridden')),
    decided_tier     TEXT CHECK (decided_tier IN ('low', 'medium', 'high')),
    decided_eu_category TEXT CHECK (decided_eu_category IN ('prohibited', 'high_risk',
                         'limited_risk', 'minimal')),
    decision_reason  TEXT,
    decided_at       TEXT,
    decided_by       TEXT,
    FOREIGN KEY (template_id, template_version)
        REFERENCES assessment_templates (template_id, version)
) STRICT;

CREATE INDEX assessments_by_system ON assessments (system_id, template_id, status);
