"""Executors for the model statement family (see sqlgate/grammar/statements/model.py)."""

from __future__ import annotations
