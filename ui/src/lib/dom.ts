// Small helpers for event values in forms.
export const valueOf = (e: Event): string => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;

/** Waits for the next paint, so what a long call is about to block shows first. */
export const nextPaint = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
