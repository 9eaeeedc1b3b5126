// The one module that talks to the desktop shell. Every other module calls these functions;
// each is one Tauri command over steward-core, so the UI and the CLI always agree.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";

import type { ActionView } from "./bindings/ActionView";
import type { AiSystem } from "./bindings/AiSystem";
import type { Assessment } from "./bindings/Assessment";
import type { AssessmentSummary } from "./bindings/AssessmentSummary";
import type { Evaluation } from "./bindings/Evaluation";
import type { Template } from "./bindings/Template";
import type { TemplateInfo } from "./bindings/TemplateInfo";
import type { TemplateStatus } from "./bindings/TemplateStatus";
import type { TierChoice } from "./bindings/TierChoice";
import type { BoardView } from "./bindings/BoardView";
import type { RequestReview } from "./bindings/RequestReview";
import type { RequestView } from "./bindings/RequestView";
import type { RuleSpec } from "./bindings/RuleSpec";
import type { RuleView } from "./bindings/RuleView";
import type { SignoffDecision } from "./bindings/SignoffDecision";
import type { SignoffGate } from "./bindings/SignoffGate";
import type { SignoffRole } from "./bindings/SignoffRole";
import type { RiskTier } from "./bindings/RiskTier";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { CalendarQuery } from "./bindings/CalendarQuery";
import type { ChecklistItem } from "./bindings/ChecklistItem";
import type { ItemState } from "./bindings/ItemState";
import type { Milestone } from "./bindings/Milestone";
import type { Occurrence } from "./bindings/Occurrence";
import type { RetireOutcome } from "./bindings/RetireOutcome";
import type { ChainReport } from "./bindings/ChainReport";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { Facets } from "./bindings/Facets";
import type { IdentityInfo } from "./bindings/IdentityInfo";
import type { Escalation } from "./bindings/Escalation";
import type { ImportPlan } from "./bindings/ImportPlan";
import type { KpiStatus } from "./bindings/KpiStatus";
import type { Linkage } from "./bindings/Linkage";
import type { MeasurementEntry } from "./bindings/MeasurementEntry";
import type { Portfolio } from "./bindings/Portfolio";
import type { RecordedMeasurement } from "./bindings/RecordedMeasurement";
import type { PackReport } from "./bindings/PackReport";
import type { PackSummary } from "./bindings/PackSummary";
import type { Profile } from "./bindings/Profile";
import type { Progress } from "./bindings/Progress";
import type { Stage } from "./bindings/Stage";
import type { SystemDraft } from "./bindings/SystemDraft";
import type { SystemQuery } from "./bindings/SystemQuery";
import type { Scenario } from "./bindings/tco/Scenario";
import type { StoredScenario } from "./bindings/tco/StoredScenario";
import type { TcoEvaluation } from "./bindings/tco/TcoEvaluation";
import type { TcoSummary } from "./bindings/tco/TcoSummary";
import type { Vocabulary } from "./bindings/Vocabulary";
import type { WireError } from "./bindings/WireError";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";

/** Every failure a command reports arrives as a WireError; anything else is wrapped as one. */
export function asWireError(e: unknown): WireError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    return e as WireError;
  }
  return { code: "internal", message: typeof e === "string" ? e : String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asWireError(e);
  }
}

