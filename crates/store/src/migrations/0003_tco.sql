-- 0003: TCO scenarios kept in the workspace, and their ties to AI systems of the register.
-- A shipped migration is never edited: add 0004_... instead.

CREATE TABLE tco_scenarios (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- The whole scenario (steward_core::tco::Scenario) as canonical JSON, read and written whole;
    -- its `systems` list is rebuilt from tco_scenario_systems when read.
    scenario   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE tco_scenario_systems (
    scenario_id INTEGER NOT NULL REFERENCES tco_scenarios (id) ON DELETE CASCADE,
    system_id   INTEGER NOT NULL REFERENCES systems (id),
    PRIMARY KEY (scenario_id, system_id)
) STRICT;

CREATE INDEX tco_scenario_systems_system ON tco_scenario_systems (system_id);
