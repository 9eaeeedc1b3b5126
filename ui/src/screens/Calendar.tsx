// The lifecycle calendar: agenda (next 30 or 90 days), month grid and overdue list, filtered by
// system, owner and kind; marking an occurrence done; iCalendar export. Every date and state
// comes from core.
import { useEffect, useState } from "preact/hooks";

import type { CalendarQuery } from "../bindings/CalendarQuery";
import type { EventKind } from "../bindings/EventKind";
import type { Occurrence } from "../bindings/Occurrence";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import {
  addDays,
  byDate,
  canMarkDone,
  monthGrid,
  monthOf,
  monthRange,
  shiftMonth,
  todayIso,
} from "../lib/calendar";
import { When } from "../components/When";

type View = "agenda" | "month" | "overdue";

interface Props {
  generation: number;
  onChanged: () => void;
  /** The view it opens on (the portfolio home's overdue figure opens the overdue list). */
  initialView?: View;
}

export function CalendarScreen({ generation, onChanged, initialView }: Props) {
  const v = useVocab();
  const today = todayIso();
  const [view, setView] = useState<View>(initialView ?? "agenda");
  const [days, setDays] = useState(30);
  const [month, setMonth] = useState(monthOf(today));
  const [system, setSystem] = useState("");
  const [owner, setOwner] = useState("");
  const [kind, setKind] = useState<EventKind | "">("");
  const [list, setList] = useState<Occurrence[] | null>(null);
  const { error, setError, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [marking, setMarking] = useState<Occurrence | null>(null);
  const [reload, setReload] = useState(0);

  const query = (): CalendarQuery => {
    const base = {
      system: system.trim() || null,
      owner: owner.trim() || null,
      kinds: kind ? [kind] : [],
    };
    if (view === "overdue") return { ...base, from: null, to: today, overdue_only: true };
    if (view === "month") {
      const { from, to } = monthRange(month);
      const weeks = monthGrid(month);
      return { ...base, from: weeks[0][0] < from ? weeks[0][0] : from, to: weeks[weeks.length - 1][6] > to ? weeks[weeks.length - 1][6] : to, overdue_only: false };
    }
    return { ...base, from: today, to: addDays(today, days), overdue_only: false };
  };

  useEffect(() => {
    let live = true;
    setError(null);
    backend.calendarList(query()).then(
      (l) => live && setList(l),
      (e) => {
        if (!live) return;
        setList([]);
        setError(e as WireError);
      },
    );
    return () => {
      live = false;
    };
  }, [view, days, month, system, owner, kind, generation, reload]);

  const exportIcs = async () => {
    setError(null);
    setNotice(null);
    const out = await backend.chooseSaveFile("iCalendar", "ics");
    if (!out) return;
    const q = { ...query(), from: null, to: addDays(today, 730), overdue_only: false };
    const n = await run(() => backend.calendarExport(q, out));
    if (n !== undefined) setNotice(`Wrote ${n} events to ${out}`);
  };

  return (
    <section class="screen" data-testid="calendar">
      <header class="screen-head">
        <h1>Calendar</h1>
        <div class="spacer" />
        <button type="button" data-testid="calendar-export" onClick={exportIcs}>Export .ics</button>
      </header>

      <div class="toolbar" role="toolbar" aria-label="Calendar view">
        {(["agenda", "month", "overdue"] as View[]).map((name) => (
          <button
            type="button"
            class={view === name ? "tab active" : "tab"}
            aria-pressed={view === name}
            data-testid={`calendar-view-${name}`}
            onClick={() => setView(name)}
          >
            {name === "agenda" ? "Agenda" : name === "month" ? "Month" : "Overdue"}
          </button>
        ))}
        {view === "agenda" && (
          <select aria-label="Days ahead" data-testid="calendar-days" value={String(days)}
            onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
            <option value="30">Next 30 days</option>
            <option value="90">Next 90 days</option>
          </select>
        )}
        {view === "month" && (
          <span class="month-nav">
            <button type="button" aria-label="Previous month" data-testid="month-prev" onClick={() => setMonth(shiftMonth(month, -1))}>‹</button>
            <strong data-testid="month-label">{month}</strong>
            <button type="button" aria-label="Next month" data-testid="month-next" onClick={() => setMonth(shiftMonth(month, 1))}>›</button>
          </span>
        )}
        <input type="search" placeholder="System" aria-label="System" data-testid="calendar-system"
          value={system} onChange={(e) => setSystem((e.target as HTMLInputElement).value)} />
        <input type="search" placeholder="Owner" aria-label="Owner" data-testid="calendar-owner"
          value={owner} onInput={(e) => setOwner((e.target as HTMLInputElement).value)} />
        <select aria-label="Kind" data-testid="calendar-kind" value={kind}
          onChange={(e) => setKind((e.target as HTMLSelectElement).value as EventKind | "")}>
          <option value="">Every kind</option>
          {v.event_kinds.map((k) => <option value={k.key}>{k.label}</option>)}
        </select>
      </div>

      {error && <ErrorBox error={error} testid="calendar-error" />}
      {notice && <p class="notice" role="status" data-testid="calendar-notice">{notice}</p>}
      {marking && (
        <MarkDone
          occurrence={marking}
          onCancel={() => setMarking(null)}
          onDone={(o) => {
            setMarking(null);
            setNotice(`${o.title} (${o.date}) marked done by ${o.done_by ?? ""}`);
            setReload((r) => r + 1);
            onChanged();
          }}
        />
      )}

      {list === null ? (
        <p aria-busy="true">Loading…</p>
      ) : view === "month" ? (
        <MonthGrid month={month} list={list} today={today} onMark={setMarking} />
      ) : list.length === 0 ? (
        <p class="muted" data-testid="calendar-empty">
          {view === "overdue" ? "Nothing is overdue." : "Nothing in this period."}
        </p>
      ) : (
        <Agenda list={list} onMark={setMarking} />
      )}
    </section>
  );
}

function Agenda({ list, onMark }: { list: Occurrence[]; onMark: (o: Occurrence) => void }) {
  const v = useVocab();
  return (
    <table class="grid" data-testid="calendar-list">
      <thead>
        <tr><th class="date">Date</th><th>State</th><th>Event</th><th>Kind</th><th>Owner</th><th>Why it is here</th><th /></tr>
      </thead>
      <tbody>
        {list.map((o) => (
          <tr data-testid="calendar-row" data-uid={o.uid} data-state={o.state} class={`state-${o.state}`}>
            <td class="date">{o.date}</td>
            <td><span class={`badge state-${o.state}`} data-testid="calendar-state">{labelOf(v.event_states, o.state)}</span></td>
            <td data-testid="calendar-title">{o.title}</td>
            <td>{labelOf(v.event_kinds, o.kind)}</td>
            <td>{o.owner ?? ""}</td>
            <td class="muted small">{o.source}{o.done_by ? <> · done by {o.done_by} on <When at={o.done_at} /></> : null}</td>
            <td>
              {canMarkDone(o) && (
                <button type="button" data-testid="calendar-mark-done" onClick={() => onMark(o)}>Mark done</button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MonthGrid({ month, list, today, onMark }: {
  month: string; list: Occurrence[]; today: string; onMark: (o: Occurrence) => void;
}) {
  const days = byDate(list);
  return (
    <table class="month-grid" data-testid="month-grid">
      <thead><tr>{["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => <th>{d}</th>)}</tr></thead>
      <tbody>
        {monthGrid(month).map((week) => (
          <tr>
            {week.map((day) => (
              <td class={[monthOf(day) === month ? "" : "other-month", day === today ? "today" : ""].join(" ")}
                data-date={day}>
                <div class="day-number">{Number(day.slice(8))}</div>
                {(days.get(day) ?? []).map((o) => (
                  <button type="button" class={`chip state-${o.state}`} title={`${o.title}\n${o.source}`}
                    data-testid="month-event" disabled={!canMarkDone(o)} onClick={() => onMark(o)}>
                    {o.title}
                  </button>
                ))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MarkDone({ occurrence, onCancel, onDone }: {
  occurrence: Occurrence; onCancel: () => void; onDone: (o: Occurrence) => void;
}) {
  const [on, setOn] = useState(todayIso());
  const [note, setNote] = useState("");
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const done = await run(() => backend.calendarDone(occurrence.uid, occurrence.date, on || null, note));
    if (done) onDone(done);
  };
  return (
    <form class="panel" data-testid="mark-done-form" onSubmit={submit}>
      <h2>Mark done: {occurrence.title}</h2>
      <p class="muted">Due {occurrence.date}. {occurrence.source}</p>
      <label>Done on <input type="date" data-testid="mark-done-on" value={on}
        onInput={(e) => setOn((e.target as HTMLInputElement).value)} /></label>
      <label>Note <input type="text" data-testid="mark-done-note" value={note}
        onInput={(e) => setNote((e.target as HTMLInputElement).value)} /></label>
      {error && <ErrorBox error={error} testid="mark-done-error" />}
      <div class="actions">
        <button type="submit" class="primary" data-testid="mark-done-confirm" disabled={busy}>Record as done</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
