"""A bank is parsed once per content: the cache is reused, refreshed and repaired, never trusted
over the file. Behaviour only; the figures are in `bench/big_bank.py`."""

import importlib.util
import pickle
from pathlib import Path

import pytest

from interviewer.bank import loader
from interviewer.bank.importer import import_document
from interviewer.bank.lint import lint_bank
from interviewer.bank.writer import write_bank
from interviewer.errors import BankError

BENCH = Path(__file__).parent.parent / "bench" / "big_bank.py"


@pytest.fixture(scope="module")
def big_bank():
    spec = importlib.util.spec_from_file_location("big_bank", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bank_file(tmp_path, big_bank):
    path = tmp_path / "big.yaml"
    write_bank(big_bank.make_bank(40), path)
    return path


@pytest.fixture
def parses(monkeypatch, tmp_path):
    """Counts the real parses, and starts each test with nothing cached."""
    monkeypatch.setenv("INTERVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(loader, "_memory", type(loader._memory)())
    calls = []
    real = loader.parse_bank

    def counted(text, source):
        calls.append(source)
        return real(text, source)

    monkeypatch.setattr(loader, "parse_bank", counted)
    return calls


def forget_memory():
    """What a new process sees: only the cache folder."""
    loader._memory.clear()


def cache_file(path: Path) -> Path:
    return loader.cache_root() / "banks" / f"{loader.cache_key(path.read_bytes())}.pickle"


def test_an_unchanged_file_is_parsed_once_across_processes(bank_file, parses):
    first = loader.load_bank_file(bank_file)
    assert cache_file(bank_file).is_file()
    forget_memory()
    again = loader.load_bank_file(bank_file)
    assert again == first and len(parses) == 1


def test_an_edited_file_is_read_again(bank_file, parses):
    loader.load_bank_file(bank_file)
    forget_memory()
    text = bank_file.read_text(encoding="utf-8").replace("A big synthetic bank", "An edited bank", 1)
    bank_file.write_text(text, encoding="utf-8")
    assert loader.load_bank_file(bank_file).title == "An edited bank"
    assert len(parses) == 2


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps({"id": "not a bank"})])
def test_a_damaged_cache_entry_is_ignored_and_rebuilt(bank_file, parses, damage):
    expected = loader.load_bank_file(bank_file)
    entry = cache_file(bank_file)
    entry.write_bytes(damage)
    forget_memory()
    assert loader.load_bank_file(bank_file) == expected
    assert len(parses) == 2
    assert pickle.loads(entry.read_bytes()) == expected


def test_each_caller_gets_its_own_bank(bank_file, parses):
    first = loader.load_bank_file(bank_file)
    first.questions[0].text = "changed by one caller"
    first.questions[0].key_points.clear()
    again = loader.load_bank_file(bank_file)
    assert again.questions[0].text != "changed by one caller" and again.questions[0].key_points
    assert len(parses) == 1


def test_errors_are_not_cached(tmp_path, parses):
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(BankError):
            loader.load_bank_file(path)
    assert len(parses) == 2
    assert not list((loader.cache_root() / "banks").glob(f"{loader.cache_key(path.read_bytes())}*"))


def test_a_cache_folder_that_cannot_be_written_only_costs_a_parse(bank_file, parses, monkeypatch, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("INTERVIEWER_CACHE_DIR", str(blocked))
    assert loader.load_bank_file(bank_file).id == "big-bank"


def test_the_old_cache_entries_are_pruned(bank_file, parses, monkeypatch, tmp_path):
    monkeypatch.setattr(loader, "CACHED_BANKS", 2)
    text = bank_file.read_text(encoding="utf-8")
    for edit in range(4):
        bank_file.write_text(text.replace("A big synthetic bank", f"Edit {edit}", 1), encoding="utf-8")
        loader.load_bank_file(bank_file)
    assert len(list((tmp_path / "cache" / "banks").glob("*.pickle"))) == 2


def test_the_benchmark_bank_is_clean_and_imports_from_markdown(tmp_path, big_bank):
    bank = big_bank.make_bank(40)
    path = tmp_path / "big.yaml"
    write_bank(bank, path)
    assert lint_bank(path) == []
    markdown = tmp_path / "big.md"
    markdown.write_text(big_bank.to_markdown(bank), encoding="utf-8")
    imported = import_document(markdown).bank
    assert [q.text for q in imported.questions] == [q.text for q in bank.questions]
