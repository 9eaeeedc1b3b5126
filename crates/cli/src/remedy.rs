//! How the CLI words what a person can do about an error: core states the remedy as facts, and
//! this is the one place that names `steward` commands for it.

use steward_core::error::Remedy;

/// The command (or commands) that would put it right, as a line to print after the error.
pub fn hint(remedy: &Remedy) -> String {
    match remedy {
        Remedy::CreateIdentity => {
            "create your signing identity with `steward identity init --name NAME \
             --role ROLE --org ORG`, or import an organisation-issued certificate with `steward \
             identity import-p12 FILE`"
                .into()
        }
        Remedy::TrustCertificate { subject, .. } => format!(
            "if you expect {subject} to sign, import their certificate with `steward certs import \
             FILE`, or pass `--trust FILE`"
        ),
        Remedy::CreateBoard { name } => {
            format!("create the board with `steward signoff board create {name:?}`")
        }
        Remedy::AddSignoffRule { gate, tier } => format!(
            "add one with `steward signoff rule set --gate {gate} --tier {tier} --board NAME \
             --require ROLE=N --quorum N`"
        ),
        Remedy::ListSignoffRequests => {
            "`steward signoff status` lists the requests with their numbers".into()
        }
        Remedy::OpenSignoffRequest { system, gate } => {
            format!("open one with `steward signoff request {system:?} --gate {gate}`")
        }
        Remedy::StartRetirement { system } => format!(
            "start the checklist with `steward systems retire {system:?} --date YYYY-MM-DD`"
        ),
        Remedy::ListCalendar => "`steward calendar list --json` shows each event's uid".into(),
        Remedy::ResolveEscalation { id } => {
            format!("resolve it with `steward escalations resolve {id} --note TEXT`")
        }
        Remedy::UseSignoffFile { request: true } => {
            "a request file is written with `steward signoff export-request`".into()
        }
        Remedy::UseSignoffFile { request: false } => {
            "a signature file is written with `steward signoff sign`".into()
        }
        Remedy::FreezeReview { period } => {
            format!("freeze it first with `steward review freeze {period}`")
        }
        Remedy::AddAtEarlierStage { system, stage } if stage == "retired" => format!(
            "add it at the stage it had before (e.g. `steward systems add --name {system:?} \
             --stage deprecated ...`), start its checklist with `steward systems retire \
             {system:?}`, close each item with `steward calendar checklist {system:?} ITEM --done` \
             (or `--waive REASON`), then `steward systems retire {system:?}` again"
        ),
        Remedy::AddAtEarlierStage { system, .. } => format!(
            "add it with `--stage staging` (or earlier), open the sign-off with `steward signoff \
             request {system:?} --gate pre_deployment`, and once it is approved move it with \
             `steward systems stage {system:?} production`"
        ),
        Remedy::ProposeMajorChange { system, fields } => format!(
            "propose the change with `steward signoff request {system:?} --gate major_change {}`, \
             and save it once the board has approved it",
            fields
                .iter()
                .map(|f| format!("--set {f}=VALUE"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Remedy::ProvideEvidence { system } => format!(
            "`steward evidence status {system:?}` lists what the policy asks for; record it with \
             `steward evidence import FILE` (or `add-run` / `add-bias`), or ask the board for an \
             exception with `steward signoff request {system:?} --gate pre_deployment \
             --evidence-exception REASON`"
        ),
        _ => String::new(),
    }
}

/// The remedy of the first Steward error in `e`'s chain, worded for the CLI.
pub fn hint_for(e: &anyhow::Error) -> Option<String> {
    let core = e
        .chain()
        .find_map(|c| c.downcast_ref::<steward_core::Error>())?;
    if core.code() == "locked" {
        return Some(crate::encryption::hint());
    }
    core.remedy().map(hint).filter(|h| !h.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(remedy: Remedy, expected: &str) {
        let h = hint(&remedy);
        assert!(h.contains(expected), "{remedy:?} names {expected:?}: {h}");
    }

    #[test]
    fn each_remedy_names_the_command_that_puts_it_right() {
        check(Remedy::CreateIdentity, "steward identity init");
        check(
            Remedy::TrustCertificate {
                subject: "CN=Ann".into(),
                fingerprint: "ab".into(),
            },
            "steward certs import",
        );
        check(
            Remedy::CreateBoard {
                name: "Model board".into(),
            },
            "steward signoff board create \"Model board\"",
        );
        check(
            Remedy::AddSignoffRule {
                gate: "pre_deployment".into(),
                tier: "high".into(),
            },
            "--gate pre_deployment --tier high",
        );
        check(Remedy::ListSignoffRequests, "steward signoff status");
        check(
            Remedy::OpenSignoffRequest {
                system: "Fraud".into(),
                gate: "retirement".into(),
            },
            "steward signoff request \"Fraud\" --gate retirement",
        );
        check(
            Remedy::StartRetirement {
                system: "Fraud".into(),
            },
            "steward systems retire \"Fraud\"",
        );
        check(Remedy::ListCalendar, "steward calendar list");
        check(
            Remedy::ResolveEscalation { id: 3 },
            "steward escalations resolve 3",
        );
        check(Remedy::UseSignoffFile { request: true }, "export-request");
        check(
            Remedy::UseSignoffFile { request: false },
            "steward signoff sign",
        );
        check(
            Remedy::FreezeReview {
                period: "2026-Q4".into(),
            },
            "steward review freeze 2026-Q4",
        );
        check(
            Remedy::AddAtEarlierStage {
                system: "Fraud".into(),
                stage: "production".into(),
            },
            "steward signoff request \"Fraud\" --gate pre_deployment",
        );
        check(
            Remedy::AddAtEarlierStage {
                system: "Fraud".into(),
                stage: "retired".into(),
            },
            "steward calendar checklist \"Fraud\" ITEM --done",
        );
        check(
            Remedy::ProposeMajorChange {
                system: "Fraud".into(),
                fields: vec!["purpose".into(), "risk_tier".into()],
            },
            "--gate major_change --set purpose=VALUE --set risk_tier=VALUE",
        );
    }

    #[test]
    fn a_remedy_deep_in_the_chain_is_found() {
        let core = steward_core::Error::NoIdentity { dir: "/x".into() };
        let e = anyhow::Error::new(core).context("signing the report");
        let h = hint_for(&e).expect("the chain holds a Steward error with a remedy");
        assert!(h.contains("steward identity init"), "{h}");
    }
}
