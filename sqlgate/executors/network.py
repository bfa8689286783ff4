"""Executors for the network statement family (see sqlgate/grammar/statements/network.py)."""

from __future__ import annotations
