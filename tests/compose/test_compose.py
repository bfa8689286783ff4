"""docker-compose.yml end to end: the gateway image built from this checkout, `docker-compose up`
(a Ray head, two Ray workers and the gateway), the README's quickstart through the real
`sqlgate --url` CLI, and `docker-compose down -v` whatever happens, so nothing is left behind."""

from __future__ import annotations

import csv
import io
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sqlgate.images import gateway

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WORKERS = ("ray-worker-1", "ray-worker-2")


def compose_command() -> list[str]:
    """docker-compose 1.29 where installed, else the v2 plugin: the file works with both."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return ["docker", "compose"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def gateway_image(docker_client, base_image) -> gateway.GatewayImage:
    return gateway.build_gateway(docker_client, base_image.tag, progress=print)


class Cluster:
    def __init__(self, image: str) -> None:
        self.project = f"sqlgate-test-{secrets.token_hex(4)}"
        self.port = free_port()
        self.password = secrets.token_urlsafe(12)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SQLGATE_IMAGE": image,
            "SQLGATE_PORT": str(self.port),
            "SQLGATE_ADMIN_PASSWORD": self.password,
        }

    def compose(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        command = [*compose_command(), "-p", self.project, "-f", str(ROOT / "docker-compose.yml")]
        return subprocess.run(
            [*command, *args], capture_output=True, text=True, env=self.env, timeout=timeout
        )

    def sqlgate(self, *args: str) -> subprocess.CompletedProcess:
        """The CLI as a user runs it, against the published port."""
        return subprocess.run(
            [sys.executable, "-m", "sqlgate", "--url", self.url, "-U", "admin", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "SQLGATE_PASSWORD": self.password},
            timeout=240,
        )

    def wait_healthy(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(1)
        raise AssertionError(f"the gateway did not answer /healthz:\n{self.logs()}")

    def logs(self) -> str:
        return self.compose("logs", "--no-color", "--tail", "40").stdout


def container_ips(docker_client, project: str) -> dict[str, str]:
    """Each compose service's address on the cluster's private network."""
    found = {}
    for container in docker_client.containers.list(
        filters={"label": f"com.docker.compose.project={project}"}
    ):
        service = container.labels["com.docker.compose.service"]
        networks = container.attrs["NetworkSettings"]["Networks"]
        found[service] = next(iter(networks.values()))["IPAddress"]
    return found


def csv_rows(done: subprocess.CompletedProcess) -> list[dict[str, str]]:
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


@pytest.mark.timeout(900)  # a cold gateway image build takes minutes; a cached one nothing
def test_compose_quickstart(docker_client, gateway_image):
    cluster = Cluster(gateway_image.image)
    try:
        up = cluster.compose("up", "-d", timeout=300)
        assert up.returncode == 0, up.stderr
        cluster.wait_healthy(180)
        published = docker_client.containers.list(
            filters={"label": f"com.docker.compose.project={cluster.project}"}
        )
        ports = {c.labels["com.docker.compose.service"]: c.ports for c in published}
        assert ports["gateway"] == {
            "8000/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(cluster.port)}]
        }
        # EXPOSE 8000 is in the image, but nothing else is bound on the host
        assert not any(bound for s in ("ray-head", *WORKERS) for bound in ports[s].values())

        done = cluster.sqlgate("-f", "examples/quickstart.sql")
        print(done.stdout, done.stderr, sep="\n")
        assert done.returncode == 0, f"{done.stderr}\n{cluster.logs()}"
        assert "RUNNING" in done.stdout and "CHURN_SVC" in done.stdout
        again = cluster.sqlgate("-f", "examples/quickstart.sql")  # it says it can be run again
        assert again.returncode == 0, again.stderr

        predictions = csv_rows(
            cluster.sqlgate(
                "--format",
                "csv",
                "-c",
                "SELECT id, quickstart.public.churn_svc_predict(tenure, spend):output_feature_0"
                " AS churns"
                " FROM quickstart.public.customers ORDER BY id",
            )
        )
        assert [(r["ID"], r["CHURNS"]) for r in predictions] == [
            ("1", "0"),
            ("2", "0"),
            ("3", "1"),
            ("4", "1"),
        ]
        # the first call waited for one instance; the other may still be loading the model
        deadline = time.monotonic() + 120
        while True:
            services = csv_rows(
                cluster.sqlgate("--format", "csv", "-c", "SHOW SERVICES IN DATABASE quickstart")
            )
            assert [(s["name"], s["status"]) for s in services] == [("CHURN_SVC", "RUNNING")]
            if services[0]["current_instances"] == "2" or time.monotonic() > deadline:
                break
            time.sleep(2)
        assert services[0]["current_instances"] == "2"
        instances = csv_rows(
            cluster.sqlgate(
                "--format",
                "csv",
                "-c",
                "SHOW SERVICE INSTANCES IN SERVICE quickstart.public.churn_svc",
            )
        )
        ips = container_ips(docker_client, cluster.project)
        # one replica on each worker: never on the head or the gateway, which offer no CPUs
        assert sorted(i["ip_address"] for i in instances) == sorted(ips[w] for w in WORKERS)
        # Ray's ports answer only to the cluster's token: a container on the network without it
        # is refused
        outsider = docker_client.containers.run(
            gateway_image.image,
            ["ray", "status", "--address", "ray-head:6379"],
            network=f"{cluster.project}_cluster",
            labels={"org.sqlgate.test": cluster.project},
            detach=True,
        )
        try:
            assert outsider.wait(timeout=120)["StatusCode"] != 0
            assert "Authentication token is missing" in outsider.logs().decode()
        finally:
            outsider.remove(force=True)
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        down = cluster.compose("down", "-v", "--remove-orphans", "--timeout", "10")
        assert down.returncode == 0, down.stderr
        project = {"label": f"com.docker.compose.project={cluster.project}"}
        assert not docker_client.containers.list(all=True, filters=project)
        assert not docker_client.volumes.list(filters=project)
        assert not docker_client.networks.list(filters=project)
