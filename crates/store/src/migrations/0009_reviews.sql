-- 0009: quarterly portfolio reviews, the board's decisions and the actions they set.
-- A shipped migration is never edited: add 0010_... instead.

-- A review: its period (e.g. 2026-Q4), its header (title, date, chair, attendees, scope) as one
-- canonical JSON document, its state, and once frozen the snapshot of every input it was scored
-- on (canonical JSON) with its SHA-256.
CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    period        TEXT NOT NULL UNIQUE,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'frozen', 'decided', 'signed')),
    header        TEXT NOT NULL,
    snapshot      TEXT,
    snapshot_hash TEXT,
    frozen_at     TEXT,
    frozen_by     TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((state = 'draft') = (snapshot IS NULL))
) STRICT;

-- The board's decision on one system of a frozen review, as one canonical JSON document
-- (decision, recommendation and rule, rationale, dissent, conditions, budget, who and when).
CREATE TABLE review_decisions (
    review_id  INTEGER NOT NULL REFERENCES reviews (id),
    system_id  INTEGER NOT NULL REFERENCES systems (id),
    decision   TEXT NOT NULL,
    doc        TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (review_id, system_id)
) STRICT;

-- An action the board set on a system, with its owner and due date; it is on the calendar (uid
-- review-action-ID@workspace) and done when its calendar event is marked done.
CREATE TABLE review_actions (
    id         INTEGER PRIMARY KEY,
    review_id  INTEGER NOT NULL REFERENCES reviews (id),
    system_id  INTEGER NOT NULL REFERENCES systems (id),
    title      TEXT NOT NULL,
    owner      TEXT NOT NULL,
    due        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE INDEX review_actions_by_review ON review_actions (review_id);
