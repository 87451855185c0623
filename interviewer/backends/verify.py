"""A model's verdicts and words, checked before they reach the candidate or the score.

A model can be talked into anything by the answer it grades, and a small one quotes whatever
is at hand. So a "covered" or "partial" verdict counts only when its quote is the candidate's
own text, lies outside anything addressed to the grader, and says something about *that*
point by the same meaning layer the offline grader uses; otherwise it is missing, with a note.
An off-topic answer covers nothing. The model's feedback loses any sentence that repeats
text addressed to the grader, obeys it, or (in an exam) gives the reference away; a question
or probe that states a key point answers itself and is replaced.
"""

from __future__ import annotations

import re
from collections import Counter

from interviewer.engine.critique import PointVerdict, Verdict
from interviewer.engine.ports import Turn
from interviewer.engine.signals import AnswerSignals
from interviewer.errors import TurnDegraded
from interviewer.text.injection import grader_sentences
from interviewer.text.overlap import copied_runs
from interviewer.text.words import Span, normalize, split_sentences

MIN_INVENTED = 2  # invented quotes, a majority of the claims, that make a critique not worth keeping
LEAK_RUN = {"zh": 11, "en": 6}  # longest run shared with the reference that is not a leak: CJK chars, words
QUESTION_END = ("?", "？")
UNTRUSTED_TAG = re.compile(r"<untrusted>\n|\n</untrusted>")
ESCAPED_TAG = re.compile(r"</ (candidate_answer|untrusted)>")  # how the request escapes them
CLAUSE_BREAK = re.compile(r"[，。；！？,.;!?\n]+")
ECHO_RUN = {"zh": 7, "en": 5}  # longest run shared with the instruction that is not an echo
QUESTION_WORD = re.compile(
    r"^\s*(?:how|what|why|which|when|where|who|could|can|would|will|do|does|did|is|are|tell me)\b"
    r"|怎么|如何|为什么|哪些|哪个|什么|多少|是否|能否|能不能|吗|呢",
    re.IGNORECASE,
)


def _span_of(quote: str, answer: str) -> Span | None:
    """Where the quote is in the answer, read without the fences the request put around text
    addressed to the grader (a model may quote them too)."""
    quote = ESCAPED_TAG.sub(r"</\1>", UNTRUSTED_TAG.sub("", quote)).strip().strip("\"'“”「」")
    start = answer.find(quote) if quote else -1
    return Span(start, start + len(quote), quote) if start >= 0 else None


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)


def verify_verdicts(
    turn: Turn, signals: AnswerSignals, verdicts: list[PointVerdict]
) -> tuple[list[PointVerdict], list[str]]:
    """The verdicts that stand, and one note per verdict that did not.

    Raises `TurnDegraded` when most claims quote text that is not in the answer at all: such a
    model is not reading the answer (a small one quotes the key points back), and the offline
    grader is the better judge of this turn."""
    from interviewer.backends.offline.matching import supported_spans  # loads the sentence model

    claimed = [v for v in verdicts if v.verdict != Verdict.missing]
    support = supported_spans(turn.question, signals) if claimed and signals.usable else {}
    notes: list[str] = []
    for verdict in claimed:
        span = _span_of(verdict.evidence, signals.text)
        if not verdict.evidence.strip():
            why = "no quote given"
        elif span is None:
            why = "quote not found in the answer"
        elif _overlaps(span, signals.injected):
            why = "the quote is text addressed to the grader"
        elif "off_topic" in signals.flags:
            why = "the answer is off the question's topic"
        elif not _overlaps(span, support.get(verdict.point_id, [])):
            why = "the quote does not say anything about this point"
        else:
            continue
        notes.append(f"{verdict.point_id}: model said {verdict.verdict.value}, but {why}; counted as missing")
        verdict.verdict, verdict.evidence = Verdict.missing, ""
    invented = sum("quote not found" in note for note in notes)
    if invented >= MIN_INVENTED and invented * 2 > len(claimed):
        raise TurnDegraded(f"{invented} of the model's {len(claimed)} quotes are not in the answer")
    return verdicts, notes


def leaks(text: str, reference: str, chinese: bool) -> bool:
    """Whether `text` repeats a long run of the reference (the answer, given away)."""
    return bool(copied_runs(text, reference, max_cjk=LEAK_RUN["zh"], max_words=LEAK_RUN["en"]))


def loops(text: str) -> bool:
    """Whether a reply says one clause three times or more: a small model stuck in a loop."""
    clauses = Counter(c.strip().lower() for c in CLAUSE_BREAK.split(text) if len(c.strip()) >= 6)
    return any(count >= 3 for count in clauses.values())


def clean_feedback(turn: Turn, signals: AnswerSignals, feedback: str) -> tuple[str, list[str]]:
    """The model's feedback without sentences that echo or obey the grader-directed text, or
    (in an exam) give the reference away."""
    injected = " ".join(s.text for s in signals.injected)
    sentences = split_sentences(feedback)
    obeying = grader_sentences([normalize(s.text, turn.language) for s in sentences])
    if loops(feedback):
        return "", ["feedback dropped: it repeats itself"]
    kept, notes = [], []
    for i, sentence in enumerate(sentences):
        if i in obeying or (injected and copied_runs(sentence.text, injected)):
            notes.append("feedback sentence dropped: it repeats text addressed to the grader")
        elif turn.mode == "exam" and leaks(sentence.text, turn.question.reference, turn.bank.is_chinese):
            notes.append("feedback sentence dropped: it gives the reference away")
        else:
            kept.append(sentence.text)
    joiner = "" if turn.bank.is_chinese else " "
    return joiner.join(kept).strip(), notes


def answers_itself(turn: Turn, text: str) -> bool:
    """Whether a question or probe the model wrote gives the answer: it repeats the reference,
    or a sentence of it (besides the question itself) states a key point."""
    said = text.replace(turn.question.text, " ")
    if leaks(said, turn.question.reference, turn.bank.is_chinese):
        return True
    sentences = [
        s for s in split_sentences(said) if s.text.strip() and not s.text.rstrip().endswith(QUESTION_END)
    ]
    if not sentences:
        return False
    from interviewer.backends.offline.matching import supported_spans

    probe = AnswerSignals(text=said, language=turn.language, sentences=sentences)
    return any(supported_spans(turn.question, probe).values())


def echoes(text: str, instruction: str) -> bool:
    """Whether a reply repeats the instruction it was given (small models do)."""
    return bool(copied_runs(text, instruction, max_cjk=ECHO_RUN["zh"], max_words=ECHO_RUN["en"]))


def is_question(text: str) -> bool:
    """A probe asks something: it ends a sentence with a question mark or opens with a question word."""
    return any(mark in text for mark in QUESTION_END) or bool(QUESTION_WORD.search(text))
