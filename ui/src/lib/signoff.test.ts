import { describe, expect, it } from "vitest";

import { keyLabel, parseRequirements, wholeNumber } from "./signoff";

describe("parseRequirements", () => {
  const check = (text: string, expected: unknown) => expect(parseRequirements(text)).toEqual(expected);
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
});

describe("keyLabel and wholeNumber", () => {
  it("turns keys into labels", () => {
    expect(keyLabel("approve_with_conditions")).toBe("Approve with conditions");
    expect(keyLabel("pending")).toBe("Pending");
  });
  it("accepts whole numbers only", () => {
    expect(wholeNumber(" 3 ")).toBe(3);
    expect(wholeNumber("2.5")).toBeNull();
    expect(wholeNumber("")).toBeNull();
  });
});
