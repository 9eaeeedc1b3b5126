// How a failed command is shown: its message, what the person can do about it, and for an
// import its problems.
import type { WireError } from "../bindings/WireError";
import { remedyText } from "../lib/remedy";
import { ProblemTable } from "./ProblemTable";

export function ErrorBox({ error, testid = "error" }: { error: WireError; testid?: string }) {
  return (
    <div class="error-box" role="alert" data-testid={testid} data-code={error.code}>
      <p class="error-message">{error.message.split("\n")[0]}</p>
      {error.remedy && (
        <p class="error-remedy" data-testid="error-remedy">
          {remedyText(error.remedy)}
        </p>
      )}
      {error.problems && error.problems.length > 0 && <ProblemTable problems={error.problems} />}
    </div>
  );
}
