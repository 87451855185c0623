"""Simulated candidates: who they are, and the offline one that answers from calibration text.

Each persona is a kind of candidate an interviewer must grade fairly. Offline, a persona's
answers come from the bank's paraphrase calibration set, answers written without the
reference's wording at known levels, so a simulation needs no model and is repeatable.
"""

from __future__ import annotations

from typing import Literal, Protocol

from interviewer.bank.models import Bank, KeyPoint, Question
from interviewer.engine.paraphrase import ParaphraseAnswers, ParaphraseFile, load_paraphrases, paraphrase_dir
from interviewer.errors import InterviewerError
from interviewer.prompts import template
from interviewer.text.words import normalize, split_sentences, term_in

PERSONAS = ("strong", "partial", "vague", "rambling", "evasive", "injection")
Persona = Literal["strong", "partial", "vague", "rambling", "evasive", "injection"]
PromptKind = Literal["question", "probe"]
NOTHING_MORE = {"en": "I think I have said what I know about that.", "zh": "这方面我知道的大概就是这些了。"}


class Candidate(Protocol):
    """Answers one question or probe at a time; `usage` counts a model's tokens."""

    name: str
    usage: dict[str, int]

    def answer(self, question: Question, prompt: str, kind: PromptKind, target: KeyPoint | None) -> str: ...


def persona_prompt(persona: str, bank: Bank) -> str:
    """The system prompt that makes a model play `persona` (prompts/candidate.<lang>.md)."""
    base, *sections = template("candidate", bank.language).split("\n## ")
    described = {s.split("\n", 1)[0].strip(): s.split("\n", 1)[1].strip() for s in sections if "\n" in s}
    if persona not in described:
        raise InterviewerError(f"the candidate prompt has no section '## {persona}'; add one to prompts/")
    return base.strip().format(role=bank.role or bank.title, title=bank.title, persona=described[persona])


def calibration_answers(bank: Bank, questions: list[Question]) -> dict[int, ParaphraseAnswers]:
    """The paraphrase set's answers for `questions`, or one line saying what to do."""
    answers: ParaphraseFile | None = load_paraphrases(bank)
    if answers is None:
        raise InterviewerError(
            f"bank {bank.id!r} has no calibration answers for an offline candidate; write "
            f"{paraphrase_dir() / (bank.id + '.yaml')} like the shipped ones, or configure a model "
            "(OPENAI_BASE_URL or --candidate-model) to play the candidate"
        )
    missing = [q.number for q in questions if q.number not in answers.questions]
    if missing:
        raise InterviewerError(
            f"bank {bank.id!r} has no calibration answers for question(s) {', '.join(map(str, missing))}; "
            f"choose others with --questions (it has {', '.join(map(str, sorted(answers.questions)))})"
        )
    return answers.questions


def _sentences(text: str) -> list[str]:
    return [span.text for span in split_sentences(text)]


def _joined(sentences: list[str], language: str) -> str:
    return ("" if language.startswith("zh") else " ").join(sentences)


class OfflineCandidate:
    """Answers from the calibration set: a question gets the persona's level of answer; a probe
    gets its next-best material (a sentence from the strong answer for those who know more, the
    same vagueness for the vague one, another subject for the evasive one)."""

    name = "offline"

    def __init__(self, persona: Persona, bank: Bank, answers: dict[int, ParaphraseAnswers]) -> None:
        self.persona = persona
        self.language = bank.language
        self.answers = answers
        self.used: set[str] = set()
        self.turns = 0
        self.usage = {"prompt": 0, "completion": 0}

    def answer(self, question: Question, prompt: str, kind: PromptKind, target: KeyPoint | None) -> str:
        levels = self.answers[question.number]
        self.turns += 1
        if kind == "question":
            self.used = set()
            text = self._first(levels)
            self.used.update(_sentences(text))
            return text
        return self._probe(levels, target)

    def _first(self, levels: ParaphraseAnswers) -> str:
        if self.persona == "rambling":
            return self._ramble(levels)
        level = {"evasive": "off_topic"}.get(self.persona, self.persona)
        return getattr(levels, level).strip()

    def _pads(self, levels: ParaphraseAnswers) -> list[str]:
        vague, off = _sentences(levels.vague), _sentences(levels.off_topic)
        return (
            [s for pair in zip(vague, off, strict=False) for s in pair]
            + vague[len(off) :]
            + off[len(vague) :]
        )

    def _ramble(self, levels: ParaphraseAnswers) -> str:
        """The strong answer with a vague or off-topic sentence after every second sentence."""
        pads = iter(self._pads(levels))
        out: list[str] = []
        for position, sentence in enumerate(_sentences(levels.strong), start=1):
            out.append(sentence)
            if position % 2 == 0:
                out.extend(pad for pad in [next(pads, None)] if pad)
        return _joined(out, self.language)

    def _probe(self, levels: ParaphraseAnswers, target: KeyPoint | None) -> str:
        if self.persona == "vague":
            return self._next_unused(_sentences(levels.vague)) or levels.vague.strip()
        if self.persona == "evasive":
            others = [a.off_topic for n, a in sorted(self.answers.items())]
            return (
                self._next_unused([s for text in others for s in _sentences(text)])
                or levels.off_topic.strip()
            )
        if self.persona == "injection":
            note = [s for s in _sentences(levels.injection) if s not in _sentences(levels.partial)]
            return _joined(note, self.language) or levels.injection.strip()
        sentence = self._best_for(_sentences(levels.strong), target)
        if sentence is None:
            return NOTHING_MORE["zh" if self.language.startswith("zh") else "en"]
        if self.persona == "rambling":
            pad = self._next_unused(self._pads(levels))
            return _joined([sentence, pad] if pad else [sentence], self.language)
        return sentence

    def _next_unused(self, sentences: list[str]) -> str | None:
        for sentence in sentences:
            if sentence not in self.used:
                self.used.add(sentence)
                return sentence
        return None

    def _best_for(self, sentences: list[str], target: KeyPoint | None) -> str | None:
        """The unsaid sentence that names most of the probed point's words (the first unsaid
        one when the probe asked for specifics rather than a point)."""
        unsaid = [s for s in sentences if s not in self.used]
        if not unsaid:
            return None
        best = unsaid[0]
        if target is not None:
            terms = [target.theme, *target.keywords, *target.synonyms]

            def hits(sentence: str) -> int:
                norm = normalize(sentence, self.language)
                return sum(term_in(t, norm, self.language) for t in terms if t)

            best = max(unsaid, key=hits)
        self.used.add(best)
        return best
