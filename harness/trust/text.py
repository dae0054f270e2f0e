"""Normal forms shared by the audit and the contamination check."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Hashable, Iterable

_NON_WORD = re.compile(r"[^\w]+")


def normalize_text(text: str) -> str:
    """NFKC, case-folded, punctuation dropped, whitespace collapsed: "What's  the AGE?" -> "what s the age"."""
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def duplicate_groups(keys: Iterable[tuple[int, Hashable]]) -> list[int]:
    """Indices whose key occurs more than once (every member of each group), sorted; None keys are skipped."""
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for index, key in keys:
        if key is not None:
            groups[key].append(index)
    return sorted(i for members in groups.values() if len(members) > 1 for i in members)
