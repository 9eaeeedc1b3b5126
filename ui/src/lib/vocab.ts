// The closed value sets (register, KPIs, calendar, sign-offs) with their labels, in core's order
// and as core names them (one `vocabulary` call at start). The UI keeps no list of its own.
import { createContext } from "preact";
import { useContext } from "preact/hooks";

import type { Labelled } from "../bindings/Labelled";
import type { Vocabulary } from "../bindings/Vocabulary";

export const VocabContext = createContext<Vocabulary | null>(null);

export function useVocab(): Vocabulary {
  const v = useContext(VocabContext);
  if (!v) throw new Error("the vocabulary is read before the app has loaded it");
  return v;
}

/** The label of `key` in `choices`, or the key itself for a value the list does not know. */
export function labelOf<T extends string>(choices: Labelled<T>[], key: T | null): string {
  if (key === null) return "";
  return choices.find((c) => c.key === key)?.label ?? key;
}
