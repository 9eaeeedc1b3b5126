// The person's signing identity: the profile and key set-up on first use, and the identity
// as it stands (name, role, organisation, certificate fingerprint and validity).
import { useEffect, useState } from "preact/hooks";

import type { IdentityInfo } from "../bindings/IdentityInfo";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { passphraseProblem } from "../lib/signing";
import { useAction } from "../lib/useAction";

const day = (iso: string) => iso.slice(0, 10);

export function IdentityCard({ identity }: { identity: IdentityInfo }) {
  const p = identity.profile;
  const c = identity.certificate;
  return (
    <dl class="panel identity-card" data-testid="profile-card">
      <dt>Name</dt>
      <dd data-testid="profile-name">{p.name}</dd>
      <dt>Role</dt>
      <dd data-testid="profile-role">{p.role}</dd>
      <dt>Organisation</dt>
      <dd data-testid="profile-organisation">{p.organisation}</dd>
      {p.email && (
        <>
          <dt>E-mail</dt>
          <dd>{p.email}</dd>
        </>
      )}
      <dt>Certificate fingerprint (SHA-256)</dt>
      <dd>
        <code class="fingerprint" data-testid="profile-fingerprint">{c.fingerprint_sha256}</code>
      </dd>
      <dt>Valid</dt>
      <dd data-testid="profile-validity">
        from {day(c.not_before)} to {day(c.not_after)}
      </dd>
      <dt>Kept in</dt>
      <dd>
        <code>{identity.dir}</code>
      </dd>
    </dl>
  );
}

/** Creates the identity: a profile, and a passphrase (asked twice) that protects the new key. */
export function IdentityForm({ onCreated }: { onCreated: (i: IdentityInfo) => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState("");
  const [organisation, setOrganisation] = useState("");
  const [email, setEmail] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [repeated, setRepeated] = useState("");
  const { busy, error, run } = useAction();
  const mismatch = repeated === "" ? null : passphraseProblem(passphrase, repeated);

  const create = async (e: Event) => {
    e.preventDefault();
    const identity = await run(() => backend.identityInit({ name, role, organisation, email }, passphrase));
    if (identity) onCreated(identity);
  };

  const field = (label: string, testid: string, value: string, set: (v: string) => void, type = "text") => (
    <label>
      {label}
      <input type={type} data-testid={testid} value={value} onInput={(e) => set(valueOf(e))} />
    </label>
  );

  return (
    <form class="panel identity-form" data-testid="identity-form" onSubmit={create}>
      <h2>Set up your signing identity</h2>
      <p class="hint">
        Steward signs reports with a key kept on this computer, protected by your passphrase, and a certificate that
        names you. Give colleagues the certificate fingerprint so they can check your signatures.
      </p>
      <div class="stack">
        {field("Name", "identity-name", name, setName)}
        {field("Role", "identity-role", role, setRole)}
        {field("Organisation", "identity-organisation", organisation, setOrganisation)}
        {field("E-mail (optional)", "identity-email", email, setEmail, "email")}
        {field("Passphrase (at least 8 characters)", "identity-passphrase", passphrase, setPassphrase, "password")}
        {field("Passphrase again", "identity-passphrase2", repeated, setRepeated, "password")}
      </div>
      {mismatch && (
        <p class="field-error" data-testid="identity-mismatch">
          {mismatch}
        </p>
      )}
      <button
        type="submit"
        class="primary"
        data-testid="identity-create"
        disabled={busy || passphrase === "" || mismatch !== null || repeated === ""}
      >
        {busy ? "Creating the key…" : "Create my identity"}
      </button>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

export function ProfileScreen() {
  const [identity, setIdentity] = useState<IdentityInfo | null | undefined>(undefined);
  const [error, setError] = useState<WireError | null>(null);

  useEffect(() => {
    backend.identityShow().then(setIdentity, setError);
  }, []);

  return (
    <section class="screen profile">
      <header class="screen-head">
        <h1>Profile</h1>
      </header>
      {error && <ErrorBox error={error} />}
      {identity === null && <IdentityForm onCreated={setIdentity} />}
      {identity && <IdentityCard identity={identity} />}
    </section>
  );
}
