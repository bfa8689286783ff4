"""Docker names for sqlgate objects and the choice of base image (no Docker needed)."""

from __future__ import annotations

from sqlgate.images import names


def test_plain_names_stay_as_they_are():
    assert names.repository_name("sqlgate/public/my_images") == "sqlgate/public/my_images"
    assert names.image_name("CLF", "V1") == "clf-v1"


def test_odd_names_become_valid_and_stay_distinct():
    odd = names.repository_name('my.db/"sch ema"/r$1')
    assert "." not in odd.split("/")[0]  # a dot would make the first part a registry host
    assert names.repository_name("localhost/s/r").split("/")[0] != "localhost"
    assert names.image_name("My Model", "V1") != names.image_name("My_Model", "V1")
    assert names.image_name("My Model", "V1") != names.image_name("My-Model", "V1")
    for name in (odd, names.image_name("My Model", "V1"), names.image_name("__", "$")):
        for part in name.split("/"):
            assert part == part.lower() and part[0].isalnum() and part[-1].isalnum()


def test_gpu_families_get_the_gpu_base(monkeypatch):
    monkeypatch.delenv("SQLGATE_BASE_IMAGE", raising=False)
    monkeypatch.delenv("SQLGATE_GPU_BASE_IMAGE", raising=False)
    assert names.base_image() == names.base_image("CPU_X64_S") == "python:3.11-slim"
    assert names.base_image("GPU_NV_S") == names.DEFAULT_GPU_BASE_IMAGE
    monkeypatch.setenv("SQLGATE_GPU_BASE_IMAGE", "my/cuda-python:3.11")
    monkeypatch.setenv("SQLGATE_BASE_IMAGE", "my/python:3.11")
    assert names.base_image("gpu_nv_s") == "my/cuda-python:3.11"
    assert names.base_image("CPU_X64_S") == "my/python:3.11"
