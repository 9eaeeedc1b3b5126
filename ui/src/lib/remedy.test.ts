import { describe, expect, it } from "vitest";

import type { Remedy } from "../bindings/Remedy";
import { remedyText } from "./remedy";

function check(r: Remedy, expected: string) {
  expect(remedyText(r)).toContain(expected);
}

describe("remedyText", () => {
  it("names the screen that puts each remedy right, never a command line", () => {
    check({ kind: "create_identity" }, "Profile");
    check({ kind: "trust_certificate", subject: "CN=Ann", fingerprint: "ab" }, "CN=Ann");
    check({ kind: "create_board", name: "Model board" }, "Boards & rules");
    check({ kind: "add_signoff_rule", gate: "pre_deployment", tier: "high" }, "Boards & rules");
    check({ kind: "list_signoff_requests" }, "Sign-offs → Requests");
    check({ kind: "open_signoff_request", system: "Fraud", gate: "retirement" }, "Fraud");
    check({ kind: "start_retirement", system: "Fraud" }, "move it to Retired");
    check({ kind: "list_calendar" }, "Calendar");
    check({ kind: "resolve_escalation", id: 3 }, "KPIs");
    check({ kind: "use_signoff_file", request: true }, "request file");
    check({ kind: "freeze_review", period: "2026-Q4" }, "Freeze review 2026-Q4");
    check({ kind: "add_at_earlier_stage", system: "Fraud", stage: "production" }, "open a pre-deployment request");
    check({ kind: "add_at_earlier_stage", system: "Fraud", stage: "retired" }, "decommissioning checklist");
    check({ kind: "propose_major_change", system: "Fraud", fields: ["purpose"] }, "major-change request for Fraud");
    check({ kind: "provide_evidence", system: "Fraud" }, "Evidence panel of its page");
    check({ kind: "provide_evidence", system: "Fraud" }, "evidence exception");
    const all: Remedy[] = [
      { kind: "add_at_earlier_stage", system: "Fraud", stage: "production" },
      { kind: "propose_major_change", system: "Fraud", fields: ["purpose"] },
      { kind: "create_identity" },
      { kind: "list_calendar" },
      { kind: "resolve_escalation", id: 1 },
      { kind: "freeze_review", period: "2026-Q4" },
      { kind: "provide_evidence", system: "Fraud" },
    ];
    for (const r of all) expect(remedyText(r)).not.toMatch(/steward |--/);
  });
});
