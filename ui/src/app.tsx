// The shell of the UI: loads the workspace summary and the vocabulary (and the overview the
// portfolio home opens on) as it starts, asks for the passphrase of an encrypted workspace first,
// shows the welcome on an empty first start, and switches between the areas in the sidebar.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import type { PortfolioOverview } from "./bindings/PortfolioOverview";
import type { Vocabulary } from "./bindings/Vocabulary";
import type { WireError } from "./bindings/WireError";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";
import { backend } from "./backend";
import { ErrorBox } from "./components/ErrorBox";
import { noFilters } from "./lib/filters";
import type { Target } from "./lib/portfolio";
import { VocabContext } from "./lib/vocab";
import { AssessOverview } from "./screens/AssessOverview";
import { AuditScreen } from "./screens/Audit";
import { CalendarScreen } from "./screens/Calendar";
import { EvidenceScreen } from "./screens/EvidenceArea";
import { HomeScreen } from "./screens/Home";
import { ImportScreen } from "./screens/Import";
import { KpiScreen } from "./screens/Kpi";
import { ProfileScreen } from "./screens/Profile";
import { RegisterScreen } from "./screens/Register";
import { ReviewsScreen } from "./screens/Reviews";
import { SignExportScreen } from "./screens/SignExport";
import { SignoffScreen } from "./screens/Signoff";
import { TcoScreen } from "./screens/Tco";
import { Unlock } from "./screens/Unlock";
import { VerifyScreen } from "./screens/Verify";
import { Welcome } from "./screens/Welcome";

type Area = "portfolio" | "reviews" | "register" | "calendar" | "import" | "audit" | "reports" | "verify" | "profile" | "tco" | "assess" | "evidence" | "kpi" | "signoff";

const AREAS: { key: Area; label: string }[] = [
  { key: "portfolio", label: "Portfolio" },
  { key: "reviews", label: "Reviews" },
  { key: "register", label: "Register" },
  { key: "calendar", label: "Calendar" },
  { key: "kpi", label: "KPIs" },
  { key: "import", label: "Import" },
  { key: "assess", label: "Assessments" },
  { key: "evidence", label: "Evidence" },
  { key: "audit", label: "Audit log" },
  { key: "tco", label: "TCO" },
  { key: "signoff", label: "Sign-offs" },
  { key: "reports", label: "Sign & export" },
  { key: "verify", label: "Verify" },
  { key: "profile", label: "Profile" },
];

/** What the app asks for as it starts, during its first render rather than after the first
 * paint: the workspace summary, the vocabulary and, when the workspace has systems, the overview
 * the portfolio home opens on, so the home does not wait for the shell to render before asking. */
function opening() {
  const info = backend.workspaceInfo();
  const vocab = backend.vocabulary();
  const overview = info.then((i) => (i.systems > 0 ? backend.portfolioOverview() : null));
  // Its failure is reported by the home that awaits it (or by `info`'s, when that failed first).
  overview.catch(() => undefined);
  return { info, vocab, overview };
}

