"""A fake OpenAI-compatible API at the HTTP transport (respx), with a history of requests."""

from __future__ import annotations

import json
import re

import httpx

BASE_URL = "http://llm.test/v1"
FAKE_KEY = "sk-test-FAKEKEY0123456789abcdefXYZ"
USAGE = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}


def sse(text: str, usage: dict | None = USAGE) -> httpx.Response:
    pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
    lines = []
    for piece in pieces:
        chunk = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "fake",
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        lines.append(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n")
    if usage:
        final = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "fake",
            "choices": [],
            "usage": usage,
        }
        lines.append(f"data: {json.dumps(final)}\n\n")
    lines.append("data: [DONE]\n\n")
    return httpx.Response(200, text="".join(lines), headers={"content-type": "text/event-stream"})


def completion(content: str, finish_reason: str = "stop") -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "c2",
            "object": "chat.completion",
            "created": 0,
            "model": "fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": USAGE,
        },
    )


def _all(body: dict) -> str:
    return "\n".join(m["content"] for m in body["messages"])


def answer_of(body: dict) -> str:
    content = body["messages"][-1]["content"]
    match = re.search(r"<candidate_answer>\n(.*)\n</candidate_answer>", content, re.DOTALL)
    return match.group(1) if match else ""


def point_ids(body: dict) -> list[str]:
    content = _all(body)
    match = re.search(r"<key_points>\n(.*?)\n</key_points>", content, re.DOTALL)
    return [p["id"] for p in json.loads(match.group(1))] if match else []


def honest_critique(body: dict) -> dict:
    """Covers the first key point with the answer's first sentence, misses the rest."""
    answer = answer_of(body)
    first = re.split(r"(?<=[.。!?！？])\s*", answer.strip())[0]
    ids = point_ids(body)
    return {
        "points": [
            {
                "point_id": pid,
                "verdict": "covered" if i == 0 else "missing",
                "evidence": first if i == 0 else "",
                "suggestion": "Say more.",
            }
            for i, pid in enumerate(ids)
        ],
        "feedback": "Clear start; cover the other points.",
    }


class FakeChat:
    """Routes every request by its shape: streamed text for asking and probing, JSON for critiques."""

    def __init__(self, critique=honest_critique, question_text: str = "Here is the next question.") -> None:
        self.critique = critique
        self.question_text = question_text
        self.bodies: list[dict] = []
        self.headers: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        self.headers.append(dict(request.headers))
        if body.get("stream"):
            prompt = body["messages"][-1]["content"]
            question = re.search(r"<question>\n(.*?)\n</question>", _all(body), re.DOTALL)
            if "<candidate_answer>" in prompt:
                return sse("Could you say more about that part?")
            return sse(f"{self.question_text} {question.group(1) if question else ''}")
        reply = self.critique(body)
        return completion(reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False))

    def of_kind(self, kind: str) -> list[dict]:
        if kind == "critique":
            return [b for b in self.bodies if not b.get("stream")]
        return [b for b in self.bodies if b.get("stream")]
