-- Seals of the audit log: a person's CMS signature over the chain head at a time. `seq` is the
-- entry sealed (the seal's own audit entry, so a seal leaves nothing unsealed behind it) and
-- `head_hash` its hash; the statement signed is rebuilt from these columns and the workspace's
-- id, so a changed column no longer matches the signature. Seals are only ever added.
CREATE TABLE audit_seals (
    seq INTEGER PRIMARY KEY,
    head_hash TEXT NOT NULL,
    sealed_at TEXT NOT NULL,
    signer TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    cms BLOB NOT NULL
);
