"""Whether a reference answer stops mid-sentence, read past the endings that are not prose: a
closing HTML tag, a link or bare URL, a rule, a code fence, a table row, a "back to top" line."""

from __future__ import annotations

import re

from interviewer.text.chinese import count_cjk

ENDS_SENTENCE = re.compile(r"[。！？!?.…」』”\")）)\]*_`~]\s*$")
DANGLING = re.compile(
    r"[,，、:：;；]\s*$|\b(?:and|or|but|the|a|an|to|of|with|for|in|on|at|by|from|that|which|as|is|are|because)\s*$",
    re.I,
)
CODE_END = re.compile(r"[{}()<>;=/\\]\s*$")
NOT_PROSE = re.compile(
    r"^\s*(?:</?[a-z][^>]*>\s*)+$"  # only HTML tags: </details>, </p>
    r"|^\s*(?:-{3,}|\*{3,}|_{3,})\s*$"  # a rule
    r"|^\s*(?:```|~~~)"  # a code fence
    r"|^\s*\|.*\|\s*$"  # a table row
    r"|^\W*\[[^\]]*\]\([^)]*\)\W*$"  # a lone link, "back to top" included
    r"|https?://\S+\s*\W?\s*$"  # ends in a URL
    r"|^\s*!\[[^\]]*\]\([^)]*\)\s*$"  # an image
    r"|^\s*(?:[-*+]|\d+[.)])\s+",  # a list item: a list ends where it ends
    re.I,
)


def looks_cut(reference: str) -> bool:
    """True when the last line of prose stops mid-sentence: it ends on a comma or colon, or it is
    a sentence-long line (not a command, a version or a fragment) without its closing mark."""
    lines = [line for line in reference.strip().split("\n") if line.strip()]
    if not lines:
        return False
    last = lines[-1].strip()
    if NOT_PROSE.search(last):
        return False
    if DANGLING.search(last):
        return True
    long_enough = len(last.split()) >= 8 or count_cjk(last) >= 15
    return long_enough and not CODE_END.search(last) and not ENDS_SENTENCE.search(last)
