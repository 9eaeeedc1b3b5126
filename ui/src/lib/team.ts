// How the open workspace is named in the sidebar, and the fields of the team workspace form
// (core's TeamLogin) its errors are placed beside.
import type { TeamLogin } from "../bindings/TeamLogin";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";

/** The open workspace in one line: a team one by where it is and who is signed in. */
export function workspaceLine(info: WorkspaceInfo): string {
  return info.team ? `Team: ${info.team} — signed in as ${info.actor}` : info.path;
}

/** An empty form: libpq's defaults apart from TLS, which it prefers. */
export function blankLogin(): TeamLogin {
  return { uri: "", host: "", port: "5432", dbname: "", user: "", password: "", sslmode: "prefer", sslrootcert: "" };
}

/** The inputs of the form, by the field names core reports. */
export const LOGIN_FIELDS = new Set<string>(Object.keys(blankLogin()));
