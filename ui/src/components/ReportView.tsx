// A report's sections as core laid them out (the same model the PDF is printed from), shown in
// the page: headings, paragraphs, key-value lists and tables. Renders only.
import type { ReportCell } from "../bindings/ReportCell";
import type { ReportSection } from "../bindings/ReportSection";
import { TableWrap } from "./TableWrap";

const cellText = (c: ReportCell): string => (c.type === "empty" ? "" : String(c.value));

export function ReportView({ sections, testid }: { sections: ReportSection[]; testid?: string }) {
  return (
    <div class="report-view" data-testid={testid}>
      {sections.map((s) => (
        <section>
          <h3>{s.heading}</h3>
          {s.blocks.map((b) =>
            b.type === "paragraph" ? (
              <p class="report-paragraph">{b.text}</p>
            ) : b.type === "key_values" ? (
              <dl class="report-kv">
                {b.items.map((kv) => (
                  <>
                    <dt>{kv.key}</dt>
                    <dd>{kv.value}</dd>
                  </>
                ))}
              </dl>
            ) : b.type === "table" ? (
              <TableWrap label={b.name}>
                <table class="grid compact">
                  <thead>
                    <tr>{b.columns.map((c) => <th>{c.header}</th>)}</tr>
                  </thead>
                  <tbody>
                    {b.rows.map((r) => (
                      <tr>{r.map((c) => <td>{cellText(c)}</td>)}</tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            ) : (
              <p class="muted">Chart: {b.title}</p>
            ),
          )}
        </section>
      ))}
    </div>
  );
}