export const backend = {
  workspaceInfo: () => call<WorkspaceInfo>("workspace_info"),
  vocabulary: () => call<Vocabulary>("vocabulary"),
  blankDraft: () => call<SystemDraft>("blank_draft"),
  openSample: () => call<number>("open_sample"),
  listSystems: (query: SystemQuery) => call<AiSystem[]>("list_systems", { query }),
  facets: () => call<Facets>("facets"),
  getSystem: (id: number) => call<AiSystem>("get_system", { id }),
  addSystem: (draft: SystemDraft) => call<AiSystem>("add_system", { draft }),
  updateSystem: (id: number, draft: SystemDraft) => call<AiSystem>("update_system", { id, draft }),
  setStage: (id: number, stage: Stage) => call<AiSystem>("set_stage", { id, stage }),
  nextStages: (stage: Stage) => call<Stage[]>("next_stages", { stage }),
  planImport: (path: string) => call<ImportPlan>("plan_import", { path }),
  importSystems: (path: string) => call<ImportPlan>("import_systems", { path }),
  exportSystems: (query: SystemQuery, format: ExportFormat, out: string) =>
    call<number>("export_systems", { query, format, out }),
  auditLog: (query: AuditQuery) => call<AuditEntry[]>("audit_log", { query }),
  verifyAudit: () => call<ChainReport>("verify_audit"),
  identityShow: () => call<IdentityInfo | null>("identity_show"),
  identityInit: (profile: Profile, passphrase: string) =>
    call<IdentityInfo>("identity_init", { profile, passphrase }),
  /** Writes the register report; resolves to the number of bytes written. */
  exportReport: (format: "pdf" | "xlsx", sign: boolean, passphrase: string | null, path: string) =>
    call<number>("export_report", { format, sign, passphrase, path }),
  /** Writes a signed audit pack, calling `onProgress` at each step. */
  createPack: (passphrase: string, path: string, onProgress: (p: Progress) => void) => {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return call<PackSummary>("create_pack", { passphrase, path, onProgress: channel });
  },
  cancelExport: () => call<void>("cancel_export"),
  verifyFile: (path: string) => call<PackReport>("verify_file", { path }),
  tcoList: () => call<TcoSummary[]>("tco_list"),
  tcoGet: (id: number) => call<StoredScenario>("tco_get", { id }),
  tcoNewDraft: () => call<Scenario>("tco_new_draft"),
  /** Checks a draft (JSON in the scenario file's shape) and computes it; writes nothing. */
  tcoEvaluate: (draft: unknown) => call<TcoEvaluation>("tco_evaluate", { draft }),
  tcoSave: (id: number | null, draft: unknown) => call<StoredScenario>("tco_save", { id, draft }),
  tcoDelete: (id: number) => call<StoredScenario>("tco_delete", { id }),
  /** Writes a stored scenario as toml, xlsx or pdf; resolves to the number of bytes written. */
  tcoExport: (id: number, format: "toml" | "xlsx" | "pdf", sign: boolean, passphrase: string | null, path: string) =>
    call<number>("tco_export", { id, format, sign, passphrase, path }),
  /** Stores a scenario file; its problems come back naming the file and the key. */
  tcoImport: (path: string) => call<StoredScenario>("tco_import", { path }),
  signoffBoards: () => call<BoardView[]>("signoff_boards"),
  signoffCreateBoard: (name: string) => call<BoardView>("signoff_create_board", { name }),
  signoffAddMember: (board: string, name: string, role: SignoffRole, cert: string) =>
    call<BoardView>("signoff_add_member", { board, name, role, cert }),
  signoffRules: () => call<RuleView[]>("signoff_rules"),
  signoffSaveRule: (gate: SignoffGate, tier: RiskTier, board: string, spec: RuleSpec) =>
    call<RuleView>("signoff_save_rule", { gate, tier, board, spec }),
  signoffRequests: () => call<RequestView[]>("signoff_requests"),
  signoffCreateRequest: (system: string, gate: SignoffGate) =>
    call<RequestView>("signoff_create_request", { system, gate }),
  /** Writes the request file, signed with your identity; resolves to the bytes written. */
  signoffExportRequest: (id: number, passphrase: string, path: string) =>
    call<number>("signoff_export_request", { id, passphrase, path }),
  /** Reads and checks a request file for review before signing. */
  signoffReview: (path: string) => call<RequestReview>("signoff_review", { path }),
  /** Signs a request file with your identity, or with `p12` and its password; writes `out`. */
  signoffSign: (
    path: string,
    role: SignoffRole,
    decision: SignoffDecision,
    conditions: string,
    passphrase: string,
    p12: string | null,
    out: string,
  ) => call<number>("signoff_sign", { path, role, decision, conditions, passphrase, p12, out }),
  signoffImportSignature: (path: string) => call<RequestView>("signoff_import_signature", { path }),
  signoffActions: () => call<ActionView[]>("signoff_actions"),
  signoffCertificate: (id: number, format: "pdf" | "xlsx", sign: boolean, passphrase: string | null, path: string) =>
    call<number>("signoff_certificate", { id, format, sign, passphrase, path }),

  // The lifecycle calendar.
  calendarList: (query: CalendarQuery) => call<Occurrence[]>("calendar_list", { query }),
  calendarDone: (uid: string, occurrence: string | null, doneOn: string | null, note: string) =>
    call<Occurrence>("calendar_done", { uid, occurrence, doneOn, note }),
  /** Writes the .ics; resolves to the number of events in it. */
  calendarExport: (query: CalendarQuery, out: string) => call<number>("calendar_export", { query, out }),
  milestones: (id: number) => call<Milestone[]>("milestones_get", { id }),
  setMilestones: (id: number, milestones: Milestone[]) =>
    call<Milestone[]>("milestones_set", { id, milestones }),
  checklist: (id: number) => call<ChecklistItem[]>("checklist_get", { id }),
  closeChecklistItem: (id: number, key: string, state: ItemState, note: string) =>
    call<ChecklistItem>("checklist_close", { id, key, state, note }),
  /** Starts the decommissioning checklist, or retires the system once it is complete. */
  retireSystem: (id: number, date: string | null) => call<RetireOutcome>("retire_system", { id, date }),

  assessmentTemplates: () => call<TemplateStatus[]>("assessment_templates"),
  listAssessments: (systemId: number | null) => call<AssessmentSummary[]>("list_assessments", { systemId }),
  getAssessment: (id: number) => call<Assessment>("get_assessment", { id }),
  assessmentTemplate: (templateId: string, version: string) =>
    call<Template>("assessment_template", { templateId, version }),
  evaluateAnswers: (templateId: string, version: string, answers: Record<string, unknown>) =>
    call<Evaluation>("evaluate_answers", { templateId, version, answers }),
  startAssessment: (systemId: number, templateId: string) =>
    call<Assessment>("start_assessment", { systemId, templateId }),
  saveAnswers: (id: number, answers: Record<string, unknown>) => call<Assessment>("save_answers", { id, answers }),
  completeAssessment: (id: number) => call<Assessment>("complete_assessment", { id }),
  decideAssessment: (id: number, choice: TierChoice) => call<Assessment>("decide_assessment", { id, choice }),
  addTemplate: (path: string) => call<TemplateInfo>("add_template", { path }),
  chooseTemplateFile: async (): Promise<string | null> => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Questionnaire template", extensions: ["json"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
  exportAssessment: (id: number, format: ExportFormat, out: string) =>
    call<void>("export_assessment", { id, format, out }),

  /** The native file chooser; null when cancelled. */
  chooseImportFile: async (): Promise<string | null> => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Spreadsheets", extensions: ["xlsx", "ods", "csv"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
  chooseExportFile: async (format: ExportFormat): Promise<string | null> =>
    save({ filters: [{ name: format.toUpperCase(), extensions: [format] }] }),
  chooseSaveFile: async (name: string, extension: string): Promise<string | null> =>
    save({ filters: [{ name, extensions: [extension] }] }),
  chooseScenarioFile: async (): Promise<string | null> => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "TCO scenario", extensions: ["toml"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
  chooseVerifyFile: async (): Promise<string | null> => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Audit pack or signed PDF", extensions: ["zip", "pdf"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
  kpiStatus: () => call<KpiStatus[]>("kpi_status"),
  kpiPortfolio: () => call<Portfolio>("kpi_portfolio"),
  kpiLinkage: (systemId: number) => call<Linkage>("kpi_linkage", { systemId }),
  recordMeasurement: (input: MeasurementEntry) => call<RecordedMeasurement>("record_measurement", { input }),
  acknowledgeEscalation: (id: number, note: string) => call<Escalation>("acknowledge_escalation", { id, note }),
  resolveEscalation: (id: number, note: string) => call<Escalation>("resolve_escalation", { id, note }),
};
