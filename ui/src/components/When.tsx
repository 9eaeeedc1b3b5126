// A stored date or time shown for the reader, with the exact ISO value as its tooltip and in
// the element's datetime attribute.
import { formatTime } from "../lib/format";

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span class="muted">—</span>;
  return (
    <time dateTime={at} title={at}>
      {formatTime(at)}
    </time>
  );
}
