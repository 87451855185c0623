"""What a coach notices in a question or an answer before choosing the next words: is the
question about the candidate's own past (behavioural), and does the answer make a claim it
gives no reason for ("一半一半分", "always cache everything")?"""

from __future__ import annotations

import re

from interviewer.text.words import Span, split_sentences

BEHAVIOURAL = re.compile(
    r"举例|举一个|举个|讲一个|讲讲你|说说你|分享一个|过去|曾经|以往|经历|经验.{0,6}(?:例子|案例)|当时"
    r"|tell me about a time|describe a (?:time|situation)|give (?:me )?an example of (?:a time|when)"
    r"|a time (?:when|you)|have you ever|walk me through a project|in your (?:last|previous) (?:job|role)",
    re.IGNORECASE,
)
CLAIM = re.compile(
    r"一半|各半|五五开|对半|平分|全部|所有的?|一律|一定要|肯定|绝对|永远|从不|\d+(?:\.\d+)?\s*(?:%|％|成|倍)"
    r"|\b(?:always|never|all|every|half|50/50|fifty-fifty)\b|\b\d+(?:\.\d+)?\s*%",
    re.IGNORECASE,
)
REASON = re.compile(
    r"因为|由于|根据|基于|依据|数据|测算|算过|所以|为了|否则|以免|比如|例如"
    r"|\b(?:because|since|based on|according to|data|measured|so that|otherwise|given that|for example)\b",
    re.IGNORECASE,
)


def is_behavioural(question: str) -> bool:
    """Asks for the candidate's own experience: situation, action, result."""
    return bool(BEHAVIOURAL.search(question))


def unsupported_claim(answer: str, sentences: list[Span] | None = None) -> str:
    """The first sentence that asserts an amount or an absolute without any reason, or ""."""
    for sentence in sentences if sentences is not None else split_sentences(answer):
        if CLAIM.search(sentence.text) and not REASON.search(sentence.text):
            return sentence.text.strip().rstrip("。.!！?？；;，,")
    return ""
