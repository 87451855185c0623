"""Question banks kept as tables (CSV) or as data (JSON, YAML), read the way people write them.

Spreadsheets name their columns in many ways and in two languages, pad cells with spaces, repeat
the header mid-file, continue an answer on the next row and paste the same row twice; data files
come as a list, as an object with a `questions` list, as our own bank export, as a quiz with
options, or with the points a good answer makes under some other key. Each becomes `Draft`s,
and every guess or repair becomes a `Finding` the user sees.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field

import yaml
from pydantic import ValidationError

from interviewer.bank.clean import Finding
from interviewer.bank.drafts import Draft, Found, key_points_from_lines, split_words
from interviewer.bank.models import KeyPoint
from interviewer.errors import BankError
from interviewer.text import yamltext
from interviewer.text.chinese import is_common_hanzi

# Each role's names, strongest first: when two columns claim a role, the stronger name wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "question": ("question", "questions", "prompt", "q", "问题", "题目", "問題", "題目", "text"),
    "answer": (
        "answer",
        "answers",
        "reference",
        "reference answer",
        "ideal answer",
        "参考答案",
        "參考答案",
        "答案",
        "回答",
        "a",
    ),
    "key_points": (
        "key points",
        "key concepts",
        "required concepts",
        "good to hear",
        "要点",
        "要點",
    ),
    "keywords": ("keywords", "关键词", "關鍵詞"),
    "tags": ("category", "categories", "tag", "tags", "topic", "分类", "类别"),
    "number": ("number", "no", "#", "question number", "编号"),
    "follow_ups": ("follow", "follow up", "follow ups"),
}
META_KEYS = ("title", "id", "language", "role", "source", "version")
IGNORED_KEYS = frozenset({"id", "incomplete"})  # our own export's: derived again on import
POINT_KEYS = ("id", "text", "theme", "keywords", "synonyms", "weight")
CODE_BLOCK_KEYS = {"questionCodeBlocks": "question", "answerCodeBlocks": "reference"}
DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_CHARS = 32_000
MAX_LABEL = 40  # characters: a longer first cell is content, never a column name
JSON_SPACE = re.compile(r"[ \t\n\r]*")


def normalise(name: str) -> str:
    """`Key_Points`, `key points`, `keyPoints` and `Question |` all compare equal."""
    return re.sub(r"[\s_\-|:：.]+", "", str(name).strip().lower())


ROLE_OF: dict[str, tuple[str, int]] = {
    normalise(alias): (role, rank) for role, names in ALIASES.items() for rank, alias in enumerate(names)
}


@dataclass
class _Entry:
    """One question as read, before numbering: key points stay plain dicts until the number
    that prefixes their ids is known."""

    line: int
    question: str
    reference: str = ""
    points: list[dict] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)
    number: str = ""


# ---------------------------------------------------------------- decoding


def decode(raw: bytes, source: str) -> tuple[str, str]:
    """The text and the encoding used: UTF-8, else GB18030, else Windows-1252.

    GB18030 decodes almost any byte string, so a Windows-1252 file (`unique\\x97a`) comes out as
    rare characters; it is accepted only when most of what it gives is everyday Chinese."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    gb = _try_decode(raw, "gb18030")
    if gb is not None and _reads_as_chinese(gb):
        return gb, "gb18030"
    western = _try_decode(raw, "cp1252")
    if western is not None:
        return western, "cp1252"
    if gb is not None:
        return gb, "gb18030"
    raise BankError(source, "cannot decode the file as UTF-8, GB18030 or Windows-1252; save it as UTF-8")


def _try_decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _reads_as_chinese(text: str) -> bool:
    counts = Counter(c for c in text if ord(c) > 127)
    common = sum(n for c, n in counts.items() if is_common_hanzi(c))
    return common * 2 >= sum(counts.values())


# ---------------------------------------------------------------- CSV


@dataclass
class _Columns:
    """Which column plays which role; `names` are the header cells, or `column N` without one."""

    names: list[str]
    roles: dict[str, int]
    has_header: bool


