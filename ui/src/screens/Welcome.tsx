// First start on an empty workspace: offer the sample portfolio, or an empty register.
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { useAction } from "../lib/useAction";

export function Welcome({ onDone }: { onDone: () => void }) {
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
      </div>
      {error && <ErrorBox error={error} />}
    </section>
  );
}
