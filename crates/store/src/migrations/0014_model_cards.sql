-- 0014: model cards. A card is keyed by its system and the model version label a person gives
-- ("2.1", compared ignoring case); each save of it is a new revision (1, 2, 3, ...), only ever
-- added, with who saved it and when. `fields` is what the person wrote (intended use, out-of-scope
-- uses, limitations, assumptions, fallback, human oversight, licence, languages) as one canonical
-- JSON object; the rest of a rendered card is read from the workspace when it is rendered.
-- Numbered 0014, not 0013: 0013 belongs to the evidence records, and nothing here refers to them.
-- A shipped migration is never edited: add 0015_... instead.
CREATE TABLE model_cards (
    system_id     INTEGER NOT NULL REFERENCES systems (id),
    model_version TEXT NOT NULL COLLATE NOCASE,
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    fields        TEXT NOT NULL,
    saved_at      TEXT NOT NULL,
    saved_by      TEXT NOT NULL,
    PRIMARY KEY (system_id, model_version, revision)
) STRICT;
