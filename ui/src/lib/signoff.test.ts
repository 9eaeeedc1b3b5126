import { describe, expect, it } from "vitest";

import { keyLabel } from "./signoff";

describe("keyLabel", () => {
  it("turns a snapshot field name into a heading", () => {
    expect(keyLabel("business_unit")).toBe("Business unit");
    expect(keyLabel("owner")).toBe("Owner");
  });
});
