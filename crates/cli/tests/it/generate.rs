//! The `generate-completions` and `generate-man` commands the package build calls.

use std::fs;

use assert_cmd::Command;

use crate::support::Ws;

/// `steward ARGS` as the package build runs it: no workspace, no global options.
fn steward() -> Command {
    Command::cargo_bin("steward").expect("the steward binary is built")
}

#[test]
fn completions_cover_bash_zsh_and_fish_and_name_the_subcommands() {
    let ws = Ws::new();
    let out = ws.dir.path().join("completions");
    steward()
        .arg("generate-completions")
        .arg(&out)
        .assert()
        .success();
    for file in ["steward.bash", "_steward", "steward.fish"] {
        let text = fs::read_to_string(out.join(file)).expect("the completions file is written");
        // A completion that does not offer the subcommands would be of no use in a shell.
        assert!(
            text.contains("portfolio"),
            "{file} completes `steward portfolio`"
        );
        assert!(
            text.contains("data-dir"),
            "{file} completes the global --data-dir"
        );
        // Packagers' commands are not offered to people.
        assert!(
            !text.contains("generate-"),
            "{file} leaves the packaging commands out"
        );
    }
}

#[test]
fn man_pages_are_written_for_the_command_and_each_subcommand() {
    let ws = Ws::new();
    let out = ws.dir.path().join("man");
    steward().arg("generate-man").arg(&out).assert().success();
    let main = fs::read_to_string(out.join("steward.1")).expect("steward.1 is written");
    // roff: the title line names the page and the section `man` files it under.
    assert!(
        main.contains(".TH steward 1 "),
        "a section 1 page: {main:.200}"
    );
    assert!(
        main.contains("govern an organisation"),
        "the page says what steward is for"
    );
    assert!(
        main.contains("portfolio"),
        "the main page lists the subcommands"
    );
    assert!(
        out.join("steward-systems-add.1").is_file(),
        "nested subcommands get their own page"
    );
    assert!(
        !out.join("steward-generate-man.1").exists(),
        "packaging commands get no page"
    );
}
