//! `steward signoff ...`: review boards, rules, requests, request and signature files, status.
//! Adapter only: every rule and check is in `steward_core::signoff` and `steward_core::api`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use steward_core::report::reader_time as rt;

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use steward_core::api::signoff::{review_request, sign_request, RequestReview, RequestView};
use steward_core::api::Workspace;
use steward_core::clock::{Clock, SystemClock};
use steward_core::register::RiskTier;
use steward_core::signoff::{Decision, Gate, Role, RoleRequirement, RuleSpec};

use crate::output;
use crate::reports::SignerArgs;
use steward_core::api::review_sign::ReviewOutcome;

fn role(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .ok_or_else(|| format!("unknown role {s:?}; expected one of {}", Role::expected()))
}
fn gate(s: &str) -> Result<Gate, String> {
    Gate::parse(s)
        .ok_or_else(|| format!("unknown gate {s:?}; expected one of {}", Gate::expected()))
}
fn decision(s: &str) -> Result<Decision, String> {
    Decision::parse(s).ok_or_else(|| {
        format!(
            "unknown decision {s:?}; expected one of {}",
            Decision::expected()
        )
    })
}
fn tier(s: &str) -> Result<RiskTier, String> {
    RiskTier::parse(s).ok_or_else(|| {
        format!(
            "unknown risk tier {s:?}; expected one of {}",
            RiskTier::expected()
        )
    })
}
/// `ROLE=N`, e.g. `legal=1`, read by core's one reader of that syntax.
fn requirement(s: &str) -> Result<RoleRequirement, String> {
    steward_core::signoff::parse_requirement(s)
}

#[derive(Subcommand)]
pub enum SignoffCmd {
    /// Review boards: create, add members (with their certificate), list.
    #[command(subcommand)]
    Board(BoardCmd),
    /// Rules per gate and risk tier: who must sign, N of M per role, quorum.
    #[command(subcommand)]
    Rule(RuleCmd),
    /// Open a sign-off request for one gate of a system, bound to a snapshot of its record now.
    Request {
        /// The system (name or id).
        system: String,
        #[arg(long, value_parser = gate)]
        gate: Gate,
        /// Last day signatures are accepted (YYYY-MM-DD). Default: the rule's valid days.
        #[arg(long)]
        deadline: Option<NaiveDate>,
        /// With --gate major_change: a value of the proposed change, FIELD=VALUE (repeatable),
        /// e.g. --set purpose="Also prices renewals" --set risk_tier=high. FIELD is a field's
        /// key or label; VALUE is read as `systems import` reads that column.
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// With --gate pre_deployment: ask the board to approve the promotion although the
        /// system's validation evidence does not meet the evidence policy, for this reason. The
        /// reason and the evidence status are in what the board signs.
        #[arg(long, value_name = "REASON", conflicts_with = "set")]
        evidence_exception: Option<String>,
    },
    /// Write a request file for the signers, signed by you (or --p12).
    ExportRequest {
        /// The request's number or uid.
        request: String,
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        signer: SignerArgs,
    },
    /// On a signer's laptop: show a request file for review; with --decision, sign it with your
    /// key (or --p12) and write the signature file. Needs no workspace.
    Sign {
        /// The request file.
        file: PathBuf,
        /// The role you sign in; with --decision.
        #[arg(long, value_parser = role)]
        role: Option<Role>,
        /// approve, approve_with_conditions or reject. Without it the request is only shown.
        #[arg(long, value_parser = decision)]
        decision: Option<Decision>,
        /// The conditions of an approve_with_conditions.
        #[arg(long, default_value = "")]
        conditions: String,
        /// The signature file to write.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        signer: SignerArgs,
    },
    /// Import signature files; each is checked and refused with its reason.
    ImportSignature {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// A request's status, signatures and, when stale, what changed; or every request.
    Status {
        /// The request's number or uid; all requests when omitted.
        request: Option<String>,
        /// Only requests of this system.
        #[arg(long)]
        system: Option<String>,
    },
    /// Actions made from the conditions of approvals, by due date.
    Actions,
    /// Write a request's sign-off certificate: pdf (signed with --sign) or xlsx, by the output's
    /// extension or --format.
    Certificate {
        /// The request's number or uid.
        request: String,
        #[arg(short, long)]
        output: PathBuf,
        /// pdf or xlsx; default: the output's extension.
        #[arg(long)]
        format: Option<String>,
        /// Sign the PDF with your identity (or --p12).
        #[arg(long)]
        sign: bool,
        #[command(flatten)]
        signer: SignerArgs,
    },
}

#[derive(Subcommand)]
pub enum BoardCmd {
    /// Create an empty review board.
    Create { name: String },
    /// Add a member in a role; their certificate is imported into the workspace if new.
    AddMember {
        board: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = role)]
        role: Role,
        /// Their certificate (PEM or DER).
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
    },
    /// List every board and its members.
    List,
}

