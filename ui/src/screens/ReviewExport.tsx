// The board pack of a frozen (or decided, or signed) review written to a file: the PDF the board
// reads, signed with the person's identity when asked, or the workbook of its data. What the pack
// says is core's (`write_review_pack`); this panel picks the format and file and shows where it
// was written.
import { useEffect, useState } from "preact/hooks";

import type { IdentityInfo } from "../bindings/IdentityInfo";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";
import { PassphraseDialog } from "./SignExport";

type Format = "pdf" | "xlsx";

export function BoardPackPanel({ reviewKey, period }: { reviewKey: string; period: string }) {
  const [format, setFormat] = useState<Format>("pdf");
  const [sign, setSign] = useState(true);
  const [path, setPath] = useState("");
  const [identity, setIdentity] = useState<IdentityInfo | null>(null);
  const [asking, setAsking] = useState(false);
  const [written, setWritten] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    backend.identityShow().then(setIdentity, () => setIdentity(null));
  }, []);

  const signs = format === "pdf" && sign && identity !== null;

  const browse = async () => {
    const picked = await backend.chooseSaveFile(format.toUpperCase(), format).catch(() => null);
    if (picked) setPath(picked);
  };

  const write = async (passphrase: string | null) => {
    setAsking(false);
    setWritten(null);
    const out = path.trim();
    const bytes = await run(() => backend.reviewExport(reviewKey, format, passphrase !== null, passphrase, out));
    if (bytes !== undefined) {
      setWritten(`Wrote the board pack of ${period} to ${out} (${bytes} bytes${passphrase !== null ? ", signed" : ""}).`);
    }
  };

  return (
    <form class="panel board-pack" data-testid="board-pack" onSubmit={(e) => {
      e.preventDefault();
      if (signs) setAsking(true);
      else void write(null);
    }}>
      <h2>Board pack</h2>
      <p class="hint">
        The pack reproduces the review as frozen, with the board's decisions and actions: a PDF to read (signed, so
        any later change shows) or a workbook of every input.
      </p>
      <div class="row">
        <label>
          Format
          <select data-testid="board-pack-format" value={format} onChange={(e) => setFormat(valueOf(e) as Format)}>
            <option value="pdf">PDF</option>
            <option value="xlsx">Excel workbook (.xlsx)</option>
          </select>
        </label>
        {format === "pdf" && (
          <label class="check" title={identity === null ? "Set up your signing identity in Profile to sign" : undefined}>
            <input type="checkbox" data-testid="board-pack-sign" checked={signs} disabled={identity === null}
              onChange={(e) => setSign((e.currentTarget as HTMLInputElement).checked)} />
            Sign with my identity
          </label>
        )}
        <label class="grow">
          Save to
          <input type="text" data-testid="board-pack-path" placeholder={`/home/me/board-pack-${period}.${format}`} value={path}
            onInput={(e) => setPath(valueOf(e))} />
        </label>
        <button type="button" onClick={() => void browse()}>Browse…</button>
        <button type="submit" class="primary" data-testid="board-pack-export" disabled={busy || path.trim() === ""}>
          {busy ? "Writing…" : "Export board pack"}
        </button>
      </div>
      {written && <p class="ok" role="status" data-testid="board-pack-written">{written}</p>}
      {error && <ErrorBox error={error} testid="board-pack-error" />}
      {asking && <PassphraseDialog onOk={(p) => void write(p)} onCancel={() => setAsking(false)} />}
    </form>
  );
}
