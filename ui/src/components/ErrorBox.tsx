// How a failed command is shown: its message, and for an import its problems.
import type { WireError } from "../bindings/WireError";
import { ProblemTable } from "./ProblemTable";

export function ErrorBox({ error, testid = "error" }: { error: WireError; testid?: string }) {
  return (
    <div class="error-box" role="alert" data-testid={testid} data-code={error.code}>
      <p class="error-message">{error.message.split("\n")[0]}</p>
      {error.problems && error.problems.length > 0 && <ProblemTable problems={error.problems} />}
    </div>
  );
}
