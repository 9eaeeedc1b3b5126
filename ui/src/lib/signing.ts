// What the "Sign & export" screen must ask before it can export: a profile and key when none
// exists yet, then the passphrase that unlocks the key. Pure, so it is tested on its own.

export type ReportKind = "pdf" | "xlsx" | "pack" | "backup";

export type ExportStep = "setup" | "passphrase" | "run";

/** An audit pack is always signed; a PDF when asked; an .xlsx and a backup never carry a
 * signature. */
export function signs(kind: ReportKind, sign: boolean): boolean {
  return kind === "pack" || (kind === "pdf" && sign);
}

/** The steps from pressing Export to writing the file. */
export function exportSteps(kind: ReportKind, sign: boolean, hasIdentity: boolean): ExportStep[] {
  if (!signs(kind, sign)) return ["run"];
  return hasIdentity ? ["passphrase", "run"] : ["setup", "passphrase", "run"];
}

/** The file extension a kind is written with. */
export const extensionOf = (kind: ReportKind): string =>
  kind === "pack" ? "zip" : kind === "backup" ? "db" : kind;

/** Why a new passphrase cannot be used yet, or null when it can. */
export function passphraseProblem(passphrase: string, repeated: string): string | null {
  if (passphrase !== repeated) return "the two passphrases differ";
  return null;
}
