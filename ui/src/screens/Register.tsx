// The register: filters, search and the sortable table; a row opens the system's detail, and
// "Add system" the form. Rows, filtering and sorting all come from core.
import { useEffect, useRef, useState } from "preact/hooks";

import type { AiSystem } from "../bindings/AiSystem";
import type { Facets } from "../bindings/Facets";
import type { SortKey } from "../bindings/SortKey";
import type { SystemDraft } from "../bindings/SystemDraft";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { RiskBadge, StageBadge } from "../components/Badge";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { valueOf } from "../lib/dom";
import { type Filters, isFiltered, noFilters, toQuery } from "../lib/filters";
import { ariaSort, nextSort, type SortState } from "../lib/sort";
import { labelOf, useVocab } from "../lib/vocab";
import { ExportPanel } from "./ExportPanel";
import { SystemDetail } from "./SystemDetail";
import { SystemForm } from "./SystemForm";

type View = { kind: "list" } | { kind: "detail"; id: number } | { kind: "new"; draft: SystemDraft };

interface Props {
  generation: number;
  total: number;
  onChanged: () => void;
  /** The filters the table opens with (e.g. a stage and tier chosen on the portfolio home). */
  initialFilters?: Filters;
}

export function RegisterScreen({ generation, total, onChanged, initialFilters }: Props) {
  const [view, setView] = useState<View>({ kind: "list" });
  const [filters, setFilters] = useState<Filters>(initialFilters ?? noFilters);
  const [sort, setSort] = useState<SortState>({ sort: "name", descending: false });

  const openNew = async () => setView({ kind: "new", draft: await backend.blankDraft() });

  if (view.kind === "detail") {
    return <SystemDetail id={view.id} onBack={() => setView({ kind: "list" })} onChanged={onChanged} />;
  }
  if (view.kind === "new") {
    return (
      <SystemForm
        id={null}
        initial={view.draft}
        onCancel={() => setView({ kind: "list" })}
        onSaved={(s) => {
          onChanged();
          setView({ kind: "detail", id: s.id });
        }}
      />
    );
  }
  return (
    <RegisterTable
      generation={generation}
      total={total}
      filters={filters}
      setFilters={setFilters}
      sort={sort}
      setSort={setSort}
      onOpen={(id) => setView({ kind: "detail", id })}
      onAdd={openNew}
    />
  );
}

interface TableProps {
  generation: number;
  total: number;
  filters: Filters;
  setFilters: (f: Filters) => void;
  sort: SortState;
  setSort: (s: SortState) => void;
  onOpen: (id: number) => void;
  onAdd: () => void;
}

const COLUMNS: { label: string; sort: SortKey | null; class?: string }[] = [
  { label: "Name", sort: "name" },
  { label: "Business unit", sort: "business_unit" },
  { label: "Owner", sort: "owner" },
  { label: "Stage", sort: "stage" },
  { label: "Risk tier", sort: "risk_tier" },
  { label: "EU AI Act", sort: null },
  { label: "Regulated domain", sort: null },
  { label: "Deployed", sort: "deployment_date", class: "date" },
  { label: "Updated", sort: "updated_at", class: "date wide-only" },
];

