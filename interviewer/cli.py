"""The command line: parse, call the core, render. Nothing else lives here."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import click

from interviewer import __version__
from interviewer.errors import InterviewerError

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _error(message: str) -> None:
    click.echo(f"interviewer: error: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="interviewer")
def cli() -> None:
    """A mock interviewer grounded in a question bank: it asks, probes and critiques,
    and saves every interview as a JSONL transcript."""


# ---- banks -------------------------------------------------------------------------------


@cli.group()
def bank() -> None:
    """List, show, check and import question banks."""


@bank.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def bank_list(as_json: bool) -> None:
    """Shipped and user banks: id, title, language, number of questions."""
    from interviewer.bank.loader import bank_files, load_bank_file, shipped_banks_dir

    rows = []
    for path in bank_files():
        try:
            loaded = load_bank_file(path)
        except InterviewerError as exc:
            _error(str(exc))
            continue
        rows.append(
            {
                "id": loaded.id,
                "title": loaded.title,
                "language": loaded.language,
                "questions": len(loaded.questions),
                "shipped": path.parent == shipped_banks_dir(),
                "path": str(path),
            }
        )
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:<28} {row['language']:<6} {row['questions']:>3} questions  {row['title']}")


@bank.command("show")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the whole bank as JSON.")
def bank_show(name: str | None, as_json: bool) -> None:
    """One bank's questions, references and key points (default: the seed bank)."""
    from interviewer.bank.loader import resolve_bank

    loaded = resolve_bank(name)
    if as_json:
        _echo_json(loaded.model_dump(mode="json"))
        return
    click.echo(f"{loaded.title}  [{loaded.id}, {loaded.language}, {len(loaded.questions)} questions]")
    for q in loaded.questions:
        mark = "  (reference cut off)" if q.incomplete else ""
        tags = f"  [{', '.join(q.tags)}]" if q.tags else ""
        click.echo(f"\n{q.number}. {q.text}{mark}{tags}")
        if q.reference:
            click.echo(textwrap.indent(q.reference, "   > "))
        for point in q.key_points:
            click.echo(f"   - {point.text}")
        for follow_up in q.follow_ups:
            click.echo(f"   ? {follow_up}")


@bank.command("lint")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
def bank_lint(path: str, as_json: bool) -> None:
    """Check a bank file: pinyin, mojibake, truncated references, missing key points. Exit 1 on errors."""
    from interviewer.bank.lint import lint_bank

    findings = lint_bank(path)
    if as_json:
        _echo_json([f.model_dump() for f in findings])
    else:
        for finding in findings:
            click.echo(str(finding))
        errors = sum(f.severity == "error" for f in findings)
        click.echo(f"{errors} errors, {len(findings) - errors} warnings", err=True)
    if any(f.severity == "error" for f in findings):
        sys.exit(EXIT_ERROR)


@bank.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Bank file to write (default: your banks folder)."
)
@click.option("--language", help="BCP-47 tag such as zh-CN or en (default: detected).")
@click.option("--id", "bank_id", help="Bank id (default: from the file name or title).")
@click.option("--question-col", help="CSV: the question column, by header or 1-based number.")
@click.option("--answer-col", help="CSV: the answer column, by header or 1-based number.")
@click.option("--merge-duplicates", is_flag=True, help="CSV: keep only the first of repeated questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def bank_import(path: str, output: str | None, as_json: bool, **options) -> None:
    """Turn a document (Markdown, numbered Q&A text, CSV, JSON or YAML) into a bank file."""
    from interviewer.bank.importer import import_document
    from interviewer.bank.loader import user_banks_dir
    from interviewer.bank.writer import write_bank

    imported = import_document(path, **options)
    target = Path(output) if output else user_banks_dir() / f"{imported.bank.id}.yaml"
    write_bank(imported.bank, target)
    if as_json:
        _echo_json(
            {
                "bank": imported.bank.id,
                "path": str(target),
                "questions": len(imported.bank.questions),
                "found": imported.summary,
                "findings": [f.model_dump() for f in imported.findings],
            }
        )
        return
    for finding in imported.findings:
        change = f" -> {finding.repaired!r}" if finding.repaired else ""
        note = f"  ({finding.note})" if finding.note else ""
        click.echo(f"{path}:{finding.line}: {finding.kind}: {finding.original!r}{change}{note}", err=True)
    if imported.summary:
        click.echo(f"found {imported.summary}", err=True)
    click.echo(
        f"wrote {target}: {len(imported.bank.questions)} questions; review it, then `interviewer bank lint {target}`"
    )


@bank.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["yaml", "md", "csv", "json"]), default="yaml")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
def bank_export(name: str, fmt: str, output: str | None) -> None:
    """Write a bank as YAML, Markdown, CSV or JSON (the formats `bank import` reads)."""
    from interviewer.bank.loader import resolve_bank
    from interviewer.bank.writer import FORMATS, write_bank

    loaded = resolve_bank(name)
    if output:
        write_bank(loaded, output, fmt)
    else:
        click.echo(FORMATS[fmt](loaded), nl=False)