def from_csv(
    text: str,
    source: str,
    question_col: str | int | None = None,
    answer_col: str | int | None = None,
    *,
    merge_duplicates: bool = False,
) -> Found:
    """Questions from a spreadsheet export; the columns are found by name, in English or Chinese,
    or given by name or 1-based position."""
    findings: list[Finding] = []
    text = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(text)
    rows = _read_rows(text, delimiter, findings)
    start = next((i for i, (_, row) in enumerate(rows) if any(c.strip() for c in row)), None)
    if start is None:
        raise BankError(source, "the CSV file has no rows; put one question per row")
    first_line, first = rows[start]
    header = _is_header(first, text, question_col, answer_col)
    width = len(first) if header else max(len(row) for _, row in rows)
    names = [c.strip() for c in first] if header else [f"column {i + 1}" for i in range(width)]
    columns = _Columns(names, _assign_roles(names if header else []), header)
    _apply_overrides(columns, question_col, answer_col, source)
    _default_roles(columns, first_line, first, findings)
    body = rows[start + 1 :] if header else rows[start:]
    entries = _entries_from_rows(body, columns, findings)
    drafts, duplicates = _finish(entries, findings, source, merge_duplicates)
    if not drafts:
        raise BankError(
            source,
            f"no row has a question in column {_name(columns, 'question')!r}; put one question per row there",
        )
    unused = _report_unused(columns, first_line, findings)
    return Found(
        drafts=drafts,
        findings=findings,
        summary=_csv_summary(len(drafts), columns, delimiter, duplicates, merge_duplicates, unused),
    )


def _sniff_delimiter(text: str) -> str:
    """Only the delimiter is taken from `csv.Sniffer`: its quote guess reads the apostrophes in
    `['Sure, here's …']` as quotes, while spreadsheets always quote with `"`."""
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return csv.excel.delimiter


def _read_rows(text: str, delimiter: str, findings: list[Finding]) -> list[tuple[int, list[str]]]:
    """Each record with the line it starts on. A strict read first, so that a quote never closed
    is reported with its line; then, if needed, the tolerant read that the import uses."""
    rows: list[tuple[int, list[str]]] = []
    reader = _reader(text, delimiter, strict=True)
    line = 1
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
        return rows
    except csv.Error as exc:
        unclosed = "end of data" in str(exc)
        note = (
            "a quoted cell is never closed, so the rest of the file was read into it; add the closing quote"
            if unclosed
            else f"CSV quoting problem ({exc}); the row is read as well as possible"
        )
        kind = "truncated" if unclosed else "structure"
        findings.append(Finding(line=line, kind=kind, original=str(exc), note=note))
    rows, line = [], 1
    reader = _reader(text, delimiter, strict=False)
    for row in reader:
        rows.append((line, row))
        line = reader.line_num + 1
    return rows


def _reader(text: str, delimiter: str, *, strict: bool):
    return csv.reader(
        io.StringIO(text, newline=""),
        dialect="excel",
        delimiter=delimiter,
        skipinitialspace=True,
        strict=strict,
    )


def _is_header(
    first: list[str], text: str, question_col: str | int | None, answer_col: str | int | None
) -> bool:
    """A known column name, a column the caller names, or what `csv.Sniffer` believes of a row
    that reads as labels: the Sniffer only sees that the first row's cell lengths differ from
    the rest, which in a small file is as true of a first question as of a header."""
    names = {normalise(c) for c in first}
    if names & set(ROLE_OF):
        return True
    if any(
        isinstance(c, str) and not c.isdigit() and normalise(c) in names for c in (question_col, answer_col)
    ):
        return True
    cells = [c.strip() for c in first]
    if not all(0 < len(c) <= MAX_LABEL and c[-1] not in "?？" and not c.isdigit() for c in cells):
        return False
    try:
        return csv.Sniffer().has_header(text[:SAMPLE_CHARS])
    except csv.Error:
        return False


