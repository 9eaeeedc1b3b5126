import { describe, expect, it } from "vitest";

import { formatDay, formatTime } from "./format";

describe("formatTime", () => {
  it("reads a stored UTC time as a person writes it", () => {
    expect(formatTime("2026-12-05T08:48:29Z")).toBe("5 Dec 2026, 08:48 UTC");
    expect(formatTime("2026-01-31T23:05:00.123Z")).toBe("31 Jan 2026, 23:05 UTC");
    expect(formatTime("2026-12-05 08:48:29")).toBe("5 Dec 2026, 08:48 UTC");
  });
  it("reads a bare date as a day, and leaves anything else as it is", () => {
    expect(formatTime("2027-03-31")).toBe("31 Mar 2027");
    expect(formatTime("not a time")).toBe("not a time");
    expect(formatTime("2026-13-01")).toBe("2026-13-01");
  });
  it("keeps formatDay's behaviour", () => {
    expect(formatDay("2027-03-31")).toBe("31 Mar 2027");
  });
});
