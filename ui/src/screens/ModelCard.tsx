// A system's model cards, one per model version: the card as core renders it (the layout the
// signed PDF prints) or its Markdown, what a revision changed against the one before it, the form
// that saves the next revision (or a new version's first), and the export (Markdown, the TOML
// draft, or a PDF signed after a passphrase). Core validates, saves, renders and diffs.
import { useEffect, useState } from "preact/hooks";

import type { CardDiff } from "../bindings/CardDiff";
import type { CardFields } from "../bindings/CardFields";
import type { CardSummary } from "../bindings/CardSummary";
import type { CardView } from "../bindings/CardView";
import type { IdentityInfo } from "../bindings/IdentityInfo";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { ReportView } from "../components/ReportView";
import { TableWrap } from "../components/TableWrap";
import { When } from "../components/When";
import { CARD_FORMATS, cardFileName, type CardFormat, diffRows, emptyFields, fieldsOf, signsCard } from "../lib/card";
import { valueOf } from "../lib/dom";
import { placeFieldErrors, type FieldErrorMap } from "../lib/fieldErrors";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";

type Tab = "preview" | "markdown" | "changes" | "edit";

const TABS: { key: Tab; label: string }[] = [
  { key: "preview", label: "Card" },
  { key: "markdown", label: "Markdown" },
  { key: "changes", label: "Changes" },
  { key: "edit", label: "Edit" },
];

export function ModelCardPanel({ systemId, systemName }: { systemId: number; systemName: string }) {
  const specs = useVocab().card_fields;
  const system = String(systemId);
  const [cards, setCards] = useState<CardSummary[] | null>(null);
  const [view, setView] = useState<CardView | null>(null);
  const [tab, setTab] = useState<Tab>("preview");
  const [diff, setDiff] = useState<CardDiff | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const shown = useAction();

  /** Shows version `version` (the latest saved when null) at `revision` (its latest when null). */
  const load = async (version: string | null, revision: number | null) => {
    const list = await backend.cardList(system);
    setCards(list);
    setDiff(null);
    setView(list.length === 0 ? null : await backend.cardView(system, version, revision));
  };

  useEffect(() => {
    setTab("preview");
    setNotice(null);
    load(null, null).catch(shown.setError);
  }, [systemId]);

  const current = view?.card.revision ?? null;
  useEffect(() => {
    if (tab !== "changes" || current === null) return;
    backend.cardDiff(system, current.model_version, current.revision, null).then(setDiff, shown.setError);
  }, [tab, current?.model_version, current?.revision]);

  const [asNew, setAsNew] = useState(false);
  const openEditor = (newVersion: boolean) => {
    setAsNew(newVersion);
    setNotice(null);
    setTab("edit");
  };

  const latest = view ? view.history[view.history.length - 1] : null;

  return (
    <div class="panel model-card" data-testid="model-card">
      <div class="screen-head">
        <h2>Model card</h2>
        <div class="spacer" />
        {view && (
          <button type="button" data-testid="card-new-version" onClick={() => openEditor(true)}>
            New model version
          </button>
        )}
      </div>
      {shown.error && <ErrorBox error={shown.error} testid="card-error" />}
      {notice && <p class="ok" role="status" data-testid="card-notice">{notice}</p>}
      {cards === null ? (
        <p aria-busy="true">Loading…</p>
      ) : view === null && tab !== "edit" ? (
        <div>
          <p class="muted" data-testid="card-none">
            {systemName} has no model card yet. A card states what the register does not: intended and out-of-scope
            uses, limitations, assumptions, fallback and who oversees the model.
          </p>
          <button type="button" class="primary" data-testid="card-first" onClick={() => openEditor(true)}>
            Write the first card
          </button>
        </div>
      ) : (
        <>
          {view && current && (
            <div class="row card-pick">
              <label>
                Model version
                <select data-testid="card-version" value={current.model_version}
                  onChange={(e) => { setNotice(null); load(valueOf(e), null).catch(shown.setError); }}>
                  {(cards ?? []).map((c) => (
                    <option value={c.model_version}>{c.model_version} ({c.revisions} revision{c.revisions === 1 ? "" : "s"})</option>
                  ))}
                </select>
              </label>
              <label>
                Revision
                <select data-testid="card-revision" value={String(current.revision)}
                  onChange={(e) => { setNotice(null); load(current.model_version, Number(valueOf(e))).catch(shown.setError); }}>
                  {[...view.history].reverse().map((r) => (
                    <option value={String(r.revision)}>
                      {r.revision}{r.revision === latest?.revision ? " (latest)" : ""} by {r.saved_by}
                    </option>
                  ))}
                </select>
              </label>
              <p class="hint" data-testid="card-saved">
                Revision {current.revision} of {view.history.length}, saved <When at={current.saved_at} /> by {current.saved_by}.
              </p>
            </div>
          )}
          <div class="tabs" role="tablist">
            {TABS.filter((t) => view !== null || t.key === "edit").map((t) => (
              <button type="button" role="tab" aria-selected={tab === t.key} class={tab === t.key ? "tab active" : "tab"}
                data-testid={`card-tab-${t.key}`}
                onClick={() => (t.key === "edit" ? openEditor(false) : setTab(t.key))}>
                {t.label}
              </button>
            ))}
          </div>
          {tab === "preview" && view && (
            <div class="card-preview">
              <p class="hint">{view.preview.subtitle}. The register record and the assessments are read as they are now.</p>
              <ReportView sections={view.preview.sections} testid="card-preview" />
            </div>
          )}
          {tab === "markdown" && view && (
            <TableWrap label="The card as Markdown">
              <pre class="card-markdown" data-testid="card-markdown">{view.markdown}</pre>
            </TableWrap>
          )}
          {tab === "changes" && view && <CardChanges diff={diff} />}
          {tab === "edit" && (
            <CardEditor
              key={`${asNew}-${current?.model_version ?? ""}-${latest?.revision ?? 0}`}
              system={system}
              version={asNew ? "" : current?.model_version ?? ""}
              newVersion={asNew}
              initial={latest ? fieldsOf(specs, latest) : emptyFields(specs)}
              onCancel={() => setTab("preview")}
              onSaved={async (version, text) => {
                await load(version, null);
                setTab("preview");
                setNotice(text);
              }}
            />
          )}
          {view && current && tab !== "edit" && (
            <CardExport system={system} systemName={systemName} version={current.model_version} revision={current.revision} />
          )}
        </>
      )}
    </div>
  );
}