def _assign_roles(names: list[str]) -> dict[str, int]:
    best: dict[str, tuple[int, int]] = {}
    for index, name in enumerate(names):
        role, rank = ROLE_OF.get(normalise(name), (None, 0))
        if role and (role not in best or rank < best[role][0]):
            best[role] = (rank, index)
    roles = {role: index for role, (_, index) in best.items()}
    if "key_points" in roles:
        roles.pop("keywords", None)  # keywords make key points only where there are none
    return roles


def _apply_overrides(
    columns: _Columns, question_col: str | int | None, answer_col: str | int | None, source: str
) -> None:
    for role, spec in (("question", question_col), ("answer", answer_col)):
        if spec is None:
            continue
        index = _column_index(spec, columns, source)
        columns.roles = {r: i for r, i in columns.roles.items() if i != index}
        columns.roles[role] = index


def _column_index(spec: str | int, columns: _Columns, source: str) -> int:
    listed = ", ".join(
        f"{i + 1} {n!r}" if columns.has_header else str(i + 1) for i, n in enumerate(columns.names)
    )
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec) - 1
        if 0 <= index < len(columns.names):
            return index
        raise BankError(source, f"there is no column {spec}; the columns are {listed}")
    if not columns.has_header:
        raise BankError(source, f"the file has no header row, so give column {spec!r} by position: {listed}")
    wanted = normalise(spec)
    for index, name in enumerate(columns.names):
        if normalise(name) == wanted:
            return index
    raise BankError(source, f"there is no column named {spec!r}; use one of {listed}")


def _default_roles(columns: _Columns, line: int, first: list[str], findings: list[Finding]) -> None:
    """Without a header the first column asks and the second answers; with a header whose names
    say neither, the first free columns are read that way, and the user is told."""
    for role in ("question", "answer"):
        if role in columns.roles:
            continue
        free = [i for i in range(len(columns.names)) if i not in columns.roles.values()]
        if not free:
            continue
        columns.roles[role] = free[0]
        if columns.has_header:
            note = f"no column is named like the {role}s; column {columns.names[free[0]]!r} is read as the {role}"
            findings.append(Finding(line=line, kind="column", original=columns.names[free[0]], note=note))
    if not columns.has_header:
        note = "no header row: the first column is read as the question, the second as the answer"
        findings.append(Finding(line=line, kind="structure", original=_shown(first), note=note))


def _name(columns: _Columns, role: str) -> str:
    return columns.names[columns.roles[role]] if role in columns.roles else ""


def _entries_from_rows(
    rows: list[tuple[int, list[str]]], columns: _Columns, findings: list[Finding]
) -> list[_Entry]:
    entries: list[_Entry] = []
    lists = []
    for line, row in rows:
        cells = [c.replace("\r\n", "\n").strip() for c in row]
        if not any(cells):
            continue
        if columns.has_header and _repeats_header(cells, columns):
            findings.append(
                Finding(line=line, kind="structure", original=_shown(row), note="the header again; skipped")
            )
            continue
        if len(cells) > len(columns.names) and any(cells[len(columns.names) :]):
            note = (
                f"{len(cells)} cells where the header has {len(columns.names)}; the extra cells are not used"
            )
            findings.append(Finding(line=line, kind="structure", original=_shown(row), note=note))
        entry = _entry_from_cells(line, cells, columns)
        if entry.reference.startswith("[") and (as_list := _python_list(entry.reference)) is not None:
            lists.append((line, entry.reference))
            entry.reference = as_list
        if entry.question:
            entries.append(entry)
        elif entry.reference and entries:
            entries[-1].reference += "\n" + entry.reference
            note = f"no question: continues the answer on line {entries[-1].line}; appended to it"
            findings.append(Finding(line=line, kind="structure", original=entry.reference[:80], note=note))
        else:
            note = "a row without a question or an answer; skipped"
            findings.append(Finding(line=line, kind="empty", original=_shown(row), note=note))
    if lists:
        note = f"{len(lists)} answers written as Python lists of strings; their items joined as lines"
        findings.append(Finding(line=lists[0][0], kind="structure", original=lists[0][1][:80], note=note))
    return entries


