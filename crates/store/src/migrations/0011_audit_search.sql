-- The audit log searched by person, action and date, newest or oldest first, on a log of
-- 100,000 entries and more: each index ends in the sequence number, so a page of one person's
-- or one action's entries is read in order without sorting the whole log. Entries by record
-- already have audit_log_entity (entity, entity_id, then the rowid, which is seq).
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq);
