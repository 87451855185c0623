"""Counting tokens without the network.

tiktoken fetches its ranks file on first use; at run time we never download, so it is used
only when the file is already in its cache. Otherwise the estimate is deliberately high:
one token per CJK character and one per three other characters.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from functools import cache
from pathlib import Path

from interviewer.text.chinese import CJK

ENCODING = "o200k_base"
BLOB = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
WIDE = re.compile(f"[{CJK}\u3000-\u303f\uff00-\uffef]")  # Han, and CJK punctuation and full-width forms


def _cached_ranks() -> Path:
    folder = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    base = Path(folder) if folder else Path(tempfile.gettempdir()) / "data-gym-cache"
    return base / hashlib.sha1(BLOB.encode()).hexdigest()


@cache
def _encoder():
    if not _cached_ranks().is_file():
        return None
    try:
        import tiktoken

        return tiktoken.get_encoding(ENCODING)
    except Exception:  # a damaged cache file must not stop an interview; estimate instead
        return None


def count_tokens(text: str) -> int:
    encoder = _encoder()
    if encoder is not None:
        return len(encoder.encode(text, disallowed_special=()))
    cjk = len(WIDE.findall(text))
    return cjk + -(-(len(text) - cjk) // 3)


def counting_method() -> str:
    return (
        f"tiktoken {ENCODING}" if _encoder() is not None else "estimate (1 per CJK char, 1 per 3 other chars)"
    )


def truncate_to_tokens(text: str, budget: int) -> str:
    """The longest head of `text` within `budget` tokens (binary search on characters)."""
    if count_tokens(text) <= budget:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if count_tokens(text[:middle]) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low]