def _repeats_header(cells: list[str], columns: _Columns) -> bool:
    """`Question |,Answer` mid-file: the question cell, and the answer cell when filled, are
    that column's header or another name for its role."""
    for role in ("question", "answer"):
        index = columns.roles.get(role)
        if index is None:
            continue
        cell = normalise(cells[index]) if index < len(cells) else ""
        if role == "answer" and not cell:
            continue
        if cell != normalise(columns.names[index]) and ROLE_OF.get(cell, ("",))[0] != role:
            return False
    return True


def _entry_from_cells(line: int, cells: list[str], columns: _Columns) -> _Entry:
    def cell(role: str) -> str:
        index = columns.roles.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    points = [
        p.model_dump(exclude={"id"}) for p in key_points_from_lines(cell("key_points").splitlines(), "q")
    ]
    points += [{"text": word, "keywords": [word]} for word in split_words(cell("keywords"))]
    return _Entry(
        line=line,
        question=cell("question"),
        reference=cell("answer"),
        points=points,
        tags=split_words(cell("tags")),
        follow_ups=[f.strip() for f in cell("follow_ups").splitlines() if f.strip()],
        number=cell("number"),
    )


def _shown(row: list[str]) -> str:
    """A row as a finding quotes it: padding collapsed, cut short."""
    return " ".join(",".join(row).split())[:80]


def _python_list(cell: str) -> str | None:
    """`['Sure, here is …', '**Variable:**', …]`, as some datasets store an answer, as lines."""
    if not cell.endswith("]"):
        return None
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return None
    return "\n".join(v.strip() for v in value if v.strip())


def _report_unused(columns: _Columns, line: int, findings: list[Finding]) -> list[str]:
    used = set(columns.roles.values())
    unused = [name for i, name in enumerate(columns.names) if i not in used]
    for name in unused:
        label = f"column {name!r}" if columns.has_header else name
        findings.append(Finding(line=line, kind="column", original=name, note=f"{label} not used"))
    return unused


def _csv_summary(
    count: int, columns: _Columns, delimiter: str, duplicates: int, merged: bool, unused: list[str]
) -> str:
    question, answer = _name(columns, "question"), _name(columns, "answer")
    if not columns.has_header:
        question, answer = question.removeprefix("column "), answer.removeprefix("column ")
    where = f"the columns {question} and {answer}" if answer else f"the column {question}"
    kind = DELIMITER_NAMES.get(delimiter, repr(delimiter))
    parts = [f"{_count(count, 'question')} from {where} (CSV, {kind}-separated)"]
    if not columns.has_header:
        parts.append("no header row")
    parts += _common_summary(duplicates, merged, "row")
    if unused:
        parts.append("columns not used: " + ", ".join(unused))
    return "; ".join(parts)


# ---------------------------------------------------------------- JSON and YAML


def from_json(text: str, source: str, *, merge_duplicates: bool = False) -> Found:
    """Questions from JSON: a list of questions, or an object with a `questions` list."""
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON ({exc.msg} at column {exc.colno}); correct the file there and import again"
        raise BankError(source, message, exc.lineno) from None
    key = _questions_key(data)
    lines = _json_item_lines(text, key) if isinstance(data, list) or key else []
    return _from_data(data, lines, source, "JSON", merge_duplicates)