@bank.command("keypoints")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Also replace key points that are already written.")
@click.option("--backend", type=click.Choice(["offline", "openai"]), default="offline", show_default=True)
@click.option("--model", help="Model name (INTERVIEWER_MODEL).")
@click.option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL).")
@click.option("--json", "as_json", is_flag=True, help="Print what was drafted as JSON.")
def bank_keypoints(
    path: str, force: bool, backend: str, model: str | None, base_url: str | None, as_json: bool
) -> None:
    """Draft key points for questions that have none, into the bank file, for a person to edit."""
    from interviewer.bank.keypoints import draft_key_points
    from interviewer.bank.loader import load_bank_file
    from interviewer.bank.writer import write_bank

    loaded = load_bank_file(path)
    drafter = draft_key_points
    if backend == "openai":
        from interviewer.backends.openai_chat import OpenAIChatBackend
        from interviewer.config import load_settings

        drafter = OpenAIChatBackend(load_settings(base_url=base_url, model=model)).draft_key_points
    drafted = {}
    for question in loaded.questions:
        if question.key_points and not force:
            continue
        question.key_points = drafter(question, loaded.language)
        drafted[question.number] = [p.text for p in question.key_points]
    write_bank(loaded, path)
    if as_json:
        _echo_json({"path": path, "drafted": drafted})
        return
    kept = len(loaded.questions) - len(drafted)
    click.echo(f"drafted key points for {len(drafted)} questions, kept {kept} written by hand; edit {path}")


# ---- interviews --------------------------------------------------------------------------


SLOW_MODEL_FLAGS = (
    (
        "--timeout",
        click.FloatRange(min=1),
        "INTERVIEWER_TIMEOUT",
        "Seconds one request may take, default 120",
    ),
    (
        "--turn-seconds",
        click.FloatRange(min=1),
        "INTERVIEWER_TURN_SECONDS",
        "Seconds a critique may take before that turn is graded offline, default 90",
    ),
    (
        "--output-tokens",
        click.IntRange(min=256),
        "INTERVIEWER_OUTPUT_TOKENS",
        "Output budget of a critique, default 1024; the reply's schema shrinks to fit",
    ),
)


def _as_setting(name: str):
    """A flag that sets the same setting as its environment variable, for this run only."""

    def store(ctx: click.Context, param: click.Parameter, value: object) -> None:
        if value is not None:
            os.environ[name] = str(value)

    return store


def endpoint_options(function):
    """The options every command that may call a model shares."""
    for option in reversed(
        [
            click.option(
                "--backend", type=click.Choice(["offline", "openai"]), help="Who plays the interviewer."
            ),
            click.option("--model", help="Model name (INTERVIEWER_MODEL)."),
            click.option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL)."),
            *(
                click.option(
                    flag,
                    type=kind,
                    expose_value=False,
                    callback=_as_setting(variable),
                    help=f"{text} ({variable}).",
                )
                for flag, kind, variable, text in SLOW_MODEL_FLAGS
            ),
        ]
    ):
        function = option(function)
    return function


