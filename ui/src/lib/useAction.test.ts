import { describe, expect, it } from "vitest";

import type { WireError } from "../bindings/WireError";
import { runAction } from "./useAction";

/** Records every busy and error change, in order. */
function recorder() {
  const log: unknown[] = [];
  return {
    log,
    state: {
      setBusy: (b: boolean) => log.push(["busy", b]),
      setError: (e: WireError | null) => log.push(["error", e]),
    },
  };
}

describe("runAction", () => {
  it("is busy while the call runs, clears the last error, and gives the result", async () => {
    const { log, state } = recorder();
    let seen: unknown[] = [];
    const out = await runAction(state, async () => {
      seen = [...log];
      return 42;
    });
    expect(out).toBe(42);
    expect(seen).toEqual([["busy", true], ["error", null]]);
    expect(log).toEqual([["busy", true], ["error", null], ["busy", false]]);
  });

  it("keeps a failure as the shown error and gives undefined", async () => {
    const { log, state } = recorder();
    const failure: WireError = { code: "validation", message: "name: required" };
    const out = await runAction(state, () => Promise.reject(failure));
    expect(out).toBeUndefined();
    expect(log).toEqual([["busy", true], ["error", null], ["error", failure], ["busy", false]]);
  });

  it("wraps a failure that is not a WireError", async () => {
    const { log, state } = recorder();
    await runAction(state, () => Promise.reject("the shell went away"));
    expect(log).toContainEqual(["error", { code: "internal", message: "the shell went away" }]);
  });

  it("lets the screen show a failure elsewhere", async () => {
    const { log, state } = recorder();
    const failure: WireError = { code: "validation", message: "bad", fields: [{ field: "name", message: "required" }] };
    let placed: WireError | null = null;
    await runAction(state, () => Promise.reject(failure), (e) => {
      placed = e;
      return null;
    });
    expect(placed).toEqual(failure);
    expect(log).toEqual([["busy", true], ["error", null], ["error", null], ["busy", false]]);
  });
});