def from_yaml(text: str, source: str, *, merge_duplicates: bool = False) -> Found:
    """Questions from YAML, shaped as for JSON; certification quizzes with options included."""
    loader = yamltext.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        message = f"not valid YAML ({problem}); check the indentation and quoting there and import again"
        raise BankError(source, message, mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    return _from_data(data, _yaml_item_lines(node), source, "YAML", merge_duplicates)


def _questions_key(data: object) -> str | None:
    if isinstance(data, dict):
        return next((k for k in data if normalise(k) == "questions" and isinstance(data[k], list)), None)
    return None


def _json_item_lines(text: str, key: str | None) -> list[int]:
    """The line each question starts on, for findings: `json` gives values, not positions, so
    the already valid text is walked again with `raw_decode`."""
    decoder = json.JSONDecoder()
    pos = JSON_SPACE.match(text).end()
    if key is not None:
        pos = JSON_SPACE.match(text, pos + 1).end()
        while True:
            name, pos = decoder.raw_decode(text, pos)
            pos = JSON_SPACE.match(text, JSON_SPACE.match(text, pos).end() + 1).end()
            if name == key:
                break
            _, pos = decoder.raw_decode(text, pos)
            pos = JSON_SPACE.match(text, JSON_SPACE.match(text, pos).end() + 1).end()
    lines, line, last = [], 1, 0
    pos = JSON_SPACE.match(text, pos + 1).end()
    while text[pos] != "]":
        line += text.count("\n", last, pos)
        lines.append(line)
        last = pos
        _, pos = decoder.raw_decode(text, pos)
        pos = JSON_SPACE.match(text, pos).end()
        if text[pos] == ",":
            pos = JSON_SPACE.match(text, pos + 1).end()
    return lines


def _yaml_item_lines(node: yaml.Node | None) -> list[int]:
    if isinstance(node, yaml.MappingNode):
        node = next(
            (
                v
                for k, v in node.value
                if normalise(k.value) == "questions" and isinstance(v, yaml.SequenceNode)
            ),
            None,
        )
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []


@dataclass
class _Keys:
    """The keys met in the items, for the summary and for one `column` finding per unused key."""

    used: dict[str, dict[str, None]] = field(default_factory=dict)  # role: its keys, in order met
    unused: dict[str, int] = field(default_factory=dict)  # key: the line it was first met on

    def use(self, role: str, key: str) -> None:
        self.used.setdefault(role, {})[key] = None

    def named(self, role: str) -> str:
        return "/".join(self.used[role]) if role in self.used else ""


def _from_data(data: object, lines: list[int], source: str, kind: str, merge: bool) -> Found:
    findings: list[Finding] = []
    keys = _Keys()
    items, meta, bank_tags, shape = _split_top(data, source, keys)
    entries = []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 0
        entry = _entry_from_item(item, line, keys, findings)
        if entry.question:
            entry.tags = list(dict.fromkeys([*entry.tags, *bank_tags]))
            entries.append(entry)
        else:
            note = f"item {index + 1} has no question; skipped"
            findings.append(Finding(line=line or 1, kind="empty", original=str(item)[:80], note=note))
    drafts, duplicates = _finish(entries, findings, source, merge)
    if not drafts:
        raise BankError(source, f"no questions found: give each item a 'question' (or {_names('question')})")
    for key, line in keys.unused.items():
        findings.append(Finding(line=line or 1, kind="column", original=key, note=f"key {key!r} not used"))
    return Found(
        drafts=drafts,
        meta=meta,
        findings=findings,
        summary=_data_summary(len(drafts), keys, kind, shape, duplicates, merge),
        title=str(meta.get("title", "")),
    )


def _split_top(data: object, source: str, keys: _Keys) -> tuple[list, dict, list[str], str]:
    """The items, the bank's own metadata, the tags every question gets, and the shape's name."""
    if isinstance(data, list):
        return data, {}, [], "a list of questions"
    groups = {k: v for k, v in data.items() if k not in META_KEYS} if isinstance(data, dict) else {}
    if groups and _questions_key(data) is None and all(isinstance(v, list) for v in groups.values()):
        items = [  # {"java-集合": ["…?", …], …}: each key is the category of its questions
            {**item, "category": item.get("category", name)}
            if isinstance(item, dict)
            else {"question": item, "category": name}
            for name, value in groups.items()
            for item in value
        ]
        meta = {k: v for k, v in data.items() if k in META_KEYS}
        return items, meta, [], f"an object of {len(groups)} categories, each a list"
    if not isinstance(data, dict) or (key := _questions_key(data)) is None:
        found = ", ".join(map(str, data)) if isinstance(data, dict) else type(data).__name__
        found = "nothing" if data is None else found
        raise BankError(
            source,
            f"found no questions (top level: {found}); make the file a list of questions, "
            "or put them in a 'questions' list",
        )
    meta = {k: v for k, v in data.items() if k in META_KEYS}
    tags: list[str] = []
    for name, value in data.items():
        if ROLE_OF.get(normalise(name), ("",))[0] == "tags":
            tags += _strings(value)
        elif name != key and name not in META_KEYS:
            keys.unused.setdefault(str(name), 1)
    return data[key], meta, tags, f"an object with a {key!r} list"


def _entry_from_item(item: object, line: int, keys: _Keys, findings: list[Finding]) -> _Entry:
    if not isinstance(item, dict):
        return _Entry(line=line, question=_text(item))
    chosen: dict[str, tuple[int, str]] = {}
    for name, value in item.items():
        if name in CODE_BLOCK_KEYS:
            continue
        role, rank = ROLE_OF.get(normalise(name), (None, 0))
        if role is None:
            if name not in IGNORED_KEYS:
                keys.unused.setdefault(str(name), line)
        elif value not in (None, "", []) and (role not in chosen or rank < chosen[role][0]):
            chosen[role] = (rank, name)
    for role, (_, name) in chosen.items():
        keys.use(role, str(name))
    value = {role: item[name] for role, (_, name) in chosen.items()}
    entry = _Entry(
        line=line,
        question=_text(value.get("question", "")),
        reference=_text(value.get("answer", "")),
        points=_points(value.get("key_points"), keys) or _keyword_points(value.get("keywords")),
        tags=_strings(value.get("tags")),
        follow_ups=[
            _text(f.get("question") or f.get("text") if isinstance(f, dict) else f)
            for f in _items(value.get("follow_ups"))
        ],
        number=str(value.get("number", "")),
    )
    _add_code_blocks(entry, item)
    if _is_options(value.get("answer")):
        _options(entry, value["answer"], findings)
    return entry


def _items(value: object) -> list:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: object) -> list[str]:
    return [t for v in _items(value) for t in (split_words(v) if isinstance(v, str) else [str(v)])]


