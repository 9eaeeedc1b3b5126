import { describe, expect, it } from "vitest";

import { ariaSort, nextSort, type SortState } from "./sort";

describe("nextSort", () => {
  const byName: SortState = { sort: "name", descending: false };

  it("flips the direction when the sorted column is clicked again", () => {
    expect(nextSort(byName, "name")).toEqual({ sort: "name", descending: true });
    expect(nextSort({ sort: "name", descending: true }, "name")).toEqual(byName);
  });

  it("sorts a newly clicked column ascending, whatever the direction before", () => {
    expect(nextSort({ sort: "name", descending: true }, "risk_tier")).toEqual({ sort: "risk_tier", descending: false });
  });

  it("marks only the sorted header", () => {
    const s: SortState = { sort: "stage", descending: true };
    expect(ariaSort(s, "stage")).toBe("descending");
    expect(ariaSort(s, "owner")).toBe("none");
  });
});
