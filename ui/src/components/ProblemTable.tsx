// The problems of an import file, each located by file, sheet, row, column and value.
import type { ImportProblem } from "../bindings/ImportProblem";

export function ProblemTable({ problems, testid = "import-problems" }: { problems: ImportProblem[]; testid?: string }) {
  return (
    <table class="grid problems" data-testid={testid}>
      <thead>
        <tr>
          <th>File</th>
          <th>Sheet</th>
          <th class="num">Row</th>
          <th>Column</th>
          <th>Value</th>
          <th>What is wrong</th>
        </tr>
      </thead>
      <tbody>
        {problems.map((p, i) => (
          <tr key={i} data-testid="problem-row">
            <td>{p.file}</td>
            <td>{p.sheet ?? "—"}</td>
            <td class="num" data-testid="problem-row-number">{p.row ?? "—"}</td>
            <td data-testid="problem-column">{p.column ?? "—"}</td>
            <td data-testid="problem-value">{p.value === null ? "—" : <code>{p.value}</code>}</td>
            <td data-testid="problem-message">{p.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
