import { describe, expect, it } from "vitest";

import type { Labelled } from "../bindings/Labelled";
import type { SignoffRole } from "../bindings/SignoffRole";
import { keyLabel, parseRequirements, wholeNumber } from "./signoff";

// The roles as core's vocabulary lists them.
const ROLES: Labelled<SignoffRole>[] = [
  { key: "legal", label: "Legal" },
  { key: "compliance", label: "Compliance" },
  { key: "risk", label: "Risk" },
  { key: "business_owner", label: "Business owner" },
  { key: "technical_lead", label: "Technical lead" },
  { key: "data_protection", label: "Data protection" },
];

describe("parseRequirements", () => {
  const check = (text: string, expected: unknown) => expect(parseRequirements(text, ROLES)).toEqual(expected);
  it("reads ROLE=N parts separated by commas, semicolons or spaces", () => {
    check("legal=1, compliance=2", { roles: [{ role: "legal", required: 1 }, { role: "compliance", required: 2 }] });
    check("risk=1;data_protection=1", { roles: [{ role: "risk", required: 1 }, { role: "data_protection", required: 1 }] });
    check(" Legal=1 ", { roles: [{ role: "legal", required: 1 }] });
  });
  it("names the bad part and what is accepted", () => {
    check("legal", { error: '"legal" is not ROLE=N, e.g. legal=1' });
    check("legal=x", { error: '"legal=x" is not ROLE=N, e.g. legal=1' });
    check("auditor=1", {
      error: '"auditor" is not a role; use one of legal, compliance, risk, business_owner, technical_lead, data_protection',
    });
    check("", { error: "name at least one role, e.g. legal=1" });
  });
  it("accepts exactly the roles the vocabulary gives", () => {
    const two: Labelled<SignoffRole>[] = [ROLES[0], ROLES[2]];
    expect(parseRequirements("risk=1", two)).toEqual({ roles: [{ role: "risk", required: 1 }] });
    expect(parseRequirements("compliance=1", two)).toEqual({ error: '"compliance" is not a role; use one of legal, risk' });
  });
});

describe("keyLabel and wholeNumber", () => {
  it("turns a snapshot field name into a heading", () => {
    expect(keyLabel("business_unit")).toBe("Business unit");
    expect(keyLabel("owner")).toBe("Owner");
  });
  it("accepts whole numbers only", () => {
    expect(wholeNumber(" 3 ")).toBe(3);
    expect(wholeNumber("2.5")).toBeNull();
    expect(wholeNumber("")).toBeNull();
  });
});
