// First start on an empty workspace: offer the sample portfolio, an empty register, or the
// team workspace a team shares.
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { useAction } from "../lib/useAction";

export function Welcome({ onDone, onTeam }: { onDone: () => void; onTeam: () => void }) {
  const { busy, error, run } = useAction();

  const openSample = async () => {
    if ((await run(() => backend.openSample())) !== undefined) onDone();
  };

  return (
    <section class="welcome" data-testid="welcome">
      <img src="/icon.svg" alt="" width={56} height={56} />
      <h1>Welcome to Steward</h1>
      <p class="lead">
        This workspace is empty. Steward keeps the register of your organisation's AI systems on this
        computer: what each system is for, who owns it, where it is in its lifecycle, and how it is
        classified under the EU AI Act.
      </p>
      <div class="welcome-choices">
        <button type="button" class="primary big" data-testid="welcome-sample" disabled={busy} onClick={openSample}>
          Open the sample portfolio
          <small>A realistic register of 30+ systems, to see every area working</small>
        </button>
        <button type="button" class="big" data-testid="welcome-empty" disabled={busy} onClick={onDone}>
          Start with an empty register
          <small>Add systems one by one, or import a spreadsheet</small>
        </button>
        <button type="button" class="big" data-testid="welcome-team" disabled={busy} onClick={onTeam}>
          Open a team workspace
          <small>The register your team shares in a PostgreSQL database</small>
        </button>
      </div>
      {error && <ErrorBox error={error} />}
    </section>
  );
}