export function App() {
  const [start] = useState(opening);
  // The overview asked for at the start goes to the first home screen only; later ones ask afresh.
  const firstOverview = useRef<Promise<PortfolioOverview | null> | null>(start.overview);
  const overview = useCallback(async () => {
    const first = firstOverview.current;
    firstOverview.current = null;
    return (first && (await first)) ?? backend.portfolioOverview();
  }, []);
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [vocab, setVocab] = useState<Vocabulary | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [area, setArea] = useState<Area>("register");
  const [welcome, setWelcome] = useState(false);
  // Bumped after anything that changes the register, so open screens reload.
  const [generation, setGeneration] = useState(0);
  // Where a figure of the portfolio home led, and a count of such visits so the area opens
  // afresh on what the figure counts.
  const [entry, setEntry] = useState<Target | null>(null);
  const [visit, setVisit] = useState(0);

  const refreshInfo = useCallback(async () => {
    try {
      setInfo(await backend.workspaceInfo());
    } catch (e) {
      setError(e as WireError);
    }
  }, []);

  const opened = useCallback(async (info: Promise<WorkspaceInfo>) => {
    try {
      const [i, v] = await Promise.all([info, start.vocab]);
      setError(null);
      setInfo(i);
      setVocab(v);
      setWelcome(i.systems === 0);
      // A workspace with systems opens on the portfolio home; an empty one starts at the
      // welcome, which leads to the register.
      if (i.systems > 0) setArea("portfolio");
    } catch (e) {
      setError(e as WireError);
    }
  }, [start]);

  useEffect(() => {
    void opened(start.info);
  }, [start, opened]);

  // An encrypted workspace opened once its passphrase was given: the overview asked for at the
  // start failed with it, so the home asks afresh.
  const unlocked = useCallback((i: WorkspaceInfo) => {
    firstOverview.current = null;
    void opened(Promise.resolve(i));
  }, [opened]);

  const go = useCallback((t: Target) => {
    setEntry(t);
    setVisit((n) => n + 1);
    setWelcome(false);
    setArea(t.area);
  }, []);

  const changed = useCallback(() => {
    setGeneration((g) => g + 1);
    void refreshInfo();
  }, [refreshInfo]);

  if (error && !vocab && error.code === "locked") {
    return <Unlock locked={error} onUnlocked={unlocked} />;
  }
  if (error && !vocab) {
    return (
      <main class="startup">
        <h1>Steward could not open its workspace</h1>
        <ErrorBox error={error} />
      </main>
    );
  }
  if (!info || !vocab) {
    return <main class="startup" aria-busy="true">Opening the workspace…</main>;
  }

  return (
    <VocabContext.Provider value={vocab}>
      <div class="layout">
        <nav class="sidebar" aria-label="Areas">
          <div class="brand">
            <img src="/icon.svg" alt="" width={28} height={28} />
            <span>Steward</span>
          </div>
          <ul>
            {AREAS.map((a) => (
              <li key={a.key}>
                <button
                  type="button"
                  class={area === a.key && !welcome ? "nav-item active" : "nav-item"}
                  aria-current={area === a.key && !welcome ? "page" : undefined}
                  data-testid={`nav-${a.key}`}
                  onClick={() => {
                    setWelcome(false);
                    setEntry(null);
                    setArea(a.key);
                  }}
                >
                  {a.label}
                </button>
              </li>
            ))}
          </ul>
          <div class="workspace" title={info.path}>
            <div class="workspace-label">Workspace</div>
            <div class="workspace-path" data-testid="workspace-path">{info.path}</div>
            {info.encrypted && <div data-testid="workspace-encrypted">Encrypted at rest</div>}
            <div class="workspace-label">Recording changes as</div>
            <div>{info.actor}</div>
          </div>
        </nav>
        <main class="content">
          {welcome ? (
            <Welcome
              onDone={() => {
                setWelcome(false);
                setArea("register");
                changed();
              }}
            />
          ) : area === "portfolio" ? (
            <HomeScreen generation={generation} onGo={go} load={overview} />
          ) : area === "reviews" ? (
            <ReviewsScreen key={visit} generation={generation} onChanged={changed}
              initialOpen={entry?.area === "reviews" ? entry.open : null} />
          ) : area === "register" ? (
            <RegisterScreen key={visit} generation={generation} total={info.systems} onChanged={changed}
              initialFilters={entry?.area === "register" ? { ...noFilters, stage: entry.stage, risk: entry.risk } : noFilters} />
          ) : area === "calendar" ? (
            <CalendarScreen key={visit} generation={generation} onChanged={changed}
              initialView={entry?.area === "calendar" ? entry.view : "agenda"} />
          ) : area === "kpi" ? (
            <KpiScreen key={visit} generation={generation} onChanged={changed}
              initialSystem={entry?.area === "kpi" ? entry.systemId : null} />
          ) : area === "import" ? (
            <ImportScreen
              onImported={changed}
              onShowRegister={() => setArea("register")}
            />
          ) : area === "reports" ? (
            <SignExportScreen />
          ) : area === "verify" ? (
            <VerifyScreen />
          ) : area === "tco" ? (
            <TcoScreen key={generation} />
          ) : area === "assess" ? (
            <AssessOverview generation={generation} onChanged={changed} />
          ) : area === "evidence" ? (
            <EvidenceScreen key={visit} generation={generation} onChanged={changed} />
          ) : area === "signoff" ? (
            <SignoffScreen key={visit} onChanged={changed}
              initialRequest={entry?.area === "signoff" ? entry.requestId : null} />
          ) : area === "profile" ? (
            <ProfileScreen />
          ) : (
            <AuditScreen generation={generation} />
          )}
        </main>
      </div>
    </VocabContext.Provider>
  );
}