@cli.command()
@click.option("--bank", "bank_name", help="Bank id or file (default: the seed bank).")
@endpoint_options
@click.option("--mode", type=click.Choice(["practice", "exam"]), default="practice", show_default=True)
@click.option("--questions", help="Question numbers, such as 1,3,5 or 2-4.")
@click.option("--count", type=int, help="Ask only this many questions.")
@click.option("--shuffle", is_flag=True, help="Shuffle the questions (use --seed to repeat an order).")
@click.option("--seed", type=int, help="Seed for --shuffle.")
@click.option("--max-follow-ups", type=click.IntRange(0, 5), default=2, show_default=True)
@click.option(
    "--transcript", type=click.Path(), help="Transcript file or folder (INTERVIEWER_TRANSCRIPTS_DIR)."
)
@click.option(
    "--answers", type=click.Path(allow_dash=True), help="Scripted answers, separated by lines of ---."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--voice", is_flag=True, help="Speak the questions and answer out loud.")
@click.option(
    "--audio-dir",
    type=click.Path(file_okay=False),
    help="Spoken answers as 01.wav, 02.wav … (implies --voice).",
)
@click.option(
    "--speech",
    type=click.Choice(["openai", "offline"]),
    help="Who speaks and listens (default: openai when configured).",
)
@click.option("--vad", is_flag=True, help="Stop recording after a silence instead of a second Enter.")
@click.option(
    "--silence-timeout",
    type=float,
    default=3.0,
    show_default=True,
    help="Seconds of silence that end an answer (--vad).",
)
def practice(**flags) -> None:
    """A mock interview: questions, follow-ups, feedback, saved as a transcript.

    In an --answers file, a block after a line `--- follow-up` answers the follow-up just asked;
    any other block answers the next question."""
    from interviewer import terminal
    from interviewer.app.interviews import InterviewOptions

    answers, as_json = flags.pop("answers"), flags.pop("as_json")
    voice = None
    if flags.pop("voice") or flags["audio_dir"]:
        voice = terminal.Voice(flags["speech"], flags["audio_dir"], flags["vad"], flags["silence_timeout"])
    for name in ("audio_dir", "speech", "vad", "silence_timeout"):
        flags.pop(name)
    flags["bank"] = flags.pop("bank_name")
    terminal.practice(InterviewOptions(**flags), answers=answers, as_json=as_json, voice=voice)


@cli.command()
@click.option("--bank", "bank_name", help="Bank id or file (default: the seed bank).")
@click.option("--question", "number", type=int, required=True, help="The question's number in the bank.")
@click.option(
    "--answer-file",
    required=True,
    type=click.Path(allow_dash=True),
    help="The answer (UTF-8; - for stdin); several answers are separated by lines of ---.",
)
@endpoint_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (a list for several answers).")
def grade(bank_name, number, answer_file, backend, model, base_url, as_json) -> None:
    """Grade answers to one question against its key points. When the model fails partway,
    the answers graded so far are printed and each one left ungraded is named (exit 1)."""
    from interviewer.backends import make_backend
    from interviewer.bank.keypoints import resolve_with_key_points
    from interviewer.config import load_settings
    from interviewer.engine.calibration import NOT_GRADED
    from interviewer.engine.grading import grade_answer
    from interviewer.engine.ports import Turn
    from interviewer.errors import BackendError, TurnDegraded
    from interviewer.prompts import say
    from interviewer.render import critique_json, render_critique
    from interviewer.terminal import console_for, read_answers

    settings = load_settings(base_url=base_url, model=model)
    loaded, drafted = resolve_with_key_points(bank_name)
    if drafted:
        click.echo(say(loaded.language, "drafted_key_points", count=drafted), err=True)
    question = loaded.question(number)
    answers = [reply.text for reply in read_answers(answer_file)] or [""]
    chosen = make_backend(backend or "offline", settings)
    critiques, failed, broken = [], [], False
    for position, answer in enumerate(answers, start=1):
        where = f"answer {position} of {len(answers)}"
        if broken:
            failed.append(f"{where}: {NOT_GRADED}")
            continue
        try:
            critiques.append(grade_answer(Turn(loaded, question, "exam", 1, 1), answer, chosen)[0])
        except BackendError as exc:
            # after one slow turn the next answer is tried; after a dead endpoint, none
            failed.append(f"{where}: {exc}")
            broken = not isinstance(exc, TurnDegraded)
    if as_json and (critiques or len(answers) > 1):
        rows = [critique_json(c) for c in critiques]
        _echo_json(rows[0] if len(answers) == 1 else rows)
    elif not as_json:
        for critique in critiques:
            render_critique(console_for(False), critique, loaded.language)
    _fail_lines(failed)


def _fail_lines(lines: list[str]) -> None:
    """What could not be done, one line each on stderr, after what could; then exit 1."""
    for line in lines:
        _error(line)
    if lines:
        sys.exit(EXIT_ERROR)


@cli.command()
@click.option("--bank", "bank_name", help="Bank id or file (default: the seed bank).")
@click.option(
    "--answers-file", type=click.Path(dir_okay=False), help="Calibration answers (default: the shipped set)."
)
@click.option(
    "--paraphrases",
    type=click.Path(dir_okay=False),
    help="Paraphrase set for the bank (default: the shipped one).",
)
@endpoint_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def calibrate(bank_name, answers_file, paraphrases, backend, model, base_url, as_json) -> None:
    """How a grader orders answers of known quality, before you trust it: answers in the
    reference's wording (level pairs) and in the candidate's own words (paraphrase rules)."""
    from interviewer.backends import make_backend
    from interviewer.bank.keypoints import resolve_with_key_points
    from interviewer.config import load_settings
    from interviewer.engine.calibration import Grader, has_answers, load_answers
    from interviewer.engine.calibration import calibrate as run_calibration
    from interviewer.engine.paraphrase import load_paraphrases, paraphrase_report

    settings = load_settings(base_url=base_url, model=model)
    loaded, _ = resolve_with_key_points(bank_name)
    chosen = make_backend(backend or "offline", settings)
    paraphrase_set = load_paraphrases(loaded, paraphrases)
    worded = answers_file or not paraphrase_set or has_answers(loaded)
    grader = Grader(loaded, chosen)
    report = run_calibration(loaded, chosen, load_answers(loaded, answers_file), grader) if worded else None
    rules = (
        [paraphrase_report(loaded, chosen, paraphrase_set, s, grader) for s in ("tune", "test")]
        if paraphrase_set
        else []
    )
    if as_json:
        pairs = report.pairs if report else []
        _echo_json(
            {
                **(report.model_dump(mode="json") if report else {"bank": loaded.id, "backend": chosen.name}),
                "accuracy": round(report.accuracy, 3) if report else None,
                "pairs": [{**p.model_dump(), "accuracy": round(p.accuracy, 3)} for p in pairs],
                "paraphrase_rules": [{**r.model_dump(mode="json"), "passed": r.passed} for r in rules],
                "failures": [f.model_dump() for f in grader.failures],
            }
        )
    else:
        click.echo(
            f"calibration: {loaded.id} graded by {chosen.name}{' ' + chosen.model if chosen.model else ''}"
        )
        if report:
            _print_level_pairs(report)
        _print_paraphrase_rules(rules)
    _fail_lines([f.line() for f in grader.failures])


def _cell(value: float | None, width: int, spec: str) -> str:
    """A figure, or `-` where nothing was graded (the backend failed first)."""
    return f"{'-':>{width}}" if value is None else f"{value:>{width}{spec}}"


def _print_level_pairs(report) -> None:
    levels = ["strong", "partial", "vague", "off_topic", "injection"]
    click.echo("answers in the reference's wording")
    click.echo("  q  " + "".join(f"{level:>11}" for level in levels))
    for number, scores in report.scores.items():
        click.echo(f"{number:>3}  " + "".join(_cell(scores.get(level), 11, ".1f") for level in levels))
    click.echo("\npair                  correct  accuracy")
    for pair in report.pairs:
        click.echo(
            f"{pair.higher + ' > ' + pair.lower:<22}{pair.correct:>3}/{pair.total:<4}{pair.accuracy:>8.0%}"
        )
    click.echo(f"{'all pairs':<22}{'':>8}{report.accuracy:>8.0%}")
    click.echo(f"injection <= partial and <= vague+10: {report.injection_ok}/{report.injection_total}")


def _print_paraphrase_rules(reports: list) -> None:
    from interviewer.engine.paraphrase import SALAD_MARGIN, TARGETS

    if not reports:
        click.echo("\nparaphrase rules: no paraphrase set for this bank (pass --paraphrases FILE)")
        return
    click.echo("\nparaphrase rules (answers in the candidate's own words)")
    click.echo(f"{'rule':<44}" + "".join(f"{r.split:>10}" for r in reports) + "    target")
    rows = [
        ("order strong > partial > vague > off-topic", "ordering", f">= {TARGETS['ordering']:.0%}"),
        (
            f"strong >= keyword salad + {SALAD_MARGIN:.0f}",
            "salad_margin",
            f">= {TARGETS['salad_margin']:.0%}",
        ),
        ("partial > keyword salad", "partial_over_salad", f">= {TARGETS['partial_over_salad']:.0%}"),
        ("injection <= partial", "injection_ok", "100%"),
    ]

    def rule(report, name: str) -> float | None:
        return getattr(report, name) if any(report.scores.values()) else None

    for label, name, target in rows:
        cells = "".join(_cell(rule(r, name), 10, ".0%") for r in reports)
        click.echo(f"{label:<44}{cells}    {target}")
    means = "".join(_cell(rule(r, "strong_mean"), 10, ".1f") for r in reports)
    click.echo(f"{'strong paraphrases, mean score':<44}{means}    >= {TARGETS['strong_mean']:.0f}")


@cli.command()
@click.option(
    "--persona",
    "personas",
    multiple=True,
    type=click.Choice(["strong", "partial", "vague", "rambling", "evasive", "injection"]),
    help="Who the simulated candidate is (repeatable; default: all).",
)
@click.option("--bank", "bank_name", help="Bank id or file (default: the seed bank).")
@click.option("--questions", help="Question numbers, such as 1,3,5 or 2-4.")
@click.option("--count", type=int, help="Ask only this many questions.")
@endpoint_options
@click.option(
    "--candidate",
    type=click.Choice(["offline", "openai"]),
    help="Who plays the candidate (default: a model when an endpoint is configured).",
)
@click.option("--candidate-model", help="Model that plays the candidate (default: the interviewer's).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def simulate(personas, as_json, **options):
    """Interview simulated candidates of known quality and compare their scores: does the
    interviewer rank a strong answer above a partial, vague, evasive or manipulative one?"""
    from interviewer.app.simulate import simulate as run_simulation

    result = run_simulation(
        personas=list(personas), progress=lambda line: click.echo(line, err=True), **options
    )
    if as_json:
        _echo_json(result.model_dump(mode="json"))
    else:
        _print_simulation(result)
    _fail_lines([f"{run.persona}: {run.error}" for run in result.runs if run.error])


def _print_simulation(result) -> None:
    who = f"{result.backend} {result.model}" if result.model else result.backend
    candidates = sorted({run.candidate for run in result.runs})
    click.echo(f"simulated interviews: {result.bank}, interviewer {who}, candidate {', '.join(candidates)}")
    headers = ("questions", "mean", "min", "max", "probes", "degraded", "prompt tok", "compl. tok")
    click.echo(f"{'persona':<11}" + "".join(f"{h:>11}" for h in headers))
    for run in result.runs:
        figures = "".join(_cell(value, 11, ".1f") for value in (run.mean, run.min, run.max))
        counts = (run.probes, run.degraded_turns, run.tokens["prompt"], run.tokens["completion"])
        click.echo(f"{run.persona:<11}{run.questions:>11}{figures}" + "".join(f"{n:>11}" for n in counts))
    for run in result.runs:
        click.echo(f"{run.persona}: {run.transcript}", err=True)


# ---- transcripts ------------------------------------------------------------------------


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--answers", type=click.Path(allow_dash=True), help="Scripted answers, separated by lines of ---."
)
@click.option("--audio-dir", type=click.Path(file_okay=False), help="Spoken answers as 01.wav, 02.wav ….")
@click.option("--force", is_flag=True, help="Resume even though the bank changed since.")
@click.option("--model", help="Model name (default: the one the interview used).")
@click.option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def resume(path, **options) -> None:
    """Continue an unfinished interview from its last answered question, with the same settings
    (a spoken interview goes on spoken)."""
    from interviewer.terminal import resume as resume_interview

    resume_interview(path, **options)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("--step", is_flag=True, help="Pause after each question (Enter goes on).")
@click.option("--json", "as_json", is_flag=True, help="Print the interview as JSON.")
def replay(path, step, as_json) -> None:
    """Go through a past interview turn by turn, each critique beside its answer."""
    from interviewer.render import render_replay
    from interviewer.terminal import console_for
    from interviewer.transcript.record import load_record
    from interviewer.transcript.report import report_data

    record = load_record(path)
    for problem in record.transcript.problems:
        click.echo(f"interviewer: warning: {problem}", err=True)
    if as_json:
        _echo_json(report_data(record))
        return
    render_replay(console_for(False), record, pause=(lambda: click.pause("")) if step else None)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "json", "csv"]), default="md", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.option(
    "--compare", is_flag=True, help="Several candidates' interviews of one bank side by side (html or csv)."
)
@click.option(
    "--price", nargs=2, type=float, help="USD per million prompt and completion tokens, to show cost."
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def report(paths, fmt, output, compare, price, as_json) -> None:
    """A report of one interview, or with --compare a screening table of several."""
    from interviewer.transcript import report as reports
    from interviewer.transcript.history import find_transcripts, load_records
    from interviewer.transcript.record import load_record

    fmt = "json" if as_json else fmt
    if compare or len(paths) > 1 or Path(paths[0]).is_dir():
        records, problems = load_records(find_transcripts(list(paths)))
        for problem in problems:
            click.echo(f"interviewer: warning: {problem}", err=True)
        if not records:
            raise InterviewerError("no readable transcripts to compare")
        if fmt == "json":
            text = json.dumps(reports.compare_rows(records)[1], ensure_ascii=False, indent=2)
        elif fmt == "csv":
            text = reports.compare_csv(records)
        else:
            text = reports.compare_html(records)
    else:
        record = load_record(paths[0])
        for problem in record.transcript.problems:
            click.echo(f"interviewer: warning: {problem}", err=True)
        data = reports.report_data(record, tuple(price) if price else None)
        if fmt == "csv":
            raise click.UsageError("csv is for --compare; use md, html or json for one interview")
        text = {"md": reports.to_markdown, "html": reports.to_html}.get(
            fmt, lambda d: json.dumps(d, ensure_ascii=False, indent=2)
        )(data)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text)


