"""Privileges on services, against the test session's one Ray and ONE deployed service.

The matrix is generated from the service rows of sqlgate/gateway/access.py's RULES (the
statements are tests/test_rbac.py's STATEMENTS): for every rule, a role holding exactly one
privilege on the rule's object (and what the statement's other rules ask) runs the statement,
and is allowed iff the rule accepts that privilege; a refusal changes neither the catalog nor
Ray Serve. D.S.SVC is deployed once; D.S.PARKED and the D.S.SVC2 that CREATE SERVICE cells make
wait for capacity in pool P (MAX_NODES = 1), so the cells that change services deploy nothing.
Then service functions: USAGE on the service calls them, whatever the role holds on the model;
m!f stays the model's to grant even when it runs in the service."""

from __future__ import annotations

import itertools
import os

import pandas as pd
import pytest

import sqlgate
from sqlgate.errors import ObjectInUse, ObjectNotFound, SqlgateError
from sqlgate.executors import ray_serve
from sqlgate.executors.privilege import SECURABLES
from sqlgate.gateway import access
from sqlgate.gateway.names import ObjectName
from sqlgate.gateway.session import Session
from sqlgate.registry import Registry, custom_model
from tests.test_rbac import (
    KNOWN_RULES,
    _cells,
    _containers,
    _grant,
    _is_refusal,
    _other_rules_satisfied,
    as_role,
    needs_ray,
    sql_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("ray_cluster")]

SERVICE_RULES = [r for r in KNOWN_RULES if needs_ray(r)]
PARKED = "CREATE SERVICE d.s.parked IN COMPUTE POOL p FOR MODEL d.s.m VERSION v1"
WATCHED = ("services", "compute_pools", "models", "model_versions")
OWNED = {
    "SCHEMA": ("d.s",),
    "COMPUTE POOL": ("p",),
    "MODEL": ("d.s.m",),
    "SERVICE": ("d.s.svc", "d.s.parked"),
}


def owner(kind: str) -> str:
    return f"owns_{kind.replace(' ', '_')}"


class Pid(custom_model.CustomModel):
    """Says which process scored the rows: a service replica is not the test process."""

    @custom_model.inference_api
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"pid": [os.getpid()] * len(X)})


@pytest.fixture(scope="module")
def admin():
    with sqlgate.connect(":memory:") as conn:
        session = conn.session
        session.execute(
            "CREATE DATABASE d; CREATE SCHEMA d.s; USE SCHEMA d.s;"
            " CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS"
        )
        sample = pd.DataFrame({"a": [1.0]})
        Registry(conn).log_model(Pid(), model_name="m", version_name="v1", sample_input_data=sample)
        session.execute("CREATE SERVICE d.s.svc IN COMPUTE POOL p FOR MODEL d.s.m VERSION v1")
        session.execute(PARKED)
        # each kind's objects belong to a role of their own (before anything is granted on
        # them, as transfers require): an owner cell is granted that role
        for kind, names in OWNED.items():
            session.execute(f"CREATE ROLE {owner(kind)}")
            for name in names:
                session.execute(f"GRANT OWNERSHIP ON {kind} {name} TO ROLE {owner(kind)}")
        # the one deployment: the first call waits for it (and leaves a log line for LOGS)
        pid = session.execute("SELECT SVC_PREDICT(1.0):pid")[-1].table.column(0)[0].as_py()
        assert pid != os.getpid()
        assert status(session, "parked").startswith("PENDING: Waiting for capacity")
        yield session


def status(admin: Session, name: str) -> str:
    """'STATUS: message', as DESCRIBE SERVICE and SYSTEM$GET_SERVICE_STATUS report them."""
    services = admin.engine.services
    found, message, _ = services.status(services.row(ObjectName("D", "S", name.upper())))
    return f"{found}: {message}"


def state(admin: Session) -> tuple:
    catalog = {t: admin.catalog.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in WATCHED}
    return catalog, sorted(ray_serve.states())


_roles = itertools.count()


def new_role(admin: Session) -> str:
    role = f"S{next(_roles)}"
    admin.execute(f"CREATE ROLE {role}")
    return role


@pytest.mark.parametrize(
    ("rule", "privilege"),
    _cells(SERVICE_RULES),
    ids=[f"{r.statement}-{r.kind}-{r.what}-{p}" for r, p in _cells(SERVICE_RULES)],
)
def test_service_rbac_matrix(admin, rule, privilege):
    sql = sql_of(rule)
    expected = privilege in rule.privileges
    role = new_role(admin)
    _containers(admin, rule.kind, role)
    _other_rules_satisfied(admin, rule, role)
    if privilege != "NONE":
        _grant(admin, rule.kind, privilege, role, rule)
    before = state(admin)
    try:
        as_role(admin, role).execute(sql)
    except SqlgateError as e:
        assert _is_refusal(e), f"{sql}: failed for another reason: {e}"
        assert not expected, f"{sql} with {privilege}: refused: {e}"
        assert state(admin) == before, "a refused statement changed the catalog or Ray Serve"
        return
    assert expected, f"{sql} with only {privilege} on {rule.kind} was allowed"
    if rule.statement == "CreateService":
        assert status(admin, "svc2").startswith("PENDING")  # made, and deployed nothing
        admin.execute("DROP SERVICE d.s.svc2")


