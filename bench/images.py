"""Model image sizes and build times: a scikit-learn model's image against its base image.

    .venv/bin/python bench/images.py

Builds the stand-in base image if the engine lacks it (timed), then, for a LogisticRegression
logged in a throw-away data directory: a cold build (images of the bench's repository and
dangling images, the classic builder's cache, are removed first, so no layer is cached), a
no-op build of the same content, and a cached build of a second version whose files differ
but whose requirements do not (the dependency layer is reused). Prints sizes in MB and the
ratio of the model image to its base, and each time with its ratio to the cold build.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import sqlgate
from sqlgate.executors.docker_build import LABEL_REPOSITORY
from sqlgate.images import base, docker_engine
from sqlgate.registry import Registry

REPOSITORY = "sqlgate/public/bench_images"


def main() -> None:
    client = docker_engine.client()
    built_base = base.build_base(client, progress=lambda m: print(f"  base: {m}"))
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 4)), columns=["a", "b", "c", "d"])
    y = (X["a"] + X["b"] > 0).astype(int)
    with tempfile.TemporaryDirectory() as scratch, sqlgate.connect(Path(scratch)) as conn:
        registry = Registry(session=conn)
        conn.execute("CREATE IMAGE REPOSITORY bench_images")
        v1 = registry.log_model(
            LogisticRegression().fit(X, y), model_name="m", version_name="v1", sample_input_data=X
        )
        # cold: no image of this repository (earlier runs) and no dangling build-stage layers
        for image in client.images.list(filters={"label": f"{LABEL_REPOSITORY}={REPOSITORY}"}):
            client.images.remove(image.id, force=True)
        client.images.prune(filters={"dangling": True})
        timings = {}
        started = time.monotonic()
        cold = v1.build_image("bench_images", progress=False)
        timings["cold build"] = time.monotonic() - started
        started = time.monotonic()
        again = v1.build_image("bench_images", progress=False)
        timings["no-op build"] = time.monotonic() - started
        assert not again.built and again.image == cold.image
        v2 = registry.log_model(
            LogisticRegression(C=0.5).fit(X, y),
            model_name="m",
            version_name="v2",
            sample_input_data=X,
        )
        started = time.monotonic()
        cached = v2.build_image("bench_images", progress=False)
        timings["cached build (new model, same requirements)"] = time.monotonic() - started
        for image in (cold.image, cached.image):
            client.images.remove(image, force=True)
    print()
    if built_base.built:
        print(f"base image build: {built_base.seconds:.0f} s")
    print(f"base image {built_base.tag}: {built_base.size / 1e6:.0f} MB")
    print(
        f"scikit-learn model image: {cold.size / 1e6:.0f} MB"
        f" (ratio to base {cold.size / built_base.size:.2f};"
        f" {(cold.size - built_base.size) / 1e6:.0f} MB on top of it)"
    )
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.1f} s (ratio to cold {seconds / timings['cold build']:.3f})")


if __name__ == "__main__":
    main()
