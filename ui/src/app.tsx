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
import { workspaceLine } from "./lib/team";
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
import { TeamOpen } from "./screens/TeamOpen";
import { Unlock } from "./screens/Unlock";
import { VerifyScreen } from "./screens/Verify";
import { Welcome } from "./screens/Welcome";

type Area = "workspaces" | "portfolio" | "reviews" | "register" | "calendar" | "import" | "audit" | "reports" | "verify" | "profile" | "tco" | "assess" | "evidence" | "kpi" | "signoff";

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

  // The laptop workspace turned out encrypted when the person switched to it.
  const [locked, setLocked] = useState<WireError | null>(null);

  const opened = useCallback(async (info: Promise<WorkspaceInfo>) => {
    try {
      // The vocabulary first: the team workspace form needs it when the workspace fails.
      setVocab(await start.vocab);
      const i = await info;
      setError(null);
      setLocked(null);
      setInfo(i);
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

  // A workspace opened after the start (an encrypted one once its passphrase was given, or
  // another one switched to): the overview asked for at the start is not its own, and every
  // screen reads afresh.
  const unlocked = useCallback((i: WorkspaceInfo) => {
    firstOverview.current = null;
    setGeneration((g) => g + 1);
    setVisit((n) => n + 1);
    setArea("register");
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

  if (locked || (error && !info && error.code === "locked")) {
    return <Unlock locked={(locked ?? error)!} onUnlocked={unlocked} onCancel={locked && info ? () => setLocked(null) : undefined} />;
  }
  if (error && !info && vocab) {
    // The workspace named at launch (the laptop one, or a team one) did not open: say why,
    // and offer the others.
    return (
      <VocabContext.Provider value={vocab}>
        <main class="content startup-team">
          <h1>Steward could not open its workspace</h1>
          <TeamOpen current={null} failure={error} onOpened={unlocked} onLocked={setLocked} />
        </main>
      </VocabContext.Provider>
    );
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
          <div class="workspace" title={workspaceLine(info)}>
            <div class="workspace-label">Workspace</div>
            <div class="workspace-path" data-testid="workspace-path">{workspaceLine(info)}</div>
            {info.encrypted && <div data-testid="workspace-encrypted">Encrypted at rest</div>}
            {!info.team && (
              <>
                <div class="workspace-label">Recording changes as</div>
                <div data-testid="workspace-actor">{info.actor}</div>
              </>
            )}
            <button
              type="button"
              class="link workspace-switch"
              data-testid="nav-workspaces"
              aria-current={area === "workspaces" && !welcome ? "page" : undefined}
              onClick={() => {
                setWelcome(false);
                setArea("workspaces");
              }}
            >
              {info.team ? "Switch workspace" : "Open a team workspace"}
            </button>
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
              onTeam={() => {
                setWelcome(false);
                setArea("workspaces");
              }}
            />
          ) : area === "workspaces" ? (
            <TeamOpen current={info} onOpened={unlocked} onLocked={setLocked} onCancel={() => setArea("register")} />
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
            <SignExportScreen team={info.team} />
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