function CardChanges({ diff }: { diff: CardDiff | null }) {
  const specs = useVocab().card_fields;
  if (diff === null) return <p aria-busy="true">Loading…</p>;
  const rows = diffRows(specs, diff);
  const before = diff.against === null ? null : `Revision ${diff.against}`;
  return (
    <div data-testid="card-diff">
      <p class="hint" data-testid="card-diff-summary">
        {diff.against === null
          ? `Revision ${diff.revision} is the first: every field is new.`
          : `Revision ${diff.revision} against revision ${diff.against}: ${rows.length} field${rows.length === 1 ? "" : "s"} changed.`}
      </p>
      {rows.length > 0 && (
        <TableWrap label="What the revision changed">
          <table class="grid compact card-diff">
            <thead>
              <tr><th>Field</th>{before && <th>{before}</th>}<th>Revision {diff.revision}</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr data-testid={`card-diff-${r.key}`}>
                  <th scope="row">{r.label}</th>
                  {before && <td class="before">{r.before}</td>}
                  <td class="after">{r.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}

interface EditorProps {
  system: string;
  version: string;
  newVersion: boolean;
  initial: CardFields;
  onCancel: () => void;
  onSaved: (version: string, notice: string) => Promise<void>;
}

function CardEditor({ system, version: initialVersion, newVersion, initial, onCancel, onSaved }: EditorProps) {
  const specs = useVocab().card_fields;
  const [version, setVersion] = useState(initialVersion);
  const [fields, setFields] = useState<CardFields>(initial);
  const [byField, setByField] = useState<FieldErrorMap>({});
  const { busy, error, run } = useAction();
  const values = fields as unknown as Record<string, string>;
  const paths = new Set(["version", ...specs.map((s) => s.key)]);

  const placed = (e: WireError): WireError | null => {
    const { byField: by, unplaced } = placeFieldErrors(e.fields ?? [], paths);
    setByField(by);
    return e.fields && unplaced.length === 0 ? null : { ...e, fields: unplaced };
  };

  const save = async () => {
    setByField({});
    const out = await run(() => backend.cardSave(system, version, fields), placed);
    if (!out) return;
    const r = out.revision;
    await onSaved(
      r.model_version,
      out.created
        ? `Saved revision ${r.revision} of the card of model version ${r.model_version}.`
        : `No change: the card of model version ${r.model_version} stays at revision ${r.revision}.`,
    );
  };

  return (
    <form class="card-editor" data-testid="card-editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <p class="hint">
        {newVersion
          ? "A new model version gets a card of its own, starting at revision 1; the fields start from the card shown."
          : `Saving makes the next revision of the card of model version ${initialVersion}; earlier revisions are kept.`}
      </p>
      <Field path="version" label="Model version" messages={byField.version} hint="e.g. 2.1, v3 or 1.0.0-rc.1">
        <input type="text" data-testid="card-edit-version" value={version} disabled={!newVersion}
          onInput={(e) => setVersion(valueOf(e))} />
      </Field>
      {specs.map((s) => (
        <Field path={s.key} label={s.required ? `${s.label} *` : s.label} messages={byField[s.key]} hint={s.help} class="field">
          {s.multiline ? (
            <textarea rows={4} data-testid={`card-field-${s.key}`} value={values[s.key] ?? ""}
              onInput={(e) => setFields({ ...fields, [s.key]: valueOf(e) } as CardFields)} />
          ) : (
            <input type="text" data-testid={`card-field-${s.key}`} value={values[s.key] ?? ""}
              onInput={(e) => setFields({ ...fields, [s.key]: valueOf(e) } as CardFields)} />
          )}
        </Field>
      ))}
      {error && <ErrorBox error={error} testid="card-edit-error" />}
      <div class="row">
        <button type="submit" class="primary" data-testid="card-save" disabled={busy}>
          {busy ? "Saving…" : "Save revision"}
        </button>
        <button type="button" data-testid="card-cancel" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

interface ExportProps {
  system: string;
  systemName: string;
  version: string;
  revision: number;
}

function CardExport({ system, systemName, version, revision }: ExportProps) {
  const [format, setFormat] = useState<CardFormat>("md");
  const [path, setPath] = useState("");
  const [identity, setIdentity] = useState<IdentityInfo | null>(null);
  const [asking, setAsking] = useState(false);
  const [written, setWritten] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    backend.identityShow().then(setIdentity, () => setIdentity(null));
  }, []);

  const noIdentity = signsCard(format) && identity === null;

  const browse = async () => {
    const picked = await backend.chooseSaveFile(format.toUpperCase(), format).catch(() => null);
    if (picked) setPath(picked);
  };

  const write = async (passphrase: string | null) => {
    setAsking(false);
    setWritten(null);
    const out = path.trim();
    const bytes = await run(() => backend.cardExport(system, version, revision, format, passphrase, out));
    if (bytes !== undefined) {
      setWritten(`Wrote revision ${revision} of version ${version} to ${out} (${bytes} bytes${passphrase !== null ? ", signed" : ""}).`);
    }
  };

  return (
    <form class="card-export" data-testid="card-export" onSubmit={(e) => {
      e.preventDefault();
      if (signsCard(format)) setAsking(true);
      else void write(null);
    }}>
      <h3>Export</h3>
      <div class="row">
        <label>
          Format
          <select data-testid="card-export-format" value={format} onChange={(e) => setFormat(valueOf(e) as CardFormat)}>
            {CARD_FORMATS.map((f) => <option value={f.key}>{f.label}</option>)}
          </select>
        </label>
        <label class="grow">
          Save to
          <input type="text" data-testid="card-export-path" placeholder={`/home/me/${cardFileName(systemName, version, format)}`}
            value={path} onInput={(e) => setPath(valueOf(e))} />
        </label>
        <button type="button" onClick={() => void browse()}>Browse…</button>
        <button type="submit" class="primary" data-testid="card-export-run" disabled={busy || path.trim() === "" || noIdentity}>
          {busy ? "Writing…" : "Export"}
        </button>
      </div>
      {noIdentity && <p class="hint" data-testid="card-export-needs-identity">The PDF is signed: set up your signing identity in Profile first.</p>}
      {written && <p class="ok" role="status" data-testid="card-exported">{written}</p>}
      {error && <ErrorBox error={error} testid="card-export-error" />}
      {asking && <PassphraseDialog onOk={(p) => void write(p)} onCancel={() => setAsking(false)} />}
    </form>
  );
}
