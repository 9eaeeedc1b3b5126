"""A model card in the desktop app, on the sample portfolio: a system's card edited into its next
revision (a required field left empty is refused beside it first), the revision's changes shown
field by field, a new model version's card, and the card exported as Markdown, whose metadata
PyYAML reads, and as a signed PDF, which pdfsig accepts; both checked outside Steward. Each of the
panel's tabs passes axe-core with no serious or critical violation."""

from __future__ import annotations

import json
import shutil
import subprocess

from selenium.webdriver.common.keys import Keys

from test_accessibility import audit

PASSPHRASE = "correct horse battery"
SYSTEM = "Customer Churn Predictor"
NEW_LIMITS = "Customers with fewer than three months of history are scored poorly; so are accounts opened online."


def create_identity(app) -> None:
    app.click("nav-profile")
    app.type("identity-name", "Yuki Tanaka")
    app.type("identity-role", "Technical lead")
    app.type("identity-organisation", "Acme Bank")
    app.type("identity-email", "yuki.tanaka@example.org")
    app.type("identity-passphrase", PASSPHRASE)
    app.type("identity-passphrase2", PASSPHRASE)
    app.click("identity-create")
    assert app.find("profile-name").text == "Yuki Tanaka", "the identity that signs the card exists"


def open_system(app, name: str) -> None:
    app.click("nav-register")
    app.type("search", name)
    app.wait(lambda: app.rows() == [name], f"the sample has {name}")
    app.find("row-name").click()
    app.find("system-detail")
    app.find("model-card")


def replace_text(app, testid: str, text: str) -> None:
    field = app.find(testid)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    if text:
        field.send_keys(text)


def yaml_metadata(path) -> dict:
    """The Markdown card's metadata block as PyYAML reads it (YAML 1.1, as model hubs read it)."""
    script = (
        "import json, sys, yaml\n"
        "t = open(sys.argv[1], encoding='utf-8').read()\n"
        "assert t.startswith('---\\n'), 'the metadata comes first'\n"
        "end = t.index('\\n---\\n', 3)\n"
        "print(json.dumps(yaml.safe_load(t[4:end + 1])))\n"
    )
    out = subprocess.run(["python3", "-c", script, str(path)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, f"PyYAML reads the metadata: {out.stderr}"
    return json.loads(out.stdout)


def export(app, fmt: str, path, sign: bool) -> str:
    app.select("card-export-format", fmt)
    replace_text(app, "card-export-path", str(path))
    app.click("card-export-run")
    if sign:
        app.find("passphrase-dialog")
        app.type("passphrase-input", PASSPHRASE)
        app.click("passphrase-ok")
    return app.wait(lambda: app.present("card-exported") and str(path) in app.find("card-exported").text and app.find("card-exported").text,
                    f"the {fmt} export is written")


def test_a_card_is_revised_diffed_versioned_and_exported(sample_app, steward, tmp_path):
    app = sample_app
    app.wait(lambda: app.present("home"), "the app opens on the portfolio")
    create_identity(app)
    open_system(app, SYSTEM)
    assert "1 of 1" in app.find("card-saved").text, "the sample's card is at its first revision"
    assert "Intended uses" in app.find("card-preview").text, "the card is shown as the PDF lays it out"

    # A required field left empty is refused beside it, and nothing is saved.
    app.click("card-tab-edit")
    replace_text(app, "card-field-fallback", "")
    app.click("card-save")
    assert "Fallback is required" in app.find("error-fallback").text, "the refusal is beside its field"
    app.click("card-cancel")
    assert "1 of 1" in app.find("card-saved").text, "no revision was saved"

    # The limitations revised: revision 2, shown in the card.
    app.click("card-tab-edit")
    replace_text(app, "card-field-limitations", NEW_LIMITS)
    app.click("card-save")
    assert "Saved revision 2" in app.find("card-notice").text
    app.wait(lambda: NEW_LIMITS in app.find("card-preview").text, "the card shows the new text")
    app.screenshot("card")

    # Its changes, field by field: only the limitations.
    app.click("card-tab-changes")
    app.wait(lambda: app.present("card-diff-limitations"), "the changed field is listed")
    row = app.find("card-diff-limitations").text
    assert NEW_LIMITS in row and "fewer than three months" in row, f"before and after: {row!r}"
    assert len(app.all("card-diff-fallback")) == 0, "an unchanged field is not listed"
    assert "against revision 1" in app.find("card-diff-summary").text
    app.screenshot("changes")

    # Every tab of the panel is accessible.
    app.driver.set_script_timeout(60)
    problems = audit(app, "card changes")
    for tab in ["preview", "markdown", "edit"]:
        app.click(f"card-tab-{tab}")
        problems += audit(app, f"card {tab}")
    app.click("card-cancel")
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)

    # Markdown: the file as exported; its metadata read by PyYAML.
    md = tmp_path / "MODEL_CARD.md"
    export(app, "md", md, sign=False)
    meta = yaml_metadata(md)
    assert meta["model_name"] == SYSTEM, meta
    assert meta["model_version"] == "1.7", f"the version is text: {meta}"
    assert meta["card_revision"] == 2, meta
    assert meta["steward"]["deployment_date"] == "2022-02-28", f"a date stays text: {meta}"
    text = md.read_text(encoding="utf-8")
    assert "## Limitations\n\n" + NEW_LIMITS in text, "the revised section"

    # The PDF, signed after the passphrase; pdfsig checks it independently of Steward.
    pdf = tmp_path / "churn-card.pdf"
    written = export(app, "pdf", pdf, sign=True)
    assert "signed" in written, written
    pdfsig = shutil.which("pdfsig")
    assert pdfsig, "pdfsig (poppler-utils) checks the signature independently of Steward"
    out = subprocess.run([pdfsig, str(pdf)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." in out and "Yuki Tanaka" in out, f"pdfsig accepts the card's signature: {out}"

    # A new model version gets a card of its own, starting from the one shown.
    app.click("card-new-version")
    app.type("card-edit-version", "1.8")
    app.click("card-save")
    assert "Saved revision 1 of the card of model version 1.8" in app.find("card-notice").text
    app.wait(lambda: app.find("card-version").get_attribute("value") == "1.8", "the new version is shown")
    cards = steward(app.data_dir, "card", "list", SYSTEM)
    assert [(c["model_version"], c["revisions"]) for c in cards] == [("1.7", 2), ("1.8", 1)], cards
