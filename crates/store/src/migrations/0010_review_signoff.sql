-- 0010: a sign-off request is for a system or for the outcome of a portfolio review. SQLite
-- cannot relax NOT NULL in place, so the table is rebuilt (the migration runs with foreign keys
-- off and is checked with PRAGMA foreign_key_check before it commits); ids, uids and documents
-- are kept as they were, so signatures, actions and signed files still point at their requests.
-- A shipped migration is never edited: add 0011_... instead.

CREATE TABLE signoff_requests_new (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    system_id  INTEGER REFERENCES systems (id),
    review_id  INTEGER REFERENCES reviews (id),
    gate       TEXT NOT NULL,
    -- steward_sign::request_file::RequestDoc as canonical JSON: the snapshot and rule, frozen.
    doc        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((system_id IS NULL) <> (review_id IS NULL))
) STRICT;

INSERT INTO signoff_requests_new (id, uid, system_id, review_id, gate, doc, created_at)
    SELECT id, uid, system_id, NULL, gate, doc, created_at FROM signoff_requests;

DROP TABLE signoff_requests;
ALTER TABLE signoff_requests_new RENAME TO signoff_requests;

CREATE INDEX signoff_requests_system ON signoff_requests (system_id, gate);
CREATE INDEX signoff_requests_review ON signoff_requests (review_id);
