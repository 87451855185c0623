"""Set the meaning thresholds (interviewer/text/rules.yaml) from the tune half of the paraphrase
calibration answers, by grid search; prints the best rules per language and their figures on
the tune half. `--write` stores them. The test half is never looked at here.

    python bench/tune_rules.py [--write] [--bank FILE]...
"""

from __future__ import annotations

import argparse
import itertools
import sys
from importlib import resources
from pathlib import Path

import yaml

from interviewer.backends.offline.backend import OfflineBackend
from interviewer.bank.keypoints import with_key_points
from interviewer.bank.loader import load_bank_file, resolve_bank
from interviewer.engine import paraphrase
from interviewer.engine.calibration import calibrate, load_answers
from interviewer.text import meaning

GRID = {  # a wider grid (floor 0.1-0.2, full 0.45-0.55, word weight 0.2-0.4) chose the fixed values
    "contrast_floor": [-0.025],
    "concrete_margin": [0.0, 0.01, 0.02],
    "floor": [0.1],
    "full": [0.45],
    "margin": [0.05, 0.1],
    "word_weight": [0.4],
    "covered_at": [0.55, 0.7],
    "partial_at": [0.25, 0.35],
}


SHIPPED = ("ecommerce-marketing-zh", "backend-engineering-en")


def _tune_half(answers: dict[int, dict[str, str]]) -> dict[int, dict[str, str]]:
    """The answers in the reference's own wording have no split: odd questions tune."""
    return {n: levels for n, levels in answers.items() if n % 2}


def objective(report: paraphrase.ParaphraseReport) -> float:
    passed = sum(report.passed.values())
    return (
        passed * 10
        + report.ordering
        + report.salad_margin
        + report.partial_over_salad
        + report.strong_mean / 100
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--bank", action="append", default=[], help="an extra bank file with a paraphrase set"
    )
    args = parser.parse_args()
    banks = [resolve_bank("ecommerce-marketing-zh"), resolve_bank("backend-engineering-en")]
    banks += [with_key_points(load_bank_file(Path(b)))[0] for b in args.bank]
    backend = OfflineBackend()
    chosen: dict[str, dict] = {}
    for key in ("zh", "en"):
        mine = [b for b in banks if b.language.lower().startswith("zh") == (key == "zh")]
        sets = [(b, paraphrase.load_paraphrases(b)) for b in mine]
        worded = [(b, _tune_half(load_answers(b))) for b in mine if b.id in SHIPPED]
        best = None
        for values in itertools.product(*GRID.values()):
            rule = dict(zip(GRID, values, strict=True))
            if rule["partial_at"] >= rule["covered_at"]:
                continue
            meaning.rules = lambda _language, rule=rule: meaning.Rules(**rule)
            reports = [paraphrase.paraphrase_report(b, backend, s, "tune") for b, s in sets if s]
            score = sum(objective(r) for r in reports)
            score += sum(5 * calibrate(b, backend, answers).accuracy for b, answers in worded)
            if best is None or score > best[0]:
                best = (score, rule, reports)
        chosen[key] = best[1]
        print(f"{key}: {best[1]}")
        for report in best[2]:
            print(f"  {report.bank}: {report.model_dump(exclude={'scores'})}")
    if args.write:
        path = Path(str(resources.files("interviewer.text") / "rules.yaml"))
        head = "".join(
            line for line in path.read_text(encoding="utf-8").splitlines(True) if line.startswith("#")
        )
        path.write_text(head + yaml.safe_dump(chosen, sort_keys=False), encoding="utf-8")
        print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
