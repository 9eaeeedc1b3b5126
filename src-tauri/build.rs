//! Embeds tauri.conf.json and generates one permission per command, so the capability in
//! capabilities/default.json can allow exactly the commands the UI calls.

/// Every command of `src/commands.rs` and the area modules (`src/tco.rs`, `src/calendar.rs`);
/// keep in step with `generate_handler!` in main.rs.
/// Every command of `src/commands.rs`, `src/tco.rs` and `src/signoff.rs`; keep in step with `generate_handler!` in main.rs.
const COMMANDS: &[&str] = &[
    "workspace_info",
    "vocabulary",
    "blank_draft",
    "open_sample",
    "list_systems",
    "facets",
    "get_system",
    "add_system",
    "update_system",
    "set_stage",
    "next_stages",
    "plan_import",
    "import_systems",
    "export_systems",
    "audit_log",
    "verify_audit",
    "identity_show",
    "identity_init",
    "export_report",
    "create_pack",
    "cancel_export",
    "verify_file",
    "tco_list",
    "tco_get",
    "tco_new_draft",
    "tco_evaluate",
    "tco_save",
    "tco_delete",
    "tco_export",
    "tco_import",
    "calendar_list",
    "calendar_done",
    "calendar_export",
    "milestones_get",
    "milestones_set",
    "checklist_get",
    "checklist_close",
    "retire_system",
    "assessment_templates",
    "list_assessments",
    "get_assessment",
    "assessment_template",
    "evaluate_answers",
    "start_assessment",
    "save_answers",
    "complete_assessment",
    "decide_assessment",
    "export_assessment",
    "add_template",
    "kpi_status",
    "kpi_portfolio",
    "kpi_linkage",
    "record_measurement",
    "acknowledge_escalation",
    "resolve_escalation",
    "signoff_boards",
    "signoff_create_board",
    "signoff_add_member",
    "signoff_rules",
    "signoff_save_rule",
    "signoff_requests",
    "signoff_create_request",
    "signoff_export_request",
    "signoff_review",
    "signoff_sign",
    "signoff_import_signature",
    "signoff_actions",
    "signoff_certificate",
];

fn main() {
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        eprintln!("tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}
