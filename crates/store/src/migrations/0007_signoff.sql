-- 0007: sign-off forms: review boards and their members, rules per gate and risk tier,
-- requests bound to a snapshot of what is under review, imported signatures, and the actions
-- that conditions of an approval become. A shipped migration is never edited: add 0005_... instead.

CREATE TABLE signoff_boards (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE signoff_members (
    board_id    INTEGER NOT NULL REFERENCES signoff_boards (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    -- steward_core::signoff::Role key.
    role        TEXT NOT NULL,
    fingerprint TEXT NOT NULL REFERENCES certificates (fingerprint),
    PRIMARY KEY (board_id, role, fingerprint)
) STRICT;

CREATE TABLE signoff_rules (
    gate       TEXT NOT NULL,
    risk_tier  TEXT NOT NULL,
    board_id   INTEGER NOT NULL REFERENCES signoff_boards (id),
    -- steward_core::signoff::RuleSpec as canonical JSON.
    spec       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (gate, risk_tier)
) STRICT;

CREATE TABLE signoff_requests (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    system_id  INTEGER NOT NULL REFERENCES systems (id),
    gate       TEXT NOT NULL,
    -- steward_core::sign::request_file::RequestDoc as canonical JSON: the snapshot and rule, frozen.
    doc        TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX signoff_requests_system ON signoff_requests (system_id, gate);

CREATE TABLE signoff_signatures (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES signoff_requests (id),
    fingerprint TEXT NOT NULL,
    role        TEXT NOT NULL,
    -- steward_core::signoff::Statement as canonical JSON, and the detached CMS over it.
    statement   TEXT NOT NULL,
    cms         BLOB NOT NULL,
    cms_sha256  TEXT NOT NULL UNIQUE,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (request_id, fingerprint, role)
) STRICT;

CREATE TABLE signoff_actions (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES signoff_requests (id),
    signature_id INTEGER NOT NULL REFERENCES signoff_signatures (id),
    system_id    INTEGER NOT NULL REFERENCES systems (id),
    text         TEXT NOT NULL,
    owner        TEXT NOT NULL,
    due          TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
