"""Whether the gateway's own Python environment can run a model version in process: each of
its pip requirements must be installed here at a version its specifier accepts. A service whose
model needs more runs its replicas in the model's image instead (executors/service_containers).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata

from packaging.requirements import InvalidRequirement, Requirement


def unmet(requirements: Sequence[str]) -> list[str]:
    """The requirements this environment does not satisfy, each with what it has instead."""
    missing = []
    for text in requirements:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            missing.append(f"{text} (not a valid requirement)")
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            have = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(f"{text} (not installed in the gateway)")
            continue
        if requirement.specifier and not requirement.specifier.contains(have, prereleases=True):
            missing.append(f"{text} (the gateway has {requirement.name} {have})")
    return missing
