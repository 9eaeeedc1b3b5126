// What an encrypted workspace shows first, before anything is read from it: its passphrase is
// asked for, and a passphrase that does not open it is core's error, shown here; the workspace
// stays closed until one does.
import { useState } from "preact/hooks";

import type { WireError } from "../bindings/WireError";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";

export function Unlock({ locked, onUnlocked, onCancel }: {
  locked: WireError;
  onUnlocked: (info: WorkspaceInfo) => void;
  /** Back to the workspace still open (a team one the person was switching from). */
  onCancel?: () => void;
}) {
  const [passphrase, setPassphrase] = useState("");
  const { busy, error, run } = useAction();

  const unlock = async (e: Event) => {
    e.preventDefault();
    const info = await run(() => backend.unlockWorkspace(passphrase));
    if (info) {
      setPassphrase("");
      onUnlocked(info);
    }
  };

  return (
    <main class="welcome unlock" data-testid="unlock">
      <img src="/icon.svg" alt="" width={56} height={56} />
      <h1>This workspace is encrypted</h1>
      <p class="lead">Enter its passphrase to open it. Nothing in it can be read without the passphrase.</p>
      <p class="hint" data-testid="unlock-reason">{locked.message}</p>
      <form class="stack" onSubmit={unlock}>
        <label>
          Passphrase
          <input
            type="password"
            autocomplete="current-password"
            autoFocus
            data-testid="unlock-passphrase"
            value={passphrase}
            onInput={(e) => setPassphrase(valueOf(e))}
          />
        </label>
        <div>
          <button type="submit" class="primary" data-testid="unlock-submit" disabled={busy || passphrase === ""}>
            Open the workspace
          </button>
          {onCancel && (
            <button type="button" data-testid="unlock-cancel" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {error && <ErrorBox error={error} />}
    </main>
  );
}
