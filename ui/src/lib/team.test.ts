import { describe, expect, it } from "vitest";

import { LOGIN_FIELDS, workspaceLine } from "./team";

describe("workspaceLine", () => {
  it("names a team workspace by where it is and who is signed in", () => {
    expect(
      workspaceLine({ path: "postgres://ann@db:5432/gov", actor: "ann", systems: 3, encrypted: false, team: "postgres://ann@db:5432/gov" }),
    ).toBe("Team: postgres://ann@db:5432/gov — signed in as ann");
  });
  it("names a laptop workspace by its file", () => {
    expect(workspaceLine({ path: "/home/ann/.local/share/steward/steward.db", actor: "Ann", systems: 0, encrypted: true, team: null })).toBe(
      "/home/ann/.local/share/steward/steward.db",
    );
  });
});

describe("LOGIN_FIELDS", () => {
  it("has an input for every field core may name", () => {
    for (const f of ["uri", "host", "port", "dbname", "user", "password", "sslmode", "sslrootcert"]) {
      expect(LOGIN_FIELDS.has(f)).toBe(true);
    }
  });
});