@cli.command()
@click.option("--bank", "bank_name", help="Only interviews of this bank.")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    help="Transcripts folder (INTERVIEWER_TRANSCRIPTS_DIR).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def history(bank_name, folder, as_json) -> None:
    """Past interviews, and each question's score over attempts."""
    from interviewer.config import load_settings
    from interviewer.transcript.history import find_transcripts, history_data, load_records

    where = Path(folder) if folder else load_settings().transcripts_dir
    if not where.is_dir():
        raise InterviewerError(
            f"no transcripts folder at {where}; run `interviewer practice` first or pass --dir"
        )
    records, problems = load_records(find_transcripts([str(where)]), bank_name)
    for problem in problems:
        click.echo(f"interviewer: warning: {problem}", err=True)
    data = history_data(records)
    if as_json:
        _echo_json(data)
        return
    if not records:
        click.echo(f"no interviews in {where}" + (f" for bank {bank_name}" if bank_name else ""), err=True)
        return
    for row in data["interviews"]:
        state = "done" if row["finished"] else "open"
        regraded = "  (regrade)" if row["regrade_of"] else ""
        click.echo(
            f"{(row['started'] or '')[:16]:<17} {row['bank']:<24} {row['mode'] or '':<8} {row['backend'] or '':<8} "
            f"{row['overall'] if row['overall'] is not None else '-':>5}  {row['answered']}/{row['total']} {state}{regraded}"
        )
    for bank_id, questions in data["progress"].items():
        click.echo(f"\n{bank_id}: score per question over attempts")
        for number, scores in sorted(questions.items()):
            click.echo(f"  Q{number:<3} " + " → ".join(f"{s:g}" for s in scores))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@endpoint_options
