// The TCO editor's plumbing: reading and writing a draft scenario by the key paths core uses in
// its errors ("options[2].on_prem.pue"), turning typed text into the JSON value sent to core,
// and grouping core's errors by field. No cost is computed here: every figure comes from core.
import type { Labelled } from "../bindings/Labelled";
import type { OptionType } from "../bindings/tco/OptionType";
import type { FieldError } from "../bindings/FieldError";

/** A draft scenario as JSON in the scenario file's shape; values may hold mistyped text. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Draft = { [key: string]: Json };

/** Keys whose values are text; every other scalar is a number. */
const TEXT_KEYS = new Set(["name", "description", "currency", "option"]);

/** The option kinds, by the key that holds an option's fields. */

/** "options[2].on_prem.pue" -> ["options", 2, "on_prem", "pue"]. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1] !== "") out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The value at `path`, or undefined. */
export function getAt(draft: Json, path: string): Json | undefined {
  let at: Json | undefined = draft;
  for (const k of parsePath(path)) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, Json>)[k];
  }
  return at;
}

/** A copy of `draft` with `value` at `path`; the containers on the way are copied, not shared. */
export function setAt<T extends Json>(draft: T, path: string, value: Json): T {
  const keys = parsePath(path);
  const go = (node: Json, i: number): Json => {
    if (i === keys.length) return value;
    const k = keys[i];
    if (Array.isArray(node)) {
      const copy = node.slice();
      copy[k as number] = go(node[k as number] ?? null, i + 1);
      return copy;
    }
    const obj = node !== null && typeof node === "object" ? node : {};
    return { ...obj, [k]: go((obj as Record<string, Json>)[k as string] ?? null, i + 1) };
  };
  return go(draft, 0) as T;
}

/** The key a path ends with: "options[2].on_prem.pue" -> "pue". */
export function lastKey(path: string): string {
  const keys = parsePath(path).filter((k) => typeof k === "string");
  return (keys[keys.length - 1] as string | undefined) ?? path;
}

/**
 * What typed text becomes in the draft: text for text keys; for numbers, the number when the
 * text is one, null when empty (an absent value, e.g. the last egress band's limit), else the
 * text itself, which core then names as not a number.
 */
export function fromInput(path: string, text: string): Json {
  if (TEXT_KEYS.has(lastKey(path))) return text;
  const t = text.trim();
  if (t === "") return null;
  const n = Number(t.replace(/_/g, ""));
  return Number.isFinite(n) && /^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? n : text;
}

/** How a value shows in its input. */
export function toInput(v: Json | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Every scalar under `node`, by path, in order; arrays of scalars (e.g. systems) are skipped. */
export function leafPaths(node: Json, prefix: string): string[] {
  if (node === null || typeof node !== "object") return [prefix];
  const out: string[] = [];
  if (Array.isArray(node)) {
    if (node.every((x) => x === null || typeof x !== "object")) return out;
    node.forEach((x, i) => out.push(...leafPaths(x, `${prefix}[${i}]`)));
    return out;
  }
  for (const [k, v] of Object.entries(node)) out.push(...leafPaths(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

const ACRONYMS: Record<string, string> = { gpu: "GPU", cpu: "CPU", gb: "GB", pue: "PUE", kw: "kW", kwh: "kWh", fte: "FTE" };

/** "gpu_rate_per_hour" -> "GPU rate per hour". */
export function labelOf(key: string): string {
  const words = key.split("_").map((w) => ACRONYMS[w] ?? w);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The label of the input at `path`, saying which row of a list it belongs to. */
export function fieldLabel(path: string): string {
  const key = labelOf(lastKey(path));
  const band = /egress_tiers\[(\d+)\]\.[a-z_]+$/.exec(path);
  if (band) return `Egress band ${Number(band[1]) + 1}: ${key.charAt(0).toLowerCase()}${key.slice(1)}`;
  const part = /parts\[(\d+)\]\.[a-z_]+$/.exec(path);
  if (part) return `Part ${Number(part[1]) + 1}: ${key.charAt(0).toLowerCase()}${key.slice(1)}`;
  return key;
}

/** The kind of an option (the key holding its fields, one of core's `kinds`), or null. */
export function optionKind(option: Json | undefined, kinds: Labelled<OptionType>[]): OptionType | null {
  if (option === null || typeof option !== "object" || Array.isArray(option)) return null;
  return kinds.find((k) => k.key in option)?.key ?? null;
}

/** Core's errors by the path of the field they name; errors no shown field has are `unplaced`. */
export function placeErrors(errors: FieldError[], shown: Set<string>): { byPath: Map<string, string[]>; unplaced: FieldError[] } {
  const byPath = new Map<string, string[]>();
  const unplaced: FieldError[] = [];
  for (const e of errors) {
    if (shown.has(e.field)) byPath.set(e.field, [...(byPath.get(e.field) ?? []), e.message]);
    else unplaced.push(e);
  }
  return { byPath, unplaced };
}

/** An SVG document as an image source (the CSP allows data: images, not inline markup). */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** 1234567.8 -> "1,234,568"; money is shown to the unit. */
export function formatMoney(v: number): string {
  return new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 }).format(v);
}

/** The lists of rows (egress bands, hybrid parts) under `node`, by path, e.g.
 * "options[0].cloud_on_demand.egress_tiers". */
export function rowLists(node: Json, prefix: string): string[] {
  if (node === null || typeof node !== "object") return [];
  if (Array.isArray(node)) {
    const objects = node.every((x) => x !== null && typeof x === "object" && !Array.isArray(x));
    const rows = objects && (node.length > 0 || /(egress_tiers|parts)$/.test(prefix));
    return [...(rows ? [prefix] : []), ...node.flatMap((x, i) => rowLists(x, `${prefix}[${i}]`))];
  }
  return Object.entries(node).flatMap(([k, v]) => rowLists(v, prefix ? `${prefix}.${k}` : k));
}

/** A new row for an empty list: an egress band (everything above, free) or a hybrid part. */
export function blankRow(list: string): Json {
  return list.endsWith("parts") ? { option: "", share: 0 } : { price_per_gb: 0 };
}
