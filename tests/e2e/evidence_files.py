"""Validation evidence files for end-to-end tests, in the long format a validation team exports
(one row per metric of a run, or per segment's result): only the standard library."""

from __future__ import annotations

import datetime
from pathlib import Path

HEADER = "System,Model version,Date,Dataset,Method,Metric,Value,Attribute,Segment,Reference group,Reference value\n"


def evidence_csv(path: Path, system: str, young_rate: str = "0.37", auc: str = "0.83") -> Path:
    """Evidence of `system`'s current model version dated ten days ago, covering what the shipped
    policy asks of a high-risk system: a holdout and a robustness run, and the age bands, regions
    and channels tested for selection rate against a reference group at 0.40. The 18-25 band is
    selected at `young_rate` (0.37 is a disparity ratio of 0.925, within the four-fifths rule;
    0.28 is 0.7, outside it); `auc` is written as given, so a test can put a bad value there."""
    day = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()
    rows = [
        f"{system},,{day},2026 claims holdout,holdout,auc,{auc},,,,",
        f"{system},,{day},2026 claims holdout,holdout,recall,0.71,,,,",
        f"{system},,{day},perturbed claims,robustness,auc,0.79,,,,",
        f"{system},,{day},2026 claims holdout,,selection_rate,{young_rate},age_band,18-25,26-40,0.40",
        f"{system},,{day},2026 claims holdout,,selection_rate,0.38,age_band,41-60,26-40,0.40",
        f"{system},,{day},2026 claims holdout,,selection_rate,0.41,region,north,south,0.40",
        f"{system},,{day},2026 claims holdout,,selection_rate,0.39,channel,online,branch,0.40",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path
