// A labelled input with the validation messages core reported for it, beside it.
import type { ComponentChildren } from "preact";

export function Field(p: { path: string; label: string; messages?: string[]; hint?: string; class?: string; children: ComponentChildren }) {
  const invalid = p.messages && p.messages.length > 0;
  return (
    <label class={[p.class ?? "", invalid ? "invalid" : ""].join(" ").trim() || undefined} data-field={p.path}>
      {p.label}
      {p.children}
      {p.hint && <span class="hint">{p.hint}</span>}
      {invalid && (
        <span class="field-error" data-testid={`error-${p.path}`}>
          {p.messages!.join("; ")}
        </span>
      )}
    </label>
  );
}
