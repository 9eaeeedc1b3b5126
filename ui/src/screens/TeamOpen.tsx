// "Open a team workspace": the connection to a team workspace in PostgreSQL, by its parts or a
// string pasted whole, or one of those opened lately (remembered without a password); and the
// way back to the laptop workspace. What is wrong with a field is core's word, shown beside
// it; a refusal (wrong password, server unreachable, not a Steward workspace, newer schema) is
// core's message, and the workspace open until then stays open.
import { useEffect, useState } from "preact/hooks";

import type { RecentTeam } from "../bindings/RecentTeam";
import type { TeamLogin } from "../bindings/TeamLogin";
import type { WireError } from "../bindings/WireError";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { placeFieldErrors, type FieldErrorMap } from "../lib/fieldErrors";
import { blankLogin, LOGIN_FIELDS, workspaceLine } from "../lib/team";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";

type Mode = "parts" | "uri";

export function TeamOpen(p: {
  current: WorkspaceInfo | null;
  /** Why the workspace named at launch did not open, shown above the form. */
  failure?: WireError | null;
  onOpened: (info: WorkspaceInfo) => void;
  /** The laptop workspace is encrypted: its passphrase is asked for next. */
  onLocked: (e: WireError) => void;
  onCancel?: () => void;
}) {
  const vocab = useVocab();
  const [mode, setMode] = useState<Mode>("parts");
  const [login, setLogin] = useState<TeamLogin>(blankLogin);
  const [recent, setRecent] = useState<RecentTeam[]>([]);
  const [recentPassword, setRecentPassword] = useState("");
  const [fields, setFields] = useState<FieldErrorMap>({});
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    backend.recentTeamWorkspaces().then(setRecent, setError);
  }, []);

  const set = (k: keyof TeamLogin) => (e: Event) => setLogin({ ...login, [k]: valueOf(e) });

  // Field errors go beside their inputs; anything else is shown in the box.
  const placed = (e: WireError): WireError | null => {
    if (e.code !== "validation" || !e.fields) return e;
    const { byField, unplaced } = placeFieldErrors(e.fields, LOGIN_FIELDS);
    setFields(byField);
    return unplaced.length > 0 ? { ...e, fields: unplaced } : null;
  };

  const open = async (l: TeamLogin) => {
    setFields({});
    const info = await run(() => backend.openTeamWorkspace(l), placed);
    if (info) {
      setLogin(blankLogin());
      setRecentPassword("");
      p.onOpened(info);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    void open(mode === "uri" ? { ...blankLogin(), uri: login.uri, password: login.password } : { ...login, uri: "" });
  };

  const laptop = async () => {
    const info = await run(
      () => backend.openLaptopWorkspace(),
      (e) => {
        if (e.code === "locked") {
          p.onLocked(e);
          return null;
        }
        return e;
      },
    );
    if (info) p.onOpened(info);
  };

  const forget = async (r: RecentTeam) => {
    const left = await run(() => backend.forgetTeamWorkspace(r.conninfo));
    if (left) setRecent(left);
  };

  return (
    <section class="screen team-open" data-testid="team-open">
      <header class="screen-head">
        <h1>Open a team workspace</h1>
      </header>
      {p.failure && <ErrorBox error={p.failure} testid="team-launch-error" />}
      <p class="hint">
        A team workspace is a PostgreSQL database the team shares; you sign in as your own database user, and the
        audit log records every change as made by that user.
      </p>
      <p class="hint" data-testid="team-password-note">
        Your password is used to sign in and kept in memory only while the workspace is open: Steward never writes it
        anywhere. Leave it empty when ~/.pgpass or PGPASSWORD holds it. The workspaces you open are remembered on
        this computer without their passwords.
      </p>
      {p.current && (
        <p data-testid="team-current">
          Open now: {workspaceLine(p.current)}
        </p>
      )}

      {recent.length > 0 && (
        <div class="panel" data-testid="team-recent">
          <h2>Opened lately</h2>
          <div class="row">
            <label>
              Password for the one you open
              <input
                type="password"
                autocomplete="current-password"
                data-testid="recent-password"
                value={recentPassword}
                onInput={(e) => setRecentPassword(valueOf(e))}
              />
            </label>
          </div>
          <ul class="recent-list">
            {recent.map((r) => (
              <li key={r.conninfo} data-testid="recent-team">
                <span class="recent-name">{r.display}</span>
                <button
                  type="button"
                  class="primary"
                  data-testid="recent-open"
                  aria-label={`Open ${r.display}`}
                  disabled={busy}
                  onClick={() => void open({ ...blankLogin(), uri: r.conninfo, password: recentPassword })}
                >
                  Open
                </button>
                <button type="button" data-testid="recent-forget" aria-label={`Forget ${r.display}`} disabled={busy} onClick={() => void forget(r)}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      <form class="panel" data-testid="team-form" onSubmit={submit}>
        <h2>Connect</h2>
        <fieldset class="scope row">
          <legend>How to give the connection</legend>
          <label class="check">
            <input type="radio" name="team-mode" data-testid="team-mode-parts" checked={mode === "parts"} onChange={() => setMode("parts")} />
            By its parts
          </label>
          <label class="check">
            <input type="radio" name="team-mode" data-testid="team-mode-uri" checked={mode === "uri"} onChange={() => setMode("uri")} />
            A connection string pasted whole
          </label>
        </fieldset>
        {mode === "uri" ? (
          <div class="row">
            <Field path="uri" label="Connection string" class="grow" messages={fields.uri}
              hint="postgres://user@host:5432/database?sslmode=verify-full, or host=... dbname=... pairs">
              <input data-testid="team-uri" value={login.uri} onInput={set("uri")} spellcheck={false} />
            </Field>
          </div>
        ) : (
          <>
            <div class="row">
              <Field path="host" label="Host" class="grow" messages={fields.host} hint="Empty: PGHOST, else the local server">
                <input data-testid="team-host" value={login.host} onInput={set("host")} spellcheck={false} />
              </Field>
              <Field path="port" label="Port" messages={fields.port}>
                <input data-testid="team-port" inputMode="numeric" size={6} value={login.port} onInput={set("port")} />
              </Field>
              <Field path="dbname" label="Database" messages={fields.dbname}>
                <input data-testid="team-dbname" value={login.dbname} onInput={set("dbname")} spellcheck={false} />
              </Field>
              <Field path="user" label="User" messages={fields.user}>
                <input data-testid="team-user" autocomplete="username" value={login.user} onInput={set("user")} spellcheck={false} />
              </Field>
            </div>
            <div class="row">
              <Field path="sslmode" label="TLS (sslmode)" messages={fields.sslmode}>
                <Select testid="team-sslmode" value={login.sslmode} options={vocab.sslmodes} onChange={(v) => setLogin({ ...login, sslmode: v })} />
              </Field>
              <Field path="sslrootcert" label="Root certificate (optional)" class="grow" messages={fields.sslrootcert}
                hint="The PEM file of the authority that signed the server's certificate; empty: ~/.postgresql/root.crt">
                <input data-testid="team-sslrootcert" value={login.sslrootcert} onInput={set("sslrootcert")} spellcheck={false} />
              </Field>
            </div>
          </>
        )}
        <div class="row">
          <Field path="password" label="Password" messages={fields.password} hint="Never stored; empty: ~/.pgpass or PGPASSWORD">
            <input type="password" autocomplete="current-password" data-testid="team-password" value={login.password} onInput={set("password")} />
          </Field>
        </div>
        <div class="row">
          <button type="submit" class="primary" data-testid="team-open-submit" disabled={busy}>
            Open
          </button>
          {(!p.current || p.current.team) && (
            <button type="button" data-testid="team-laptop" disabled={busy} onClick={() => void laptop()}>
              Open the laptop workspace instead
            </button>
          )}
          {p.onCancel && (
            <button type="button" data-testid="team-cancel" disabled={busy} onClick={p.onCancel}>
              Cancel
            </button>
          )}
        </div>
        {busy && <p class="hint" aria-live="polite">Connecting…</p>}
      </form>
      {error && <ErrorBox error={error} />}
    </section>
  );
}
