// Export of the register as the table shows it (same filters and order) to .csv or .xlsx, with
// its progress and a way to stop it (a stopped export leaves no file).
import { useState } from "preact/hooks";

import type { ExportFormat } from "../bindings/ExportFormat";
import type { RowsDone } from "../bindings/RowsDone";
import type { SystemQuery } from "../bindings/SystemQuery";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";

export function ExportPanel({ query, onClose }: { query: SystemQuery; onClose: () => void }) {
  const [format, setFormat] = useState<ExportFormat>("xlsx");
  const [out, setOut] = useState("");
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<{ rows: number; out: string } | null>(null);
  const [progress, setProgress] = useState<RowsDone | null>(null);

  const browse = async () => {
    const picked = await backend.chooseExportFile(format).catch(() => null);
    if (picked) setOut(picked);
  };

  const exportRegister = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    setProgress(null);
    const rows = await run(() => backend.exportSystems(query, format, out.trim(), setProgress));
    if (rows !== undefined) setDone({ rows, out: out.trim() });
  };

  return (
    <form class="panel export" data-testid="export-panel" onSubmit={exportRegister}>
      <h2>Export the register</h2>
      <p class="hint">Exports the systems the table shows, with its filters and order. The file imports back unchanged.</p>
      <div class="row">
        <label>
          Format
          <select data-testid="export-format" value={format} onChange={(e) => setFormat(valueOf(e) as ExportFormat)}>
            <option value="xlsx">Excel workbook (.xlsx)</option>
            <option value="csv">CSV (.csv)</option>
          </select>
        </label>
        <label class="grow">
          Save to
          <input
            type="text"
            data-testid="export-path"
            placeholder={`/home/me/register.${format}`}
            value={out}
            onInput={(e) => setOut(valueOf(e))}
          />
        </label>
        <button type="button" onClick={browse}>Browse…</button>
        <button type="submit" class="primary" data-testid="export-run" disabled={busy || out.trim() === ""}>
          {busy ? "Exporting…" : "Export"}
        </button>
        <button type="button" class="link" onClick={onClose}>Close</button>
      </div>
      {busy && (
        <p class="progress" role="status" data-testid="export-progress">
          <progress max={progress?.total || 1} value={progress?.done ?? 0} />{" "}
          {progress ? `${progress.done.toLocaleString("en-GB")} of ${progress.total.toLocaleString("en-GB")} rows written` : "Reading the register…"}{" "}
          <button type="button" data-testid="register-export-cancel" onClick={() => void backend.cancelTransfer()}>
            Cancel
          </button>
        </p>
      )}
      {done && (
        <p class="ok" role="status" data-testid="export-result">
          {done.rows} {done.rows === 1 ? "row" : "rows"} written to <code>{done.out}</code>
        </p>
      )}
      {error && <ErrorBox error={error} />}
    </form>
  );
}