def _text(value: object) -> str:
    """A string, or a list of paragraphs joined with blank lines."""
    if isinstance(value, list):
        return "\n\n".join(_text(v) for v in value if not isinstance(v, dict)).strip()
    return "" if value is None else str(value).strip()


def _add_code_blocks(entry: _Entry, item: dict) -> None:
    """30-seconds-of-interviews lists the code of a question or answer separately; it is added
    where the text does not already show it."""
    for key, attr in CODE_BLOCK_KEYS.items():
        for block in _items(item.get(key)):
            text = getattr(entry, attr)
            if isinstance(block, str) and block.strip() and block.strip() not in text:
                setattr(entry, attr, f"{text}\n\n{block.strip()}".strip())


def _is_options(value: object) -> bool:
    return (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "value" in v for v in value)
    )


def _options(entry: _Entry, options: list[dict], findings: list[Finding]) -> None:
    """A quiz (`answers: [{value, correct}]`): the options are part of the question, and the
    reference is the correct one, or each correct one on its own line."""
    values = [str(o["value"]).strip() for o in options]
    entry.question = entry.question + "\n\n" + "\n".join(f"- {v}" for v in values)
    entry.reference = "\n".join(v for v, o in zip(values, options, strict=True) if o.get("correct") is True)
    if not entry.reference:
        note = "no option is marked correct: the question has no reference"
        findings.append(Finding(line=entry.line or 1, kind="empty", original=values[0][:80], note=note))


