"""Writing banks as files people edit by hand: YAML with long text as block scalars."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import yaml

from interviewer.bank.models import Bank, KeyPoint
from interviewer.errors import BankError


class _BankDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """libyaml's emitter when PyYAML has it (several times faster on big banks), else Python's."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value or len(value) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flow = bool(value) and all(isinstance(v, str) and len(v) < 40 for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_BankDumper.add_representer(str, _str)
_BankDumper.add_representer(list, _list)


def _bank_data(bank: Bank) -> dict:
    data = bank.model_dump(mode="json")
    for question in data["questions"]:
        for point in question["key_points"]:
            if point["weight"] == 1.0:
                del point["weight"]
        if not question["tags"]:
            del question["tags"]
        if not question["incomplete"]:
            del question["incomplete"]
        if not question["follow_ups"]:
            del question["follow_ups"]
    return data


def to_yaml(bank: Bank) -> str:
    return yaml.dump(_bank_data(bank), Dumper=_BankDumper, allow_unicode=True, sort_keys=False, width=1000)


def _point_line(point: KeyPoint) -> str:
    return " :: ".join([point.text, ", ".join(point.keywords), ", ".join(point.synonyms)]).rstrip(": ")


def to_markdown(bank: Bank) -> str:
    parts = [f"# {bank.title}\n"]
    for question in bank.questions:
        parts.append(f"## Question {question.number}: {question.text}\n\n{question.reference}\n")
        if question.key_points:
            parts.append(
                "Key points:\n\n" + "\n".join(f"- {_point_line(p)}" for p in question.key_points) + "\n"
            )
    return "\n".join(parts)


def to_csv(bank: Bank) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "question", "reference", "key_points"])
    for q in bank.questions:
        writer.writerow([q.number, q.text, q.reference, "\n".join(_point_line(p) for p in q.key_points)])
    return out.getvalue()


def to_json(bank: Bank) -> str:
    return json.dumps(_bank_data(bank), ensure_ascii=False, indent=2) + "\n"


FORMATS = {"yaml": to_yaml, "md": to_markdown, "csv": to_csv, "json": to_json}


def write_bank(bank: Bank, path: str | Path, fmt: str = "yaml") -> Path:
    """Written whole or not at all: a temporary file beside the target, then renamed over it."""
    path = Path(path)
    text = FORMATS[fmt](bank)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError as exc:
        if "handle" in locals():
            Path(handle.name).unlink(missing_ok=True)
        raise BankError(
            str(path), f"cannot write the bank there ({exc.strerror}); choose another file with -o"
        ) from None
    return path
