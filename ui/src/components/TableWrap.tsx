// A table that may scroll sideways: a named region that takes keyboard focus, so a person using
// the keyboard alone can scroll it (axe-core's scrollable-region-focusable).
import type { ComponentChildren } from "preact";

export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
