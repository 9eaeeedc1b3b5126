-- 0002: colleagues' certificates, imported into the workspace to verify their signatures.
-- A shipped migration is never edited: add 0003_... instead.

CREATE TABLE certificates (
    -- SHA-256 of the DER certificate, lowercase hex.
    fingerprint TEXT PRIMARY KEY,
    subject     TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    serial      TEXT NOT NULL,
    not_before  TEXT NOT NULL,
    not_after   TEXT NOT NULL,
    pem         TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
) STRICT;
