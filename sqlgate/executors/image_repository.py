"""Executors for the image_repository statement family (see sqlgate/grammar/statements/image_repository.py)."""

from __future__ import annotations
