// Editing an import mapping on the import screen: what a person says of one column or one value
// becomes the mapping core applies (the same TOML mapping as `steward systems import --mapping`).
// Pure functions; core checks the mapping and reads the file with it.
import type { ColumnRead } from "../bindings/ColumnRead";
import type { Mapping } from "../bindings/Mapping";

/** What the column select offers besides the fields: leaving the column out. */
export const IGNORE = "ignore";

export function emptyMapping(): Mapping {
  return { columns: {}, values: {} };
}

/** Whether the mapping says anything at all. */
export function isEmpty(m: Mapping): boolean {
  return Object.keys(m.columns).length === 0 && Object.keys(m.values).length === 0 && !m.date_order;
}

/** `m` with the column `header` read as the field `target` (a field's key, or IGNORE); an
 *  empty target removes what the mapping said of the column. */
export function withColumn(m: Mapping, header: string, target: string): Mapping {
  const columns = { ...m.columns };
  if (target === "") delete columns[header];
  else columns[header] = target;
  return { ...m, columns };
}

/** `m` with `value` in the field `field` read as the value `key`; an empty key removes it. */
export function withValue(m: Mapping, field: string, value: string, key: string): Mapping {
  const values = { ...m.values };
  const of = { ...(values[field] ?? {}) };
  if (key === "") delete of[value];
  else of[value] = key;
  if (Object.keys(of).length === 0) delete values[field];
  else values[field] = of;
  return { ...m, values };
}

/** `m` with text dates read day first, month first, or (null) as the file makes plain. */
export function withDateOrder(m: Mapping, order: Mapping["date_order"] | null): Mapping {
  const { date_order: _, ...rest } = m;
  return order ? { ...rest, date_order: order } : rest;
}

/** What the column select shows for `c`: the mapping's word first, then how core read it. */
export function columnChoice(m: Mapping, c: ColumnRead): string {
  const said = m.columns[c.header];
  if (said !== undefined) return said;
  return c.ignored ? IGNORE : (c.field ?? "");
}