function RegisterTable(p: TableProps) {
  const v = useVocab();
  const [rows, setRows] = useState<AiSystem[] | null>(null);
  const [facets, setFacets] = useState<Facets>({ business_units: [], tags: [] });
  const [error, setError] = useState<WireError | null>(null);
  const [exporting, setExporting] = useState(false);
  const latest = useRef(0);
  const query = toQuery(p.filters, p.sort);

  useEffect(() => {
    const ticket = ++latest.current;
    backend
      .listSystems(query)
      .then((r) => {
        if (ticket === latest.current) {
          setRows(r);
          setError(null);
        }
      })
      .catch((e: WireError) => ticket === latest.current && setError(e));
  }, [JSON.stringify(query), p.generation]);

  useEffect(() => {
    backend.facets().then(setFacets, setError);
  }, [p.generation]);

  const set = <K extends keyof Filters>(k: K, value: Filters[K]) => p.setFilters({ ...p.filters, [k]: value });
  const filtered = isFiltered(p.filters);

  return (
    <section class="screen">
      <header class="screen-head">
        <h1>Register</h1>
        <span class="count" data-testid="register-count">
          {rows === null ? "…" : filtered ? `${rows.length} of ${p.total} systems` : `${rows.length} systems`}
        </span>
        <div class="spacer" />
        <button type="button" data-testid="export-open" onClick={() => setExporting(!exporting)} aria-expanded={exporting}>
          Export…
        </button>
        <button type="button" class="primary" data-testid="add-system" onClick={p.onAdd}>
          Add system
        </button>
      </header>
      {exporting && <ExportPanel query={query} onClose={() => setExporting(false)} />}
      <div class="filters" role="search">
        <input
          type="search"
          class="search"
          placeholder="Search name, purpose, owner, vendor, tags…"
          aria-label="Search the register"
          data-testid="search"
          value={p.filters.text}
          onInput={(e) => set("text", valueOf(e))}
        />
        <select aria-label="Stage" data-testid="filter-stage" value={p.filters.stage} onChange={(e) => set("stage", valueOf(e) as Filters["stage"])}>
          <option value="">All stages</option>
          {v.stages.map((c) => (
            <option value={c.key}>{c.label}</option>
          ))}
        </select>
        <select aria-label="Risk tier" data-testid="filter-risk" value={p.filters.risk} onChange={(e) => set("risk", valueOf(e) as Filters["risk"])}>
          <option value="">All risk tiers</option>
          {v.risk_tiers.map((c) => (
            <option value={c.key}>{c.label}</option>
          ))}
        </select>
        <select aria-label="Business unit" data-testid="filter-unit" value={p.filters.unit} onChange={(e) => set("unit", valueOf(e))}>
          <option value="">All business units</option>
          {facets.business_units.map((u) => (
            <option value={u}>{u}</option>
          ))}
        </select>
        <select aria-label="Regulated domain" data-testid="filter-domain" value={p.filters.domain} onChange={(e) => set("domain", valueOf(e) as Filters["domain"])}>
          <option value="">All regulated domains</option>
          {v.regulated_domains.map((c) => (
            <option value={c.key}>{c.label}</option>
          ))}
        </select>
        {filtered && (
          <button type="button" class="link" data-testid="filters-clear" onClick={() => p.setFilters(noFilters)}>
            Clear filters
          </button>
        )}
      </div>
      {error && <ErrorBox error={error} />}
      <TableWrap label="Register">
        <table class="grid register" data-testid="register-table">
          <thead>
            <tr>
              {COLUMNS.map((c) =>
                c.sort === null ? (
                  <th class={c.class}>{c.label}</th>
                ) : (
                  <th class={c.class} aria-sort={ariaSort(p.sort, c.sort)}>
                    <button
                      type="button"
                      class="sort"
                      data-testid={`sort-${c.sort}`}
                      onClick={() => p.setSort(nextSort(p.sort, c.sort as SortKey))}
                    >
                      {c.label}
                      <span class="sort-mark" aria-hidden="true">
                        {p.sort.sort === c.sort ? (p.sort.descending ? "▼" : "▲") : ""}
                      </span>
                    </button>
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody>
            {rows?.map((s) => (
              <tr
                key={s.id}
                data-testid="system-row"
                data-id={s.id}
                tabIndex={0}
                onClick={() => p.onOpen(s.id)}
                onKeyDown={(e) => e.key === "Enter" && p.onOpen(s.id)}
              >
                <td class="name" data-testid="row-name">{s.name}</td>
                <td>{s.business_unit}</td>
                <td>{s.owner}</td>
                <td><StageBadge stage={s.stage} /></td>
                <td><RiskBadge tier={s.risk_tier} /></td>
                <td>{s.eu_ai_act_category ? labelOf(v.eu_ai_act_categories, s.eu_ai_act_category) : <span class="muted">Not classified</span>}</td>
                <td>{labelOf(v.regulated_domains, s.regulated_domain)}</td>
                <td class="date">{s.deployment_date ?? ""}</td>
                <td class="date wide-only">{s.updated_at.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows !== null && rows.length === 0 && (
          <p class="empty" data-testid="register-empty">
            {filtered ? "No system matches these filters." : "The register is empty. Add a system, or import a spreadsheet."}
          </p>
        )}
      </TableWrap>
    </section>
  );
}
