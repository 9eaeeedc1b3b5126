import { describe, expect, it } from "vitest";

import { exportSteps, extensionOf, passphraseProblem, signs } from "./signing";

describe("exportSteps", () => {
  it("asks nothing for an unsigned report", () => {
    expect(exportSteps("pdf", false, false)).toEqual(["run"]);
    expect(exportSteps("xlsx", true, false)).toEqual(["run"]);
  });

  it("asks for the passphrase when signing with an identity", () => {
    expect(exportSteps("pdf", true, true)).toEqual(["passphrase", "run"]);
  });

  it("sets up a profile first when there is no identity to sign with", () => {
    expect(exportSteps("pdf", true, false)).toEqual(["setup", "passphrase", "run"]);
  });

  it("always signs an audit pack, whatever the checkbox says", () => {
    expect(signs("pack", false)).toBe(true);
    expect(exportSteps("pack", false, true)).toEqual(["passphrase", "run"]);
  });

  it("backs up without a key or a passphrase", () => {
    expect(signs("backup", true)).toBe(false);
    expect(exportSteps("backup", true, false)).toEqual(["run"]);
  });
});

describe("helpers", () => {
  it("writes a pack as .zip and reports under their own extension", () => {
    expect(extensionOf("pack")).toBe("zip");
    expect(extensionOf("pdf")).toBe("pdf");
    expect(extensionOf("backup")).toBe("db");
  });

  it("refuses two different passphrases", () => {
    expect(passphraseProblem("correct horse", "correct horse")).toBeNull();
    expect(passphraseProblem("correct horse", "correct hose")).toMatch(/differ/);
  });
});
