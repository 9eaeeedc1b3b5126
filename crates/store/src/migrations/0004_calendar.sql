-- 0004: the lifecycle calendar: milestones, decommissioning checklists, completions of derived
-- events, and a workspace identifier that makes exported calendar UIDs unique.
-- A shipped migration is never edited: add the next number instead.

INSERT OR IGNORE INTO settings (key, value) VALUES ('workspace_id', lower(hex(randomblob(16))));

CREATE TABLE milestones (
    system_id  INTEGER NOT NULL REFERENCES systems (id),
    kind       TEXT NOT NULL,
    planned    TEXT,
    actual     TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (system_id, kind)
) STRICT;

CREATE TABLE decommission_items (
    system_id INTEGER NOT NULL REFERENCES systems (id),
    key       TEXT NOT NULL,
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    owner     TEXT NOT NULL,
    due       TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('open', 'done', 'waived')),
    note      TEXT NOT NULL DEFAULT '',
    closed_by TEXT,
    closed_at TEXT,
    PRIMARY KEY (system_id, key)
) STRICT;

-- One row per occurrence of a derived event that a person marked done.
CREATE TABLE event_completions (
    uid         TEXT NOT NULL,
    occurrence  TEXT NOT NULL,
    done_on     TEXT NOT NULL,
    done_by     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (uid, occurrence)
) STRICT;