def _points(value: object, keys: _Keys) -> list[dict]:
    """Key points as strings (`text :: keywords :: synonyms` allowed) or as mappings."""
    points = []
    for item in _items(value):
        if isinstance(item, dict):
            for name in item:
                if name not in POINT_KEYS:
                    keys.unused.setdefault(f"key point {name}", 0)
            point = {k: item[k] for k in POINT_KEYS if k in item}
            for words in ("keywords", "synonyms"):
                if isinstance(point.get(words), str):
                    point[words] = split_words(point[words])
            points.append(point)
        elif _text(item):
            points += [
                p.model_dump(exclude={"id"}) for p in key_points_from_lines(_text(item).splitlines(), "q")
            ]
    return points


def _keyword_points(value: object) -> list[dict]:
    return [{"text": word, "keywords": [word]} for word in _strings(value)]


def _data_summary(count: int, keys: _Keys, kind: str, shape: str, duplicates: int, merged: bool) -> str:
    where = f"the keys {keys.named('question')} and {keys.named('answer')}"
    if "answer" not in keys.used:
        where = f"the key {keys.named('question')}"
    parts = [f"{_count(count, 'question')} from {where} ({kind}, {shape})"]
    if "key_points" in keys.used or "keywords" in keys.used:
        parts.append("key points from " + (keys.named("key_points") or keys.named("keywords")))
    parts += _common_summary(duplicates, merged, "question")
    unused = [k for k in keys.unused if not k.startswith("key point ")]
    if unused:
        parts.append("keys not used: " + ", ".join(unused))
    return "; ".join(parts)


# ---------------------------------------------------------------- shared


def _finish(
    entries: list[_Entry], findings: list[Finding], source: str, merge: bool
) -> tuple[list[Draft], int]:
    """Duplicates reported (and dropped when merging), numbers given, key points built."""
    first_seen: dict[str, _Entry] = {}
    kept = []
    duplicates = 0
    for entry in entries:
        key = " ".join(entry.question.split()).casefold()
        first = first_seen.setdefault(key, entry)
        if first is not entry:
            duplicates += 1
            note = f"same question as line {first.line}" + ("; dropped" if merge else "")
            findings.append(
                Finding(line=entry.line or 1, kind="duplicate", original=entry.question[:80], note=note)
            )
            if merge:
                continue
        kept.append(entry)
    numbers = _numbers(kept, findings)
    return [_draft(entry, number, source) for entry, number in zip(kept, numbers, strict=True)], duplicates


def _numbers(entries: list[_Entry], findings: list[Finding]) -> list[int]:
    """The file's own numbers when every question has one and none repeats, else positions."""
    written = [e.number.strip() for e in entries]
    if all(n.isdigit() and int(n) > 0 for n in written) and len({int(n) for n in written}) == len(written):
        return [int(n) for n in written]
    if any(written):
        bad = next(
            e for e, n in zip(entries, written, strict=True) if not n.isdigit() or written.count(n) > 1
        )
        note = "question numbers are missing, not numbers, or repeated; questions are numbered by position"
        findings.append(
            Finding(line=bad.line or 1, kind="structure", original=bad.number or "(none)", note=note)
        )
    return list(range(1, len(entries) + 1))


def _draft(entry: _Entry, number: int, source: str) -> Draft:
    points = []
    for index, spec in enumerate(entry.points, start=1):
        try:
            points.append(KeyPoint.model_validate({"id": f"q{number}-k{index}", **spec}))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(map(str, error["loc"]))
            message = f"question {number}, key point {index}: {where}: {error['msg']}; correct it or remove the point"
            raise BankError(source, message, entry.line or None) from None
    return Draft(
        number=number,
        text=entry.question,
        reference=entry.reference,
        key_points=points,
        line=entry.line,
        tags=entry.tags,
        follow_ups=entry.follow_ups,
    )


def _common_summary(duplicates: int, merged: bool, unit: str) -> list[str]:
    if not duplicates:
        return []
    return [f"{_count(duplicates, 'duplicate ' + unit)} {'merged' if merged else 'reported'}"]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _names(role: str) -> str:
    return ", ".join(repr(a) for a in ALIASES[role][1:])
