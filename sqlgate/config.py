"""Where sqlgate keeps its state: the data directory ("home")."""

from __future__ import annotations

import os
from pathlib import Path

MEMORY = ":memory:"


def default_home() -> Path:
    """$SQLGATE_HOME, else ~/.sqlgate."""
    return Path(os.environ.get("SQLGATE_HOME") or Path.home() / ".sqlgate").expanduser()