#[derive(Subcommand)]
pub enum RuleCmd {
    /// Save (or replace) the rule for a gate and risk tier. Refused when the board cannot meet it.
    Set {
        #[arg(long, value_parser = gate)]
        gate: Gate,
        #[arg(long, value_parser = tier)]
        tier: RiskTier,
        #[arg(long)]
        board: String,
        /// ROLE=N: N members of ROLE must approve; repeatable.
        #[arg(long = "require", value_parser = requirement, value_name = "ROLE=N")]
        require: Vec<RoleRequirement>,
        /// Approvals needed in all.
        #[arg(long)]
        quorum: u32,
        /// Days a request has to collect signatures.
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// List the rules.
    List,
}

/// Runs the commands that need no workspace (`sign`); returns the command back otherwise.
pub fn run_without_workspace(
    cmd: SignoffCmd,
    identity_dir: &Path,
    json: bool,
) -> Result<Result<ExitCode, SignoffCmd>> {
    let SignoffCmd::Sign {
        file,
        role,
        decision,
        conditions,
        output: out,
        signer,
    } = cmd
    else {
        return Ok(Err(cmd));
    };
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.display().to_string();
    let review = review_request(&bytes, &name)?;
    let Some(decision) = decision else {
        print_review(&review, json)?;
        return Ok(Ok(ExitCode::SUCCESS));
    };
    let role = role.ok_or_else(|| {
        anyhow!(
            "--role is needed with --decision: the role you sign in ({})",
            Role::expected()
        )
    })?;
    let out = out.ok_or_else(|| {
        anyhow!("--output FILE is needed with --decision: where to write the signature file")
    })?;
    let s = signer.signer(identity_dir)?;
    let sig = sign_request(
        &bytes,
        &name,
        &s,
        role,
        decision,
        &conditions,
        SystemClock.now(),
    )?;
    // Whole or not at all: a half-written signature file would be refused on import anyway.
    steward_core::files::write_atomically(&out, &sig)?;
    output::message(
        json,
        &format!(
            "signed: {decision} as {role} on {} of {}; send {} to the requester",
            review.request.gate.label(),
            review.request.system_name,
            out.display()
        ),
        serde_json::json!({ "signature_file": out, "decision": decision, "role": role, "request": review.request.uid }),
    )?;
    Ok(Ok(ExitCode::SUCCESS))
}

pub fn run(
    ws: &mut Workspace,
    cmd: SignoffCmd,
    identity_dir: &Path,
    json: bool,
) -> Result<ExitCode> {
    match cmd {
        SignoffCmd::Board(BoardCmd::Create { name }) => {
            let b = ws.create_board(&name)?;
            output::message(
                json,
                &format!("created review board {:?}", b.name),
                serde_json::to_value(&b)?,
            )?;
        }
        SignoffCmd::Board(BoardCmd::AddMember {
            board,
            name,
            role,
            cert,
        }) => {
            let bytes =
                std::fs::read(&cert).with_context(|| format!("reading {}", cert.display()))?;
            let b = ws
                .add_board_member(&board, &name, role, &bytes)
                .with_context(|| {
                    format!("adding {name} with the certificate {}", cert.display())
                })?;
            output::message(
                json,
                &format!("{name} is on {:?} as {role}", b.name),
                serde_json::to_value(&b)?,
            )?;
        }
        SignoffCmd::Board(BoardCmd::List) => {
            let boards = ws.boards()?;
            if json {
                output::json(&boards)?;
            } else {
                let rows: Vec<Vec<String>> = boards
                    .iter()
                    .flat_map(|b| {
                        b.members.iter().map(|m| {
                            vec![
                                b.name.clone(),
                                m.name.clone(),
                                m.role.key().into(),
                                m.fingerprint.chars().take(16).collect(),
                            ]
                        })
                    })
                    .collect();
                output::table(&["board", "member", "role", "certificate"], &rows);
            }
        }
        SignoffCmd::Rule(RuleCmd::Set {
            gate,
            tier,
            board,
            require,
            quorum,
            days,
        }) => {
            let r = ws.save_rule(
                gate,
                tier,
                &board,
                RuleSpec {
                    roles: require,
                    quorum,
                    valid_days: days,
                },
            )?;
            output::message(
                json,
                &format!("saved the {gate} rule for risk tier {tier}"),
                serde_json::to_value(&r)?,
            )?;
        }
        SignoffCmd::Rule(RuleCmd::List) => {
            let rules = ws.rules()?;
            if json {
                output::json(&rules)?;
            } else {
                let rows: Vec<Vec<String>> = rules
                    .iter()
                    .map(|r| {
                        let roles: Vec<String> = r
                            .spec
                            .roles
                            .iter()
                            .map(|x| format!("{}={}", x.role, x.required))
                            .collect();
                        vec![
                            r.gate.key().into(),
                            r.risk_tier.key().into(),
                            r.board.clone(),
                            roles.join(" "),
                            r.spec.quorum.to_string(),
                            r.spec.valid_days.to_string(),
                        ]
                    })
                    .collect();
                output::table(&["gate", "tier", "board", "roles", "quorum", "days"], &rows);
            }
        }
        SignoffCmd::Request {
            system,
            gate,
            deadline,
            set: _,
            evidence_exception: Some(reason),
        } => {
            if gate != Gate::PreDeployment {
                bail!(
                    "--evidence-exception is for --gate pre_deployment: the evidence policy is \
                     read at the pre-deployment gate"
                );
            }
            let v = ws.request_evidence_exception(&system, deadline, &reason)?;
            if json {
                output::json(&v)?;
            } else {
                println!(
                    "request {} ({}) for {} of {}, asking for an evidence exception, due {}; \
                     export it with `steward signoff export-request {} -o FILE`",
                    v.id,
                    v.request.uid,
                    gate.label(),
                    v.request.system_name,
                    v.request.deadline,
                    v.id
                );
            }
        }
        SignoffCmd::Request {
            system,
            gate,
            deadline,
            set,
            evidence_exception: None,
        } => {
            let proposed = if set.is_empty() {
                None
            } else {
                let mut d = ws.find_system(&system)?.draft;
                for s in &set {
                    let (field, value) = s.split_once('=').ok_or_else(|| {
                        anyhow::anyhow!("--set {s:?}: expected FIELD=VALUE, e.g. risk_tier=high")
                    })?;
                    steward_core::import::systems::set_field(&mut d, field.trim(), value)
                        .map_err(|m| anyhow::anyhow!("--set {s:?}: {m}"))?;
                }
                Some(d)
            };
            let v = ws.create_request(&system, gate, deadline, proposed)?;
            if json {
                output::json(&v)?;
            } else {
                println!(
                    "request {} ({}) for {} of {}, due {}; export it with `steward signoff export-request {} -o FILE`",
                    v.id, v.request.uid, gate.label(), v.request.system_name, v.request.deadline, v.id
                );
            }
        }
        SignoffCmd::ExportRequest {
            request,
            output: out,
            signer,
        } => {
            let v = ws.request(&request)?;
            let s = signer.signer(identity_dir)?;
            let bytes = ws.export_request(&request, &s)?;
            steward_core::files::write_atomically(&out, &bytes)?;
            output::message(
                json,
                &format!(
                    "wrote {} for request {}; give it to each signer",
                    out.display(),
                    v.id
                ),
                serde_json::json!({ "file": out, "request": v.request.uid }),
            )?;
        }
        SignoffCmd::Sign { .. } => bail!("signing is handled without a workspace"),
        SignoffCmd::ImportSignature { files } => {
            // Each file on its own: one refused file does not hide what the others did.
            let mut results = Vec::new();
            let mut refused = 0;
            for f in files {
                let outcome = std::fs::read(&f)
                    .with_context(|| format!("reading {}", f.display()))
                    .and_then(|bytes| Ok(ws.import_signature(&bytes, &f.display().to_string())?));
                match outcome {
                    Ok(v) => {
                        if !json {
                            println!(
                                "imported {}: request {} is now {}",
                                f.display(),
                                v.id,
                                v.status
                            );
                        }
                        results.push(serde_json::json!({
                            "file": f, "imported": true, "request": v.id, "status": v.status,
                        }));
                    }
                    Err(e) => {
                        refused += 1;
                        if !json {
                            eprintln!("refused {}: {e:#}", f.display());
                        }
                        results.push(serde_json::json!({
                            "file": f, "imported": false, "error": format!("{e:#}"),
                        }));
                    }
                }
            }
            if json {
                output::json(&results)?;
            }
            if refused > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        SignoffCmd::Status {
            request: Some(key), ..
        } => {
            let v = ws.request(&key)?;
            print_request(&v, json)?;
        }
        SignoffCmd::Status {
            request: None,
            system,
        } => {
            let list = ws.requests(system.as_deref())?;
            if json {
                output::json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|v| {
                        vec![
                            v.id.to_string(),
                            v.request.system_name.clone(),
                            v.request.gate.key().into(),
                            v.status.key().into(),
                            format!("{}/{}", v.tally.approvals, v.tally.quorum),
                            v.request.deadline.to_string(),
                        ]
                    })
                    .collect();
                output::table(
                    &["id", "system", "gate", "status", "approvals", "deadline"],
                    &rows,
                );
            }
        }
        SignoffCmd::Certificate {
            request,
            output: out,
            format,
            sign,
            signer,
        } => {
            let format = format
                .or_else(|| out.extension().map(|e| e.to_string_lossy().into_owned()))
                .ok_or_else(|| {
                    anyhow!(
                        "{} has no extension: give --format pdf or xlsx",
                        out.display()
                    )
                })?;
            let s = if sign {
                Some(signer.signer(identity_dir)?)
            } else {
                None
            };
            let n = ws
                .write_signoff_report(&request, &format, s.as_ref(), &out)
                .with_context(|| {
                    format!("writing the sign-off certificate to {}", out.display())
                })?;
            output::message(
                json,
                &format!(
                    "wrote {} ({n} bytes){}",
                    out.display(),
                    if sign { ", signed" } else { "" }
                ),
                serde_json::json!({ "file": out, "bytes": n, "signed": sign }),
            )?;
        }
        SignoffCmd::Actions => {
            let list = ws.signoff_actions()?;
            if json {
                output::json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|a| {
                        vec![
                            a.due.clone(),
                            a.owner.clone(),
                            a.system.clone(),
                            a.text.clone(),
                            a.request_id.to_string(),
                        ]
                    })
                    .collect();
                output::table(&["due", "owner", "system", "action", "request"], &rows);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_review(r: &RequestReview, json: bool) -> Result<()> {
    if json {
        return output::json(r);
    }
    let d = &r.request;
    println!(
        "{} sign-off of {} (risk tier {})",
        d.gate.label(),
        d.system_name,
        d.risk_tier
    );
    println!(
        "requested by {} at {} ({}), deadline {}",
        d.requested_by,
        rt(&d.requested_at),
        r.requester.subject,
        d.deadline
    );
    println!("request {}  snapshot SHA-256 {}", d.uid, d.snapshot_hash);
    let roles: Vec<String> = d
        .rule
        .roles
        .iter()
        .map(|x| format!("{} {}", x.required, x.role))
        .collect();
    println!(
        "board {:?}: needs {}; quorum {}",
        d.board,
        roles.join(", "),
        d.rule.quorum
    );
    if !d.excluded.is_empty() {
        println!(
            "may not approve (owner, technical lead): {}",
            d.excluded.join(", ")
        );
    }
    if let Some(since) = &d.since_approval {
        if since.changes.is_empty() {
            println!(
                "\nnothing changed since the board approved request {} ({})",
                since.request,
                rt(&since.requested_at)
            );
        } else {
            println!(
                "\nchanged since the board approved request {} ({}):",
                since.request,
                rt(&since.requested_at)
            );
            for c in &since.changes {
                println!(
                    "  {}: {} -> {}",
                    c.field,
                    c.signed.as_deref().unwrap_or("(none)"),
                    c.now.as_deref().unwrap_or("(none)")
                );
            }
        }
    }
    print_proposal(d);
    println!("\nunder review:");
    if let serde_json::Value::Object(m) = &d.snapshot.system {
        for (k, v) in m {
            println!("  {k}: {v}");
        }
    }
    if let Some(outcome) = &d.snapshot.review {
        let o: ReviewOutcome = serde_json::from_value(outcome.clone())?;
        println!(
            "  {} ({}), held {}, chaired by {}",
            o.title, o.period, o.held_on, o.chair
        );
        let attendees: Vec<String> = o
            .attendees
            .iter()
            .map(|a| format!("{} ({})", a.name, a.role))
            .collect();
        println!("  attendees: {}", attendees.join(", "));
        println!("  frozen snapshot SHA-256 {}", o.snapshot_hash);
        for x in &o.decisions {
            let mut line = format!("  {}: {}", x.system, x.decision.decision.label());
            if x.decision.overrode {
                line.push_str(&format!(
                    " (overrides the recommendation: {})",
                    x.decision.rationale
                ));
            }
            if !x.decision.dissent.is_empty() {
                line.push_str(&format!("; dissent: {}", x.decision.dissent.join(", ")));
            }
            println!("{line}");
        }
        for a in &o.actions {
            println!(
                "  action on {}: {} (owner {}, due {})",
                a.system, a.title, a.owner, a.due
            );
        }
    }
    if let Some(e) = &r.evidence {
        print_evidence("validation evidence under review", e);
    }
    println!("\nto sign: steward signoff sign FILE --role ROLE --decision approve|approve_with_conditions|reject -o SIGNATURE.json");
    Ok(())
}

/// The evidence a request is bound to: its status then, each check that was not met, and the
/// exception the board is asked to approve.
fn print_evidence(title: &str, e: &steward_core::evidence::SnapshotEvidence) {
    println!(
        "\n{title}: model version {}, {} ({} runs, {} bias results)",
        if e.model_version.is_empty() {
            "(none recorded)"
        } else {
            &e.model_version
        },
        e.status.state.label().to_lowercase(),
        e.runs.len(),
        e.bias.len()
    );
    for f in e.status.failing() {
        println!("  {f}");
    }
    if let Some(reason) = &e.exception {
        println!("  the board is asked to approve an evidence exception: {reason}");
    }
}

/// A major-change request's proposal, field by field.
fn print_proposal(d: &steward_core::sign::request_file::RequestDoc) {
    let Some(p) = &d.proposed else { return };
    println!("\nproposed change (the record under review has it made):");
    for c in p {
        println!(
            "  {}: {} -> {}",
            c.field,
            c.from.as_deref().unwrap_or("(none)"),
            c.to.as_deref().unwrap_or("(none)")
        );
    }
}

pub(crate) fn print_request(v: &RequestView, json: bool) -> Result<()> {
    if json {
        return output::json(v);
    }
    let d = &v.request;
    println!(
        "request {} ({}): {} of {}: {}",
        v.id,
        d.uid,
        d.gate.label(),
        d.system_name,
        v.status.key().to_uppercase()
    );
    println!(
        "board {:?}, deadline {}, approvals {}/{}, rejections {}",
        d.board, d.deadline, v.tally.approvals, v.tally.quorum, v.tally.rejections
    );
    for r in &v.tally.roles {
        println!(
            "  {}: {} of {} required ({} on the board)",
            r.role, r.approved, r.required, r.members
        );
    }
    for s in &v.signatures {
        let cond = if s.conditions.is_empty() {
            String::new()
        } else {
            format!(": {}", s.conditions)
        };
        println!(
            "  signed {} by {} as {}: {}{cond}",
            rt(&s.signed_at),
            s.signer,
            s.role,
            s.decision
        );
    }
    print_proposal(d);
    if !v.changes.is_empty() {
        println!("changed since the snapshot (sign again on a new request):");
        for c in &v.changes {
            println!(
                "  {}: {} -> {}",
                c.field,
                c.signed.as_deref().unwrap_or("(none)"),
                c.now.as_deref().unwrap_or("(none)")
            );
        }
    }
    if let Some(e) = &v.evidence {
        print_evidence("validation evidence signed", e);
    }
    if let Some(now) = &v.evidence_now {
        println!(
            "validation evidence now: {}",
            now.state.label().to_lowercase()
        );
    }
    Ok(())
}