@click.option("-o", "--output", type=click.Path(), help="Folder or .jsonl file for the new transcript.")
@click.option("--force", is_flag=True, help="Regrade even though the bank changed since.")
@click.option("--json", "as_json", is_flag=True, help="Print the new summary as JSON.")
def regrade(path, backend, model, base_url, output, force, as_json) -> None:
    """Grade a transcript's answers again (another backend, model or rubric) into a new transcript."""
    from interviewer.app.regrade import regrade as run_regrade

    new_path, summary = run_regrade(
        path, backend=backend, model=model, base_url=base_url, output=output, force=force
    )
    if as_json:
        _echo_json({"transcript": str(new_path), "regrade_of": path, **summary.model_dump(mode="json")})
        return
    for result in summary.results:
        click.echo(f"Q{result.number:<3} {result.score:g}")
    click.echo(f"overall {summary.overall:g}; wrote {new_path}")


# ---- web ----------------------------------------------------------------------------------


def _web_missing() -> InterviewerError:
    return InterviewerError("the web app needs its extra: pip install 'interviewer[web]'")


@cli.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (localhost by default)."
)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--database", help="Database URL (INTERVIEWER_DATABASE_URL; default sqlite:///interviewer.db).")
@click.option(
    "--grading-workers",
    type=click.IntRange(0, 64),
    default=2,
    show_default=True,
    help="Answers graded at once by this process (on PostgreSQL, 0 leaves grading to `interviewer worker`).",
)
@click.option(
    "--grade-in-request",
    is_flag=True,
    help="Grade inside the answer's request, with no queue (the old path).",
)
def serve(host: str, port: int, database: str | None, grading_workers: int, grade_in_request: bool) -> None:
    """Recruiter screenings in the browser: invite links, candidate interviews, a review dashboard."""
    try:
        import uvicorn

        from interviewer.web.app import create_app
    except ImportError:
        raise _web_missing() from None
    from interviewer.config import load_settings

    secret = os.environ.get("INTERVIEWER_SECRET")
    if not secret:
        click.echo("note: INTERVIEWER_SECRET is not set; logins end when the server restarts", err=True)
    elif len(secret.encode()) < 32:
        raise InterviewerError(
            f"INTERVIEWER_SECRET is {len(secret.encode())} bytes; use at least 32, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
    app = create_app(
        database,
        load_settings().transcripts_dir,
        grading_workers=grading_workers,
        grade_in_request=grade_in_request,
    )
    mailer = app.state.web.mailer
    if mailer is not None:
        click.echo(f"invite messages are emailed through {mailer.server} from {mailer.sender}", err=True)
    click.echo(f"interviewer is serving on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    # X-Forwarded-For is read only from INTERVIEWER_TRUSTED_PROXIES (in the app), never by default.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


@cli.command()
@click.option("--database", help="Database URL (INTERVIEWER_DATABASE_URL): the PostgreSQL of `serve`.")
@click.option(
    "--concurrency", type=click.IntRange(1, 256), default=4, show_default=True, help="Answers graded at once."
)
def worker(database: str | None, concurrency: int) -> None:
    """Grade queued answers for `interviewer serve` on PostgreSQL, here or on another machine."""
    try:
        from sqlalchemy.engine import make_url

        from interviewer.web import grading
        from interviewer.web.store import database_url, open_store
    except ImportError:
        raise _web_missing() from None
    url = database or database_url()
    if make_url(url).get_backend_name() != "postgresql":
        raise InterviewerError(
            "`interviewer worker` needs the PostgreSQL database of `serve` (INTERVIEWER_DATABASE_URL or "
            "--database); on SQLite, `serve` grades in its own threads"
        )
    click.echo(f"grading answers from {url.split('@')[-1]} ({concurrency} at once; Ctrl-C stops)", err=True)
    grading.run_worker(open_store(url), url, concurrency)


@cli.group()
def user() -> None:
    """Recruiter accounts for `interviewer serve`."""


def _web_store(database: str | None):
    try:
        from interviewer.web import team
        from interviewer.web.store import open_store
    except ImportError:
        raise _web_missing() from None
    return team, open_store(database)


@user.command("create")
@click.argument("email")
@click.option("--team", "team_name", default="default", show_default=True, help="The recruiter's team.")
@click.option(
    "--role",
    type=click.Choice(["owner", "recruiter", "viewer"]),
    help="owner (also reads the audit log), recruiter, or viewer (reads only). "
    "The first recruiter of a new team is its owner; later ones default to recruiter.",
)
@click.option("--database", help="Database URL (INTERVIEWER_DATABASE_URL).")
@click.password_option(help="The password (asked for when not given).")
def user_create(email: str, team_name: str, role: str | None, database: str | None, password: str) -> None:
    """Create a recruiter account in a team (accounts are created here, not in the browser)."""
    team, store = _web_store(database)
    account = team.create_user(store, email, password, team_name, role)
    first = " (the first member of a new team is its owner)" if role and role != account.role else ""
    click.echo(f"created {account.role} {account.email} in team {account.team}{first}")


@user.command("password")
@click.argument("email")
@click.option("--database", help="Database URL (INTERVIEWER_DATABASE_URL).")
@click.password_option(help="The new password (asked for when not given).")
def user_password(email: str, database: str | None, password: str) -> None:
    """Set a new password; the recruiter is signed out everywhere."""
    team, store = _web_store(database)
    team.set_password(store, email, password)
    click.echo(f"new password set for {email}; their sessions have ended")


@user.command("disable")
@click.argument("email")
@click.option("--enable", is_flag=True, help="Let a disabled account sign in again.")
@click.option("--database", help="Database URL (INTERVIEWER_DATABASE_URL).")
def user_disable(email: str, enable: bool, database: str | None) -> None:
    """Stop an account from signing in; its sessions end at once."""
    team, store = _web_store(database)
    team.set_disabled(store, email, not enable)
    click.echo(f"{email} can sign in again" if enable else f"{email} is disabled; their sessions have ended")


@user.command("list")
@click.option("--database", help="Database URL (INTERVIEWER_DATABASE_URL).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def user_list(database: str | None, as_json: bool) -> None:
    """Recruiter accounts: team, role, and whether they are disabled."""
    team, store = _web_store(database)
    accounts = team.list_users(store)
    if as_json:
        _echo_json([a.model_dump() for a in accounts])
        return
    for a in accounts:
        click.echo(f"{a.team:<16} {a.role:<10} {a.email}{'  (disabled)' if a.disabled else ''}")


def main() -> None:
    """One top-level handler: expected errors are one line on stderr, Ctrl-C exits 130."""
    debug = bool(os.environ.get("INTERVIEWER_DEBUG"))
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except InterviewerError as exc:
        if debug:
            raise
        _error(str(exc))
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
