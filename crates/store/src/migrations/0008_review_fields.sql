-- 0008: what the portfolio review needs to know of each system: its executive sponsor, when its
-- model was last retrained, the value it delivers (or is expected to deliver) per year, and two
-- 1-5 scores, data readiness and strategic alignment. NULL means not known, never zero.
-- A shipped migration is never edited: add 0009_... instead.

ALTER TABLE systems ADD COLUMN sponsor TEXT NOT NULL DEFAULT '';
-- YYYY-MM-DD.
ALTER TABLE systems ADD COLUMN last_retrained TEXT;
-- In the workspace's currency.
ALTER TABLE systems ADD COLUMN annual_value REAL CHECK (annual_value >= 0);
ALTER TABLE systems ADD COLUMN data_readiness INTEGER CHECK (data_readiness BETWEEN 1 AND 5);
ALTER TABLE systems ADD COLUMN strategic_alignment INTEGER
    CHECK (strategic_alignment BETWEEN 1 AND 5);