@pytest.mark.parametrize("rule", SERVICE_RULES, ids=lambda r: f"{r.statement}-{r.kind}-{r.what}")
def test_owner_may(admin, rule):
    """OWNERSHIP suffices for every service rule (and is the only way to alter or drop)."""
    role = new_role(admin)
    admin.execute(f"GRANT ROLE {owner(rule.kind)} TO ROLE {role}")
    _containers(admin, rule.kind, role)
    _other_rules_satisfied(admin, rule, role)
    try:
        as_role(admin, role).execute(sql_of(rule))
    finally:  # give the shared objects back
        admin.execute("DROP SERVICE IF EXISTS d.s.svc2")
        if rule.statement == ("DROP", "SERVICE"):
            admin.execute(PARKED)  # DROP took the grants on it along: a new one starts bare
            grants = "SELECT * FROM grants WHERE object_name = 'D.S.PARKED'"
            assert admin.catalog.rows(grants) == []
            admin.execute(f"GRANT OWNERSHIP ON SERVICE d.s.parked TO ROLE {owner('SERVICE')}")


# --- service functions ------------------------------------------------------------------------

CALL_SERVICE = access.ACTIONS["call service"][1]


def _service_privileges() -> list[str]:
    return [p for p in SECURABLES["SERVICE"].privileges if p not in ("ALL", "OWNERSHIP")]


@pytest.mark.parametrize("privilege", [*_service_privileges(), "NONE"])
def test_service_function_needs_usage_on_the_service_only(admin, privilege):
    """A role holding nothing on model M calls the service's function with USAGE on the service;
    MONITOR or OPERATE are not enough, and holding nothing, the service does not exist."""
    role = new_role(admin)
    _containers(admin, "SERVICE", role)
    if privilege != "NONE":
        admin.execute(f"GRANT {privilege} ON SERVICE d.s.svc TO ROLE {role}")
    session = as_role(admin, role)
    if privilege in CALL_SERVICE:
        result = session.execute("SELECT SVC_PREDICT(1.0):pid AS pid")[-1].table
        assert result.column(0)[0].as_py() != os.getpid()  # scored by the service
        with pytest.raises(ObjectNotFound, match=r"D\.S\.M"):  # the model stays out of reach
            session.execute("SELECT m!predict(1.0)")
        return
    error = access.InsufficientPrivileges if privilege != "NONE" else ObjectNotFound
    with pytest.raises(error, match="SVC"):
        session.execute("SELECT SVC_PREDICT(1.0)")


def test_model_usage_calls_m_f_even_when_a_service_runs_it(admin):
    """m!f on the version a service hosts runs in the service, but is still the model's to
    grant: USAGE on M suffices, and gives no access to the service's own function."""
    role = new_role(admin)
    _containers(admin, "MODEL", role)
    admin.execute(f"GRANT USAGE ON MODEL d.s.m TO ROLE {role}")
    session = as_role(admin, role)
    result = session.execute("SELECT m!predict(1.0):pid AS pid")[-1].table
    assert result.column(0)[0].as_py() != os.getpid()  # routed to the service
    with pytest.raises(ObjectNotFound, match="SVC"):
        session.execute("SELECT SVC_PREDICT(1.0)")


@pytest.mark.parametrize("privilege", ["USAGE", "MONITOR"])
def test_service_status_in_a_query_needs_monitor(admin, privilege):
    role = new_role(admin)
    _containers(admin, "SERVICE", role)
    admin.execute(f"GRANT {privilege} ON SERVICE d.s.svc TO ROLE {role}")
    session = as_role(admin, role)
    sql = "SELECT SYSTEM$GET_SERVICE_STATUS('d.s.svc') AS s"
    if privilege == "MONITOR":
        assert '"READY"' in session.execute(sql)[-1].table.column(0)[0].as_py()
    else:
        with pytest.raises(access.InsufficientPrivileges, match=r"monitor service 'D\.S\.SVC'"):
            session.execute(sql)


def test_show_services_lists_only_what_the_role_can_see(admin):
    role = new_role(admin)
    _containers(admin, "SERVICE", role)
    session = as_role(admin, role)

    def names() -> list[str]:
        return session.execute("SHOW SERVICES IN SCHEMA d.s")[-1].table.column("name").to_pylist()

    assert names() == []
    admin.execute(f"GRANT MONITOR ON SERVICE d.s.svc TO ROLE {role}")
    assert names() == ["SVC"]
    all_names = admin.execute("SHOW SERVICES IN SCHEMA d.s")[-1].table.column("name").to_pylist()
    assert sorted(all_names) == ["PARKED", "SVC"]
    # Snowflake's paging: names after FROM, in name order, at most LIMIT of them
    paged = "SHOW SERVICES EXCLUDE JOBS IN SCHEMA d.s LIMIT 1"
    assert admin.execute(paged)[-1].table.column("name").to_pylist() == ["PARKED"]
    after = admin.execute(f"{paged} FROM 'PARKED'")[-1].table.column("name").to_pylist()
    assert after == ["SVC"]


@pytest.mark.parametrize(
    "statement", ["DROP SCHEMA d.s", "DROP DATABASE d", "CREATE OR REPLACE SCHEMA d.s"]
)
def test_a_schema_holding_services_cannot_be_dropped(admin, statement):
    """Dropping it would delete the artifacts its running replicas serve: drop services first."""
    before = state(admin)
    with pytest.raises(
        ObjectInUse, match=r"services D\.S\.PARKED, D\.S\.SVC .*Drop the service first"
    ):
        admin.execute(statement)
    assert state(admin) == before
    assert admin.execute("SELECT SVC_PREDICT(1.0):pid")[-1].table.column(0)[0].as_py() > 0
