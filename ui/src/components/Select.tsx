// A <select> of labelled choices: a closed value set as core's vocabulary gives it, or names.
import type { Labelled } from "../bindings/Labelled";
import { valueOf } from "../lib/dom";

export function Select<T extends string>(p: { testid: string; value: T; options: Labelled<T>[]; onChange: (v: T) => void }) {
  return (
    <select data-testid={p.testid} value={p.value} onChange={(e) => p.onChange(valueOf(e) as T)}>
      {p.options.map((o) => (
        <option key={o.key} value={o.key}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
