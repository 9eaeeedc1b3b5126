// Checks an audit pack or a signed PDF and lists every finding, each naming the file it is about.
import { useState } from "preact/hooks";

import type { PackReport } from "../bindings/PackReport";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { valueOf } from "../lib/dom";
import { remedyText } from "../lib/remedy";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

export function VerifyScreen() {
  const v = useVocab();
  const [path, setPath] = useState("");
  const [report, setReport] = useState<PackReport | null>(null);
  const { busy, error, run } = useAction();

  const browse = async () => {
    const picked = await backend.chooseVerifyFile().catch(() => null);
    if (picked) setPath(picked);
  };

  const verify = async (e: Event) => {
    e.preventDefault();
    setReport(null);
    const r = await run(() => backend.verifyFile(path.trim()));
    if (r) setReport(r);
  };

  return (
    <section class="screen verify">
      <header class="screen-head">
        <h1>Verify</h1>
      </header>
      <p class="hint">
        Checks an audit pack (.zip) file by file, or a signed PDF report, against your own certificate and the
        certificates imported into this workspace.
      </p>
      <form class="panel row" onSubmit={verify}>
        <label class="grow">
          Audit pack or signed PDF
          <input
            type="text"
            data-testid="verify-path"
            placeholder="/home/me/audit-pack.zip"
            value={path}
            onInput={(e) => setPath(valueOf(e))}
          />
        </label>
        <button type="button" data-testid="verify-browse" onClick={browse}>
          Browse…
        </button>
        <button type="submit" class="primary" data-testid="verify-run" disabled={busy || path.trim() === ""}>
          {busy ? "Verifying…" : "Verify"}
        </button>
      </form>
      {error && <ErrorBox error={error} />}
      {report && (
        <>
          <div
            class={report.valid ? "ok-box verdict" : "error-box verdict"}
            role="status"
            data-testid="verify-verdict"
            data-valid={String(report.valid)}
          >
            <p>
              <strong>{report.valid ? "Valid" : "NOT VALID"}</strong>: <code>{report.pack}</code>
            </p>
            {report.manifest && (
              <p>
                Signed by fingerprint <code>{report.manifest.signer_fingerprint_sha256}</code>; audit chain of{" "}
                {report.manifest.audit_chain.length} entries
              </p>
            )}
          </div>
          <TableWrap label="Findings">
            <table class="grid findings" data-testid="findings-table">
              <thead>
                <tr>
                  <th>Result</th>
                  <th>File</th>
                  <th>Finding</th>
                </tr>
              </thead>
              <tbody>
                {report.findings.map((f, i) => (
                  <tr key={i} class={`finding-${f.level}`} data-testid="finding-row" data-level={f.level}>
                    <td data-testid="finding-level">
                      <span class={`badge level-${f.level}`}>{labelOf(v.finding_levels, f.level)}</span>
                    </td>
                    <td data-testid="finding-file">{f.file ?? "(whole pack)"}</td>
                    <td data-testid="finding-message">
                      {f.message}
                      {f.remedy && <div class="finding-remedy">{remedyText(f.remedy)}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}
