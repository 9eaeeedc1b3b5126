"""The iCalendar export, read back by Python's icalendar (an independent RFC 5545 parser) and
each RRULE expanded by dateutil, compared with Steward's own `calendar list --json`."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

STEWARD = os.environ["STEWARD_BIN"]


def steward(data: Path, *args: str) -> str:
    out = subprocess.run(
        [STEWARD, "--data-dir", str(data), *args],
        env={**os.environ, "STEWARD_ACTOR": "tester"},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, f"steward {args}: {out.stderr}"
    return out.stdout


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("ws") / "data"
    steward(data, "demo")
    # A name that needs escaping, a month-end deployment and a leap-day assumption review.
    steward(data, "systems", "add", "--name", "Claims; triage, v2", "--unit", "Claims",
            "--owner", "Ann Owner", "--risk", "high", "--stage", "staging")
    steward(data, "systems", "stage", "Claims; triage, v2", "production")
    steward(data, "systems", "edit", "Claims; triage, v2", "--deployed", "2025-08-31")
    return data


def export(data: Path, path: Path, *args: str) -> Calendar:
    steward(data, "calendar", "export", "-o", str(path), *args)
    raw = path.read_bytes()
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
    return Calendar.from_ical(raw)


def components(cal: Calendar):
    return [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]


def test_parses_with_required_properties(workspace: Path, tmp_path: Path):
    cal = export(workspace, tmp_path / "a.ics")
    assert str(cal["VERSION"]) == "2.0"
    assert "Steward" in str(cal["PRODID"])
    items = components(cal)
    assert len(items) > 50
    for c in items:
        for prop in ("UID", "DTSTAMP", "SUMMARY"):
            assert prop in c, f"{prop} missing in {c.get('SUMMARY')}"
        if c.name == "VEVENT":
            start = c.decoded("DTSTART")
            assert type(start) is dt.date, "all-day events are VALUE=DATE"
            assert c.decoded("DTEND") == start + dt.timedelta(days=1)
        else:
            assert type(c.decoded("DUE")) is dt.date
    uids = [str(c["UID"]) for c in items]
    assert len(uids) == len(set(uids)), "one component per UID"


def test_escaping_round_trips(workspace: Path, tmp_path: Path):
    cal = export(workspace, tmp_path / "b.ics", "--system", "Claims; triage, v2")
    summaries = {str(c["SUMMARY"]) for c in components(cal)}
    assert "Model review: Claims; triage, v2" in summaries, summaries


def test_uids_are_stable_across_exports(workspace: Path, tmp_path: Path):
    first = {str(c["UID"]): str(c["SUMMARY"]) for c in components(export(workspace, tmp_path / "1.ics"))}
    second = {str(c["UID"]): str(c["SUMMARY"]) for c in components(export(workspace, tmp_path / "2.ics"))}
    assert first == second


def test_alarms_remind_ahead(workspace: Path, tmp_path: Path):
    cal = export(workspace, tmp_path / "c.ics")
    certs = [c for c in components(cal) if str(c.get("CATEGORIES").cats[0]) == "Certification expiry"]
    assert certs, "the sample has certifications"
    for c in certs:
        alarms = [a for a in c.subcomponents if a.name == "VALARM"]
        assert len(alarms) == 1
        assert alarms[0].decoded("TRIGGER") == -dt.timedelta(days=60)
        assert str(alarms[0]["ACTION"]) == "DISPLAY"


def test_rrules_expand_to_stewards_own_dates(workspace: Path, tmp_path: Path):
    start, end = dt.date(2025, 1, 1), dt.date(2029, 12, 31)
    cal = export(workspace, tmp_path / "d.ics", "--from", str(start), "--to", str(end))
    listed = json.loads(steward(workspace, "calendar", "list", "--json", "--from", str(start), "--to", str(end)))
    by_uid: dict[str, set[str]] = {}
    for o in listed:
        # Completed occurrences of a rolling review are history, not part of the exported series.
        rolling = o["kind"] in ("model_review", "assumption_review")
        if o["recurring"] and not (rolling and o["state"] == "done"):
            by_uid.setdefault(o["uid"], set()).add(o["date"])
    recurring = [c for c in components(cal) if "RRULE" in c]
    assert len(recurring) >= 10
    checked = 0
    for c in recurring:
        uid = str(c["UID"])
        first = c.decoded("DTSTART")
        rule = rrulestr(c["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(first, dt.time()))
        expanded = {d.date().isoformat() for d in rule.between(
            dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time()), inc=True)}
        ours = by_uid.get(uid, set())
        if not ours:
            continue
        # The series starts where Steward's list does (for a rolling review: the next one due,
        # overdue or not), and from today on both give the same dates. Between an overdue
        # rolling review and today Steward lists nothing more: the next one is counted from the
        # day the overdue one gets done.
        if first >= start:
            assert first.isoformat() == min(ours), f"{c['SUMMARY']}: DTSTART {first} vs {sorted(ours)}"
        if str(c.get("CATEGORIES").cats[0]) == "Portfolio review":
            assert expanded == ours, f"fixed schedule: {sorted(expanded)} vs {sorted(ours)}"
        today = dt.date.today().isoformat()
        assert {d for d in expanded if d >= today} == {d for d in ours if d >= today}, (
            f"{c['SUMMARY']}: {sorted(expanded)} vs {sorted(ours)}")
        checked += 1
    assert checked >= 10


def test_month_end_series(workspace: Path, tmp_path: Path):
    cal = export(workspace, tmp_path / "e.ics", "--system", "Claims; triage, v2", "--kind", "model_review")
    (c,) = components(cal)
    assert c.decoded("DTSTART") == dt.date(2026, 2, 28)
    rule = rrulestr(c["RRULE"].to_ical().decode(), dtstart=dt.datetime(2026, 2, 28))
    dates = [d.date().isoformat() for d in rule[:4]]
    assert dates == ["2026-02-28", "2026-08-31", "2027-02-28", "2027-08-31"]
