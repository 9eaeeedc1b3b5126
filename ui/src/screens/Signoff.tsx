// Sign-offs: review boards and rules, requests with their computed status and signatures, and
// the review screen a signer sees before signing a request file with their own key or a .p12.
// Every status, tally and check comes from core; these screens only show and ask.
import { useState } from "preact/hooks";

import { SignoffBoards } from "./SignoffBoards";
import { SignoffRequests } from "./SignoffRequests";
import { SignoffSign } from "./SignoffSign";

type Tab = "requests" | "boards" | "sign";

/** `initialRequest`: a request to open in the requests tab. */
export function SignoffScreen({ onChanged, initialRequest }: { onChanged: () => void; initialRequest?: number | null }) {
  const [tab, setTab] = useState<Tab>("requests");
  return (
    <section class="screen signoff">
      <header class="screen-head">
        <h1>Sign-offs</h1>
        <div class="row">
          {(["requests", "boards", "sign"] as Tab[]).map((t) => (
            <button
              key={t}
              type="button"
              class={tab === t ? "primary" : ""}
              data-testid={`signoff-tab-${t}`}
              onClick={() => setTab(t)}
            >
              {t === "requests" ? "Requests" : t === "boards" ? "Boards & rules" : "Sign a request file"}
            </button>
          ))}
        </div>
      </header>
      {tab === "requests" ? <SignoffRequests onChanged={onChanged} initialSelected={initialRequest ?? null} /> : tab === "boards" ? <SignoffBoards /> : <SignoffSign />}
    </section>
  );
}
