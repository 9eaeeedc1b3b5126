// How the app words what a person can do about an error: core sends the remedy as facts, and
// this is the one place that names the app's screens and buttons for it (the CLI names its
// commands in its own copy).
import type { Remedy } from "../bindings/Remedy";

/** A sentence naming where in the app the remedy is; empty for a remedy the app cannot act on. */
export function remedyText(r: Remedy): string {
  switch (r.kind) {
    case "create_identity":
      return "Create your signing identity in Profile, or import an organisation-issued certificate there.";
    case "trust_certificate":
      return `If you expect ${r.subject} to sign, add their certificate to a review board in Sign-offs, or verify with their certificate trusted.`;
    case "create_board":
      return `Create the board "${r.name}" in Sign-offs → Boards & rules.`;
    case "add_signoff_rule":
      return `Add a rule for this gate and risk tier ${r.tier} in Sign-offs → Boards & rules.`;
    case "list_signoff_requests":
      return "Sign-offs → Requests lists every request with its number.";
    case "open_signoff_request":
      return `Open a request for ${r.system} in Sign-offs → Requests.`;
    case "start_retirement":
      return `Start the decommissioning checklist: on ${r.system}'s page, move it to Retired.`;
    case "list_calendar":
      return "The Calendar lists every event.";
    case "resolve_escalation":
      return "Resolve the escalation with a note in KPIs.";
    case "use_signoff_file":
      return r.request
        ? "Choose the request file exported from Sign-offs → Requests."
        : "Choose a signature file written in Sign-offs → Sign a request file.";
    case "freeze_review":
      return `Freeze review ${r.period} first: open it in Reviews and press Freeze.`;
    case "add_at_earlier_stage":
      return r.stage === "retired"
        ? `Add ${r.system} at the stage it had before, then retire it from its page through the decommissioning checklist.`
        : `Add ${r.system} at an earlier stage (Staging or before), open a pre-deployment request for it in Sign-offs → Requests, and move it to Production once it is approved.`;
    case "propose_major_change":
      return `Open a major-change request for ${r.system} in Sign-offs → Requests with the new values, and save the change once it is approved.`;
    case "provide_evidence":
      return `Record or import the validation evidence the policy asks for ${r.system}'s current model version in the Evidence panel of its page, or open a pre-deployment request in Sign-offs → Requests that asks the board for an evidence exception with a reason.`;
  }
}
