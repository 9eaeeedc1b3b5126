// The one module that talks to the desktop shell. Every other module calls these functions.
// The commands come from ./commands, the client build.rs generates from the shell's
// #[tauri::command] functions (each one call into steward-core, so the UI and the CLI always
// agree); what is written here is only what Rust does not declare: the native file dialogs,
// progress callbacks, and the narrower string types some arguments accept.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";

import { commands } from "./commands";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { ImportRequest } from "./bindings/ImportRequest";
import type { Progress } from "./bindings/Progress";
import type { RowsDone } from "./bindings/RowsDone";
import type { SystemQuery } from "./bindings/SystemQuery";
import type { WireError } from "./bindings/WireError";

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

// Every command, failing with a WireError. The calendar's four are named after what the
// screens do with them.
const {
  milestonesGet,
  milestonesSet,
  checklistGet,
  checklistClose,
  ...generated
} = commands(call);

export const backend = {
  ...generated,

  /** Writes the register report; resolves to the number of bytes written. */
  exportReport: (format: "pdf" | "xlsx", sign: boolean, passphrase: string | null, path: string) =>
    generated.exportReport(format, sign, passphrase, path),
  /** Imports the register file `path` as `request` says, calling `onProgress` with the rows
   *  read so far; `cancelTransfer` stops it and nothing is written. */
  importSystems: (path: string, request: ImportRequest, onProgress: (rows: number) => void) => {
    const channel = new Channel<number>();
    channel.onmessage = onProgress;
    return generated.importSystems(path, request, channel);
  },
  /** Exports the systems `query` selects, calling `onProgress` as rows are written;
   *  `cancelTransfer` stops it and no file is left. */
  exportSystems: (query: SystemQuery, format: ExportFormat, out: string, onProgress: (p: RowsDone) => void) => {
    const channel = new Channel<RowsDone>();
    channel.onmessage = onProgress;
    return generated.exportSystems(query, format, out, channel);
  },
  /** Writes a signed audit pack, calling `onProgress` at each step. */
  createPack: (passphrase: string, path: string, onProgress: (p: Progress) => void) => {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return generated.createPack(passphrase, path, channel);
  },
  /** Writes a stored scenario as toml, xlsx or pdf; resolves to the number of bytes written. */
  tcoExport: (id: number, format: "toml" | "xlsx" | "pdf", sign: boolean, passphrase: string | null, path: string) =>
    generated.tcoExport(id, format, sign, passphrase, path),
  signoffCertificate: (id: number, format: "pdf" | "xlsx", sign: boolean, passphrase: string | null, path: string) =>
    generated.signoffCertificate(id, format, sign, passphrase, path),

  // The lifecycle calendar.
  milestones: milestonesGet,
  setMilestones: milestonesSet,
  checklist: checklistGet,
  closeChecklistItem: checklistClose,

  chooseTemplateFile: async (): Promise<string | null> => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Questionnaire template", extensions: ["json"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
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
  chooseRulesFile: async (): Promise<string | null> => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Review rules", extensions: ["toml"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
  chooseEvidenceFile: async (): Promise<string | null> => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Evidence (long-format spreadsheet or MLflow run)", extensions: ["xlsx", "ods", "csv", "json"] }],
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
};
