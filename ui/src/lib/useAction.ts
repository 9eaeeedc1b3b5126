// The busy and error state of a screen's actions, written once: an action runs a backend call,
// the screen shows it is busy meanwhile, and a failure becomes the WireError its ErrorBox shows.
import { useCallback, useState } from "preact/hooks";

import type { WireError } from "../bindings/WireError";
import { asWireError } from "../backend";

/**
 * What a screen makes of a failure: the error its box shows, or null when it shows the failure
 * elsewhere (e.g. each field error beside its input).
 */
export type OnFailure = (e: WireError) => WireError | null;

export interface ActionState {
  setBusy: (busy: boolean) => void;
  setError: (e: WireError | null) => void;
}

/**
 * Runs `fn` with busy set and the last error cleared. Resolves to what `fn` resolves to, or to
 * undefined when it failed, its failure then being the error shown.
 */
export async function runAction<T>(state: ActionState, fn: () => Promise<T>, onFailure?: OnFailure): Promise<T | undefined> {
  state.setBusy(true);
  state.setError(null);
  try {
    return await fn();
  } catch (e) {
    const error = asWireError(e);
    state.setError(onFailure ? onFailure(error) : error);
    return undefined;
  } finally {
    state.setBusy(false);
  }
}

/** A screen's `busy` and `error`, and `run` for its actions (see `runAction`). */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WireError | null>(null);
  const run = useCallback(
    <T>(fn: () => Promise<T>, onFailure?: OnFailure): Promise<T | undefined> => runAction({ setBusy, setError }, fn, onFailure),
    [],
  );
  return { busy, error, setError, run };
}
