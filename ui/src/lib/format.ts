// Dates and times as a reader writes them: "31 Mar 2027", "5 Dec 2026, 08:48 UTC". Core keeps
// them in ISO 8601 (UTC); screens show them through these, with the ISO form in a tooltip.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2027-03-31" -> "31 Mar 2027"; anything else unchanged. */
export function formatDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${Number(m[3])} ${month} ${m[1]}` : iso;
}

/** "2026-12-05T08:48:29Z" -> "5 Dec 2026, 08:48 UTC"; a bare date as [formatDay]; anything
 * else unchanged. Times are stored in UTC and shown in UTC, as the audit log records them. */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:?00)?$/.exec(iso);
  if (!m) return formatDay(iso);
  const day = formatDay(m[1] ?? "");
  return `${day}, ${m[2]}:${m[3]} UTC`;
}
