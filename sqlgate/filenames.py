"""File and directory names made from identifiers (which may be any quoted text)."""

from __future__ import annotations

import hashlib
import re


def safe_stem(name: str, empty: str = "_") -> str:
    """One path component for any identifier: no separators, no '..', at most 64 characters
    of it kept; a short hash keeps names whose characters were replaced distinct."""
    stem = re.sub(r"[^A-Za-z0-9_]", "_", name)[:64] or empty
    if stem != name:
        stem += "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return stem
