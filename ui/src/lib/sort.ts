// Sorting state of the register table: which column, which direction. The rows themselves are
// sorted by core (SystemQuery.sort); this only decides what to ask for.
import type { SortKey } from "../bindings/SortKey";

export interface SortState {
  sort: SortKey;
  descending: boolean;
}

/** Clicking the sorted column flips its direction; clicking another sorts by it ascending. */
export function nextSort(current: SortState, clicked: SortKey): SortState {
  if (current.sort === clicked) return { sort: clicked, descending: !current.descending };
  return { sort: clicked, descending: false };
}

/** The aria-sort value of a column header. */
export function ariaSort(current: SortState, column: SortKey): "ascending" | "descending" | "none" {
  if (current.sort !== column) return "none";
  return current.descending ? "descending" : "ascending";
}
