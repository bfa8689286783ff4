"""Executors for the role statement family (see sqlgate/grammar/statements/role.py)."""

from __future__ import annotations
