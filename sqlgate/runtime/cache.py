"""Loaded models, kept in memory between queries: a bounded LRU keyed by artifact directory.

A version's artifact directory is immutable and never reused (its name carries a random token,
see registry/store.py), so an entry can never go stale in content: moving an alias or changing
the default version only changes which directory the next query resolves to. What can happen is
that a version or model is dropped and its directory deleted; the cache cannot be told (the
executors do not call into it), so `evict_missing` drops entries whose directory is gone, and
the gateway runs it whenever it resolves model calls. A query already running keeps the model
it loaded.

Entries are also keyed by the label that names the version in errors, so a renamed model loads
again under its new name instead of reporting the old one.
"""

from __future__ import annotations

import threading
import typing as t
from collections import OrderedDict
from pathlib import Path

if t.TYPE_CHECKING:
    from sqlgate.runtime.loaded import LoadedModel

Key = tuple[Path, str]

DEFAULT_CAPACITY = 8  # models can be gigabytes; a handful in memory is what a gateway can afford


class ModelCache:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("a model cache holds at least one model")
        self.capacity = capacity
        self._entries: OrderedDict[Key, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()
        # one lock per key being loaded, so two queries never load the same model twice while
        # loads of different models run in parallel (a load can take seconds)
        self._loading: dict[Key, threading.Lock] = {}

    def get(self, directory: Path, label: str) -> LoadedModel:
        """The model in `directory`, loaded on first use; raises ModelLoadError naming `label`."""
        key = (directory, label)
        with self._lock:
            model = self._hit(key)
            if model is not None:
                return model
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                model = self._hit(key)
                if model is not None:
                    return model
            # imported here: loading pulls in every flavor's library (about a second)
            from sqlgate.runtime.loaded import LoadedModel, ModelLoadError

            try:
                if not directory.is_dir():
                    raise ModelLoadError(f"{label} has no files (was it dropped?)")
                model = LoadedModel.load(directory, label)
            except BaseException:
                with self._lock:
                    self._loading.pop(key, None)  # the next caller tries again
                raise
            with self._lock:  # stored and unmarked at once: no window for a second load
                self._entries[key] = model
                self._loading.pop(key, None)
                while len(self._entries) > self.capacity:
                    self._entries.popitem(last=False)
            return model

    def _hit(self, key: Key) -> LoadedModel | None:
        model = self._entries.get(key)
        if model is not None:
            self._entries.move_to_end(key)
        return model

    def evict_missing(self) -> list[Path]:
        """Forget models whose artifact directory is gone (dropped versions and models)."""
        with self._lock:
            gone = [key for key in self._entries if not key[0].is_dir()]
            for key in gone:
                del self._entries[key]
        return [directory for directory, _ in gone]

    def directories(self) -> list[Path]:
        """Cached artifact directories, least recently used first."""
        with self._lock:
            return [directory for directory, _ in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
