// "Sign & export": the register report as PDF (signed or not) or Excel, or a signed audit pack.
// Signing sets up a profile and key first when there is none, then asks for the passphrase;
// an audit pack shows its progress and can be cancelled.
import { useEffect, useState } from "preact/hooks";

import type { IdentityInfo } from "../bindings/IdentityInfo";
import type { Progress } from "../bindings/Progress";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { exportSteps, extensionOf, signs, type ReportKind } from "../lib/signing";
import { useAction } from "../lib/useAction";
import { IdentityForm } from "./Profile";

type Step = "form" | "setup" | "passphrase" | "running";

type Written = { path: string; what: string; signer: string | null; fingerprint: string | null };

const KINDS: { key: ReportKind; label: string }[] = [
  { key: "pdf", label: "Register report, PDF" },
  { key: "xlsx", label: "Register report, Excel workbook" },
  { key: "pack", label: "Audit pack (.zip, always signed)" },
  { key: "backup", label: "Workspace backup (.db, a checked copy)" },
];

export function PassphraseDialog({ onOk, onCancel }: { onOk: (p: string) => void; onCancel: () => void }) {
  const [passphrase, setPassphrase] = useState("");
  return (
    <div class="modal-backdrop">
      <form
        class="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="passphrase-title"
        data-testid="passphrase-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          onOk(passphrase);
        }}
      >
        <h2 id="passphrase-title">Unlock your signing key</h2>
        <label>
          Passphrase
          <input
            type="password"
            autoFocus
            data-testid="passphrase-input"
            value={passphrase}
            onInput={(e) => setPassphrase(valueOf(e))}
          />
        </label>
        <div class="row">
          <button type="submit" class="primary" data-testid="passphrase-ok" disabled={passphrase === ""}>
            Sign
          </button>
          <button type="button" data-testid="passphrase-cancel" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** `team`: the team workspace open, if one is: a backup is a laptop workspace's. */
export function SignExportScreen({ team }: { team: string | null }) {
  const [kind, setKind] = useState<ReportKind>("pdf");
  const [sign, setSign] = useState(true);
  const [path, setPath] = useState("");
  const [identity, setIdentity] = useState<IdentityInfo | null>(null);
  const [step, setStep] = useState<Step>("form");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [written, setWritten] = useState<Written | null>(null);
  const { error, setError, run } = useAction();

  useEffect(() => {
    backend.identityShow().then(setIdentity, setError);
  }, []);

  const browse = async () => {
    const picked = await backend.chooseSaveFile(kind.toUpperCase(), extensionOf(kind)).catch(() => null);
    if (picked) setPath(picked);
  };

  const start = (e: Event) => {
    e.preventDefault();
    setError(null);
    setWritten(null);
    const [first] = exportSteps(kind, sign, identity !== null);
    if (first === "run") void write(null);
    else setStep(first);
  };

  const write = async (passphrase: string | null) => {
    setStep("running");
    setProgress(null);
    const out = path.trim();
    const signed = signs(kind, sign);
    await run(async () => {
      if (kind === "backup") {
        const b = await backend.backupWorkspace(out);
        setWritten({
          path: b.path,
          what: `${b.systems} systems, ${b.bytes} bytes${b.encrypted ? ", encrypted with the workspace's passphrase" : ""}, audit chain intact (${b.audit_chain.length} entries)`,
          signer: null,
          fingerprint: null,
        });
      } else if (kind === "pack") {
        const s = await backend.createPack(passphrase ?? "", out, setProgress);
        setWritten({
          path: s.path,
          what: `${s.files.length} files and their signatures`,
          signer: s.signer,
          fingerprint: s.signer_fingerprint_sha256,
        });
      } else {
        const bytes = await backend.exportReport(kind, signed, passphrase, out);
        setWritten({
          path: out,
          what: `${bytes} bytes`,
          signer: signed ? (identity?.profile.name ?? null) : null,
          fingerprint: signed ? (identity?.certificate.fingerprint_sha256 ?? null) : null,
        });
      }
    });
    setStep("form");
  };

  const busy = step === "running";
  const laptopOnly = kind === "backup" && team !== null;
  return (
    <section class="screen sign-export">
      <header class="screen-head">
        <h1>Sign &amp; export</h1>
      </header>
      <p class="hint">
        A signed PDF shows as signed in any PDF reader; an audit pack holds the reports, the data and the audit log
        with a signed checksum list that can be checked without Steward.
      </p>
      <form class="panel" data-testid="report-form" onSubmit={start}>
        <div class="row">
          <label>
            What
            <select
              data-testid="report-format"
              value={kind}
              disabled={busy}
              onChange={(e) => setKind(valueOf(e) as ReportKind)}
            >
              {KINDS.map((k) => (
                <option key={k.key} value={k.key}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              data-testid="report-sign"
              checked={signs(kind, sign)}
              disabled={busy || kind !== "pdf"}
              onChange={(e) => setSign((e.currentTarget as HTMLInputElement).checked)}
            />
            Sign
          </label>
          <label class="grow">
            Save to
            <input
              type="text"
              data-testid="report-path"
              placeholder={`/home/me/register.${extensionOf(kind)}`}
              value={path}
              disabled={busy}
              onInput={(e) => setPath(valueOf(e))}
            />
          </label>
          <button type="button" data-testid="report-browse" disabled={busy} onClick={browse}>
            Browse…
          </button>
          <button type="submit" class="primary" data-testid="report-run" disabled={busy || path.trim() === "" || laptopOnly}>
            {busy ? "Exporting…" : "Export"}
          </button>
        </div>
        {laptopOnly && (
          <p class="hint" data-testid="backup-team-note">
            A workspace backup is a laptop workspace's: the team workspace open ({team}) is kept, and backed up, by its
            database server. Open the laptop workspace to back that one up.
          </p>
        )}
      </form>
      {step === "setup" && (
        <IdentityForm
          onCreated={(i) => {
            setIdentity(i);
            setStep("passphrase");
          }}
        />
      )}
      {step === "passphrase" && <PassphraseDialog onOk={(p) => void write(p)} onCancel={() => setStep("form")} />}
      {busy && kind === "pack" && (
        <div class="panel" role="status" data-testid="pack-progress">
          <progress max={progress?.total ?? 4} value={progress?.done ?? 0} />
          <span class="progress" data-testid="pack-step">
            {progress ? progress.step : "unlocking the key"}…
          </span>
          <button type="button" data-testid="export-cancel" onClick={() => void backend.cancelExport()}>
            Cancel
          </button>
        </div>
      )}
      {written && (
        <div class="ok-box" role="status" data-testid="report-result">
          <p>
            Wrote <code data-testid="result-path">{written.path}</code> ({written.what})
          </p>
          {written.signer && (
            <p>
              Signed by <strong data-testid="result-signer">{written.signer}</strong>, certificate{" "}
              <code data-testid="result-fingerprint">{written.fingerprint}</code>
            </p>
          )}
        </div>
      )}
      {error && <ErrorBox error={error} />}
    </section>
  );
}
