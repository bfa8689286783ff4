"""Role-based access, generated from sqlgate/gateway/access.py's RULES: for every rule, a role
holding exactly one privilege on the rule's object runs the rule's statement, and is allowed iff
that privilege is one the rule accepts (OWNERSHIP always is). Then the indirections MLflow's
CVE-2026-69148 is about: aliases, WITH ... AS MODEL, MODEL(m, v), FROM MODEL copies, and the
Python registry's artifact reads."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlglot
from sklearn.linear_model import LinearRegression

import sqlgate
from sqlgate.errors import ObjectNotFound, SqlgateError
from sqlgate.executors.privilege import SECURABLES
from sqlgate.executors.registry import EXECUTORS
from sqlgate.gateway import access
from sqlgate.gateway.session import Session
from sqlgate.registry import Registry
from tests.test_model_calls import save_version

SETUP = """
CREATE DATABASE d;
CREATE SCHEMA d.s;
USE SCHEMA d.s;
CREATE MODEL m FROM '{model}';
ALTER MODEL m ADD VERSION v2 FROM '{model}';
ALTER MODEL m VERSION v2 SET ALIAS = prod;
CREATE MODEL other FROM '{model}';
ALTER MODEL other VERSION v1 SET ALIAS = prod;
CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
CREATE IMAGE REPOSITORY repo;
CREATE NETWORK RULE nr MODE = EGRESS TYPE = HOST_PORT VALUE_LIST = ('example.com');
CREATE SECRET sec TYPE = GENERIC_STRING SECRET_STRING = 'x';
CREATE DATABASE net;
CREATE SCHEMA net.s;
CREATE NETWORK RULE net.s.egress MODE = EGRESS TYPE = HOST_PORT VALUE_LIST = ('example.com');
CREATE EXTERNAL ACCESS INTEGRATION i ALLOWED_NETWORK_RULES = (net.s.egress) ENABLED = TRUE;
CREATE ROLE tester;
CREATE ROLE victim
"""

# rule (statement, kind) -> the statement that exercises it; the object each names is the one
# SETUP makes (D, D.S, D.S.M, P, ...). Every rule whose statement sqlgate knows must be here.
STATEMENTS: dict[tuple, str] = {
    ("CreateModel", "SCHEMA"): "CREATE MODEL d.s.copy WITH VERSION v1 FROM MODEL d.s.m VERSION v1",
    ("CreateModel", "MODEL", "copy the artifacts of"): (
        "CREATE MODEL d.s.copy WITH VERSION v1 FROM MODEL d.s.m VERSION v1"
    ),
    ("AlterModel", "MODEL", "alter"): "ALTER MODEL d.s.m SET COMMENT = 'mine now'",
    ("AlterModel", "MODEL", "copy the artifacts of"): (
        "ALTER MODEL d.s.other ADD VERSION v9 FROM MODEL d.s.m VERSION v1"
    ),
    (("DROP", "MODEL"), "MODEL"): "DROP MODEL d.s.m",
    (("SHOW", "VERSIONS"), "MODEL"): "SHOW VERSIONS IN MODEL d.s.m",
    ("ShowModelFunctions", "MODEL"): "SHOW FUNCTIONS IN MODEL d.s.m",
    ("CreateComputePool", "ACCOUNT"): (
        "CREATE COMPUTE POOL p2 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS"
    ),
    ("AlterComputePool", "COMPUTE POOL", "operate"): "ALTER COMPUTE POOL p SUSPEND",
    ("AlterComputePool", "COMPUTE POOL", "modify"): "ALTER COMPUTE POOL p SET COMMENT = 'x'",
    (("DROP", "COMPUTE POOL"), "COMPUTE POOL"): "DROP COMPUTE POOL p",
    (("DESCRIBE", "COMPUTE POOL"), "COMPUTE POOL"): "DESCRIBE COMPUTE POOL p",
    ("CreateImageRepository", "SCHEMA"): "CREATE IMAGE REPOSITORY d.s.repo2",
    ("ShowImages", "IMAGE REPOSITORY"): "SHOW IMAGES IN IMAGE REPOSITORY d.s.repo",
    (("DROP", "IMAGE REPOSITORY"), "IMAGE REPOSITORY"): "DROP IMAGE REPOSITORY d.s.repo",
    ("CreateExternalAccessIntegration", "ACCOUNT"): (
        "CREATE EXTERNAL ACCESS INTEGRATION i2 ALLOWED_NETWORK_RULES = (d.s.nr) ENABLED = TRUE"
    ),
    (("DESCRIBE", "INTEGRATION"), "INTEGRATION"): "DESCRIBE INTEGRATION i",
    (("DESCRIBE", "EXTERNAL ACCESS INTEGRATION"), "INTEGRATION"): (
        "DESCRIBE EXTERNAL ACCESS INTEGRATION i"
    ),
    (("DROP", "INTEGRATION"), "INTEGRATION"): "DROP INTEGRATION i",
    (("DROP", "EXTERNAL ACCESS INTEGRATION"), "INTEGRATION"): "DROP EXTERNAL ACCESS INTEGRATION i",
    ("CreateNetworkRule", "SCHEMA"): (
        "CREATE NETWORK RULE d.s.nr2 MODE = EGRESS TYPE = HOST_PORT VALUE_LIST = ('a.com')"
    ),
    (("DESCRIBE", "NETWORK RULE"), "NETWORK RULE"): "DESCRIBE NETWORK RULE d.s.nr",
    (("DROP", "NETWORK RULE"), "NETWORK RULE"): "DROP NETWORK RULE d.s.nr",
    ("CreateSecret", "SCHEMA"): "CREATE SECRET d.s.sec2 TYPE = GENERIC_STRING SECRET_STRING = 'y'",
    (("DESCRIBE", "SECRET"), "SECRET"): "DESCRIBE SECRET d.s.sec",
    (("DROP", "SECRET"), "SECRET"): "DROP SECRET d.s.sec",
    (("CREATE", "DATABASE"), "ACCOUNT"): "CREATE DATABASE d2",
    (("CREATE", "SCHEMA"), "DATABASE"): "CREATE SCHEMA d.s2",
    (("DROP", "DATABASE"), "DATABASE"): "DROP DATABASE d",
    (("DROP", "SCHEMA"), "SCHEMA"): "DROP SCHEMA d.s",
    (("USE", "DATABASE"), "DATABASE"): "USE DATABASE d",
    (("USE", ""), "DATABASE"): "USE d",
    (("USE", "SCHEMA"), "SCHEMA"): "USE SCHEMA d.s",
    ("CreateRole", "ACCOUNT"): "CREATE ROLE newcomer",
    (("DROP", "ROLE"), "ROLE"): "DROP ROLE victim",
    # services: run by tests/services/test_service_privileges.py against a real Ray, where
    # D.S.SVC is deployed and D.S.PARKED waits for capacity (so changing it deploys nothing)
    (
        "CreateService",
        "SCHEMA",
    ): "CREATE SERVICE d.s.svc2 IN COMPUTE POOL p FOR MODEL d.s.m VERSION v1",
    ("CreateService", "COMPUTE POOL"): (
        "CREATE SERVICE d.s.svc2 IN COMPUTE POOL p FOR MODEL d.s.m VERSION v1"
    ),
    (
        "CreateService",
        "MODEL",
    ): "CREATE SERVICE d.s.svc2 IN COMPUTE POOL p FOR MODEL d.s.m VERSION v1",
    ("AlterService", "SERVICE", "operate"): "ALTER SERVICE d.s.parked SUSPEND",
    ("AlterService", "SERVICE", "alter"): "ALTER SERVICE d.s.parked SET COMMENT = 'mine now'",
    (("DROP", "SERVICE"), "SERVICE"): "DROP SERVICE d.s.parked",
    (("DESCRIBE", "SERVICE"), "SERVICE"): "DESCRIBE SERVICE d.s.svc",
    ("ShowServiceObjects", "SERVICE", "list the instances of"): (
        "SHOW SERVICE CONTAINERS IN SERVICE d.s.svc"
    ),
    ("ShowServiceObjects", "SERVICE", "show endpoints of"): "SHOW ENDPOINTS IN SERVICE d.s.svc",
    ("CallSystemFunction", "SERVICE", "read the logs of"): (
        "CALL SYSTEM$GET_SERVICE_LOGS('d.s.svc', 0, 'model-inference')"
    ),
    ("CallSystemFunction", "SERVICE", "get the status of"): (
        "CALL SYSTEM$GET_SERVICE_STATUS('d.s.svc')"
    ),
}
# the object each kind's privilege is granted on in a cell
OBJECTS = {
    "MODEL": "d.s.m",
    "SCHEMA": "d.s",
    "DATABASE": "d",
    "COMPUTE POOL": "p",
    "IMAGE REPOSITORY": "d.s.repo",
    "INTEGRATION": "i",
    "NETWORK RULE": "d.s.nr",
    "SECRET": "d.s.sec",
    "ROLE": "victim",
    "ACCOUNT": "",
}


def sql_of(rule: access.Rule) -> str:
    """A statement may have several rules; the longer key tells them apart."""
    return (
        STATEMENTS.get((rule.statement, rule.kind, rule.what))
        or STATEMENTS[(rule.statement, rule.kind)]
    )


def _known(rule: access.Rule) -> bool:
    statement = rule.statement
    if isinstance(statement, tuple):
        return statement in EXECUTORS
    return any(getattr(k, "__name__", None) == statement for k in EXECUTORS)


KNOWN_RULES = [r for r in access.RULES if _known(r)]


def needs_ray(rule: access.Rule) -> bool:
    """Service statements start or change Ray Serve applications: their cells run in
    tests/services/test_service_privileges.py, against the test session's one Ray."""
    return rule.kind == "SERVICE" or rule.statement == "CreateService"


RAY_FREE_RULES = [r for r in KNOWN_RULES if not needs_ray(r)]


def _cells(rules: list[access.Rule] = RAY_FREE_RULES) -> list[tuple[access.Rule, str]]:
    cells = []
    for rule in rules:
        privileges = [p for p in SECURABLES[rule.kind].privileges if p not in ("ALL", "OWNERSHIP")]
        if rule.kind == "ROLE":
            privileges = []
        cells.extend((rule, p) for p in [*privileges, "NONE"])
    return cells


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    sample = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) * 2})
    model = LinearRegression().fit(sample.to_numpy(), sample.a + sample.b)
    return save_version(model, sample, ["predict"], tmp_path_factory.mktemp("m") / "v")


@pytest.fixture
def world(model_dir):
    """A fresh catalog with one object of each kind, and the admin session that made them."""
    with sqlgate.connect(":memory:") as conn:
        admin = conn.session
        admin.execute(SETUP.format(model=model_dir))
        yield admin


def as_role(admin: Session, role: str, database: str = "D", schema: str = "S") -> Session:
    return Session(admin.engine, role=role, user="ADMIN", database=database, schema=schema)


def _grant(
    admin: Session,
    kind: str,
    privilege: str,
    role: str = "tester",
    rule: access.Rule | None = None,
    sql: str | None = None,
) -> None:
    """GRANT on the object `rule` finds in `sql` (else the kind's object in SETUP)."""
    tree = sqlglot.parse_one(sql or sql_of(rule), read="sqlgate") if rule else None
    name = rule.name(tree) if rule and tree else None
    written = name.sql("sqlgate") if name is not None else OBJECTS[kind]
    on = "ACCOUNT" if kind == "ACCOUNT" else f"{kind} {written}"
    admin.execute(f"GRANT {privilege} ON {on} TO ROLE {role}")


def _containers(admin: Session, kind: str, role: str = "tester") -> None:
    """USAGE on the database and schema, unless they are what the rule is about."""
    if kind != "DATABASE":
        admin.execute(f"GRANT USAGE ON DATABASE d TO ROLE {role}")
    if kind not in ("DATABASE", "SCHEMA"):
        admin.execute(f"GRANT USAGE ON SCHEMA d.s TO ROLE {role}")


def _other_rules_satisfied(admin: Session, rule: access.Rule, role: str = "tester") -> None:
    """Grant what the statement's *other* rules ask, so the cell tests this rule alone."""
    sql = sql_of(rule)
    for other in KNOWN_RULES:
        if other is rule or other.statement != rule.statement:
            continue
        if not other.when(sqlglot.parse_one(sql, read="sqlgate")):
            continue
        _containers(admin, other.kind, role)
        privilege = other.privileges[0] if other.privileges else "OWNERSHIP"
        _grant(admin, other.kind, privilege, role, other, sql)


@pytest.fixture(scope="module")
def shared(model_dir):
    """One world for the cells that must change nothing (refusals) or cannot (SHOW, DESCRIBE,
    USE): each cell gets a role of its own."""
    with sqlgate.connect(":memory:") as conn:
        conn.session.execute(SETUP.format(model=model_dir))
        yield conn.session


_roles = itertools.count()


def test_every_rule_has_a_statement():
    missing = []
    for rule in KNOWN_RULES:
        try:
            tree = sqlglot.parse_one(sql_of(rule), read="sqlgate")
        except KeyError:
            missing.append((rule.statement, rule.kind, rule.what))
            continue
        assert rule.when(tree), f"{sql_of(rule)} does not exercise {rule}"
    assert not missing


def _is_refusal(error: SqlgateError) -> bool:
    return isinstance(error, access.InsufficientPrivileges | ObjectNotFound)


@pytest.mark.parametrize(
    ("rule", "privilege"),
    _cells(),
    ids=[f"{r.statement}-{r.kind}-{p}" for r, p in _cells()],
)
def test_rbac_matrix(request, shared, rule, privilege):
    sql = sql_of(rule)
    expected = privilege in rule.privileges
    read_only = sql.split()[0].upper() in ("SHOW", "DESCRIBE", "USE")
    tree = sqlglot.parse_one(sql, read="sqlgate")
    transfers = any(
        o is not rule and o.statement == rule.statement and o.when(tree) and not o.privileges
        for o in KNOWN_RULES
    )  # ownership moves once per world: other grants would depend on it
    fresh = transfers or (expected and not read_only)
    admin = request.getfixturevalue("world") if fresh else shared
    role = f"T{next(_roles)}"
    admin.execute(f"CREATE ROLE {role}")
    _containers(admin, rule.kind, role)
    _other_rules_satisfied(admin, rule, role)
    if privilege != "NONE":
        _grant(admin, rule.kind, privilege, role, rule)
    session = as_role(admin, role)
    before = {t: admin.catalog.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in WATCHED}
    try:
        session.execute(sql)
    except SqlgateError as e:
        assert _is_refusal(e), f"{sql}: failed for another reason: {e}"
        assert not expected, f"{sql} with {privilege}: refused: {e}"
        after = {t: admin.catalog.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in WATCHED}
        assert after == before, "a refused statement changed the catalog"
        return
    assert expected, f"{sql} with only {privilege} on {rule.kind} was allowed"


WATCHED = ("models", "model_versions", "model_aliases", "compute_pools", "databases", "schemas")


@pytest.mark.parametrize("rule", [r for r in RAY_FREE_RULES if r.kind != "ACCOUNT"], ids=str)
def test_owner_may(world, rule):
    """OWNERSHIP suffices for every rule."""
    admin = world
    _grant(admin, rule.kind, "OWNERSHIP", "tester", rule)  # before other grants depend on it
    _containers(admin, rule.kind)
    _other_rules_satisfied(admin, rule)
    as_role(admin, "TESTER").execute(sql_of(rule))


# --- model indirections ---------------------------------------------------------------------

CALLS = {
    "plain": "SELECT m!predict(1.0, 2.0)",
    "qualified": "SELECT d.s.m!predict(1.0, 2.0)",
    "version": "SELECT MODEL(m, v2)!predict(1.0, 2.0)",
    "alias": "WITH x AS MODEL m VERSION prod SELECT x!predict(1.0, 2.0)",
}


@pytest.fixture
def usage_only(world) -> Session:
    """A role with USAGE on model M only (and on its database and schema)."""
    _containers(world, "MODEL")
    _grant(world, "MODEL", "USAGE")
    return as_role(world, "TESTER")


@pytest.mark.parametrize("how", CALLS)
def test_usage_may_call_every_way(usage_only, how):
    result = usage_only.execute(CALLS[how])[0]
    assert result.table.num_rows == 1


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT other!predict(1.0, 2.0)",
        "SELECT MODEL(other, v1)!predict(1.0, 2.0)",
        "WITH x AS MODEL other VERSION prod SELECT x!predict(1.0, 2.0)",
        "WITH x AS MODEL d.s.other VERSION v1 SELECT x!predict(1.0, 2.0)",
        "SHOW VERSIONS IN MODEL other",
    ],
)
def test_no_way_reaches_a_model_not_granted(usage_only, sql):
    with pytest.raises(ObjectNotFound, match="OTHER"):
        usage_only.execute(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER MODEL m VERSION v1 SET ALIAS = prod2",
        "ALTER MODEL m SET DEFAULT_VERSION = v2",
        "ALTER MODEL m VERSION v2 UNSET ALIAS",
        "ALTER MODEL m DROP VERSION v1",
        "DROP MODEL m",
    ],
)
def test_usage_cannot_alter(usage_only, world, sql):
    before = world.catalog.rows("SELECT * FROM model_aliases ORDER BY alias")
    with pytest.raises(access.InsufficientPrivileges, match="Insufficient privileges to"):
        usage_only.execute(sql)
    assert world.catalog.rows("SELECT * FROM model_aliases ORDER BY alias") == before


def test_usage_cannot_copy_artifacts_into_a_model_of_its_own(usage_only, world):
    """CVE-2026-69148's shape: anchoring a new version in a model one may only USE."""
    _grant(world, "SCHEMA", "CREATE MODEL")
    with pytest.raises(access.InsufficientPrivileges, match="copy the artifacts of model"):
        usage_only.execute("CREATE MODEL mine WITH VERSION v1 FROM MODEL m VERSION prod")
    assert world.catalog.one("SELECT 1 AS x FROM models WHERE name = 'MINE'") is None


def test_usage_cannot_read_artifacts_through_the_registry(usage_only, world):
    model = Registry(usage_only).get_model("m")
    version = model.version("prod")
    assert [f["name"] for f in version.show_functions()] == ["PREDICT"]  # signatures: allowed
    out = version.run(pd.DataFrame({"a": [1.0], "b": [2.0]}), function_name="predict")
    assert len(out) == 1  # running: allowed
    with pytest.raises(access.InsufficientPrivileges, match="read model artifacts"):
        version.load()
    _grant(world, "MODEL", "READ")
    assert version.load() is not None


def test_show_models_lists_only_what_the_role_can_see(usage_only):
    names = usage_only.execute("SHOW MODELS IN SCHEMA d.s")[0].table.column("name").to_pylist()
    assert names == ["M"]


def test_remote_user_cannot_create_a_model_from_a_server_path(world, model_dir):
    _containers(world, "SCHEMA")
    _grant(world, "SCHEMA", "CREATE MODEL")
    with pytest.raises(access.InsufficientPrivileges, match="path on the server"):
        as_role(world, "TESTER").execute(f"CREATE MODEL mine FROM '{model_dir}'")


# --- seed 002: multi-schema promotion with ml_admin, as written -------------------------------


def test_seed_002_promotion_as_ml_admin(model_dir):
    with sqlgate.connect(":memory:") as conn:
        admin = conn.session
        admin.execute(
            f"""
            CREATE DATABASE dev_db; CREATE SCHEMA dev_db.dev_sch; CREATE SCHEMA dev_db.dev_schema;
            CREATE DATABASE prod_db; CREATE SCHEMA prod_db.prod_schema;
            CREATE ROLE model_owner; CREATE ROLE prod_role;
            GRANT USAGE ON DATABASE dev_db TO ROLE model_owner;
            GRANT USAGE, CREATE MODEL ON SCHEMA dev_db.dev_sch TO ROLE model_owner;
            GRANT USAGE, CREATE MODEL ON SCHEMA dev_db.dev_schema TO ROLE model_owner;
            GRANT USAGE ON DATABASE prod_db TO ROLE prod_role;
            GRANT USAGE, CREATE MODEL ON SCHEMA prod_db.prod_schema TO ROLE prod_role;
            CREATE MODEL dev_db.dev_sch.dev_model WITH VERSION v12 FROM '{model_dir}';
            CREATE MODEL dev_db.dev_schema.dev_model WITH VERSION v24 FROM '{model_dir}';
            GRANT OWNERSHIP ON MODEL dev_db.dev_sch.dev_model TO ROLE model_owner;
            GRANT OWNERSHIP ON MODEL dev_db.dev_schema.dev_model TO ROLE model_owner
            """
        )
        # seed 002, verbatim from here on
        admin.execute(
            """
            USE ROLE ACCOUNTADMIN;
            CREATE ROLE ml_admin;
            USE ROLE model_owner;
            GRANT ROLE model_owner TO ROLE ml_admin;
            USE ROLE prod_role;
            GRANT ROLE prod_role TO ROLE ml_admin;
            USE ROLE ml_admin;
            CREATE MODEL prod_db.prod_schema.prod_model WITH VERSION V1
            FROM MODEL dev_db.dev_sch.dev_model VERSION V12;
            USE ROLE ml_admin;
            ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V2
            FROM MODEL dev_db.dev_schema.dev_model VERSION V24;
            ALTER MODEL prod_db.prod_schema.prod_model
            SET DEFAULT_VERSION = V2;
            ALTER MODEL prod_db.prod_schema.prod_model SET DEFAULT_VERSION = V1;
            USE SCHEMA prod_db.prod_schema;
            GRANT USAGE ON MODEL prod_model TO ROLE prod_role
            """
        )
        assert admin.role == "ML_ADMIN"
        # prod_role may now call the production model, and only that
        prod = as_role(admin, "PROD_ROLE", "PROD_DB", "PROD_SCHEMA")
        prod.execute("USE SCHEMA prod_db.prod_schema")
        assert prod.execute("SELECT prod_model!predict(1.0, 2.0)")[0].table.num_rows == 1
        with pytest.raises(access.InsufficientPrivileges):
            prod.execute("ALTER MODEL prod_model SET DEFAULT_VERSION = V2")
        with pytest.raises(ObjectNotFound):
            prod.execute("SELECT dev_db.dev_sch.dev_model!predict(1.0, 2.0)")


def test_information_schema_lists_only_visible_models(usage_only, world):
    sql = "SELECT DISTINCT model_name FROM d.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY 1"
    assert usage_only.execute(sql)[0].rows() == [("M",)]
    assert world.execute(sql)[0].rows() == [("M",), ("OTHER",)]


# --- plain SQL on tables --------------------------------------------------------------------


@pytest.fixture
def tables(world) -> Session:
    world.execute("CREATE TABLE d.s.facts (a INT); INSERT INTO d.s.facts VALUES (1)")
    _containers(world, "TABLE")
    return as_role(world, "TESTER")


TABLE_CASES = [
    ("SELECT * FROM facts", "SELECT", "select from table"),
    ("WITH x AS (SELECT a FROM d.s.facts) SELECT * FROM x", "SELECT", "select from table"),
    ("INSERT INTO facts VALUES (2)", "INSERT", "insert into table"),
    ("INSERT INTO facts SELECT a FROM facts", "INSERT", "insert into table"),
    ("UPDATE facts SET a = 3", "UPDATE", "update table"),
    ("DELETE FROM facts", "DELETE", "delete from table"),
    ("DROP TABLE facts", "OWNERSHIP", "drop or alter table"),
    ("CREATE TABLE mine (a INT)", "CREATE TABLE", "create a table in schema"),
    ("CREATE VIEW peek AS SELECT 1 AS one", "CREATE VIEW", "create a view in schema"),
]


@pytest.mark.parametrize(("sql", "privilege", "message"), TABLE_CASES)
def test_plain_sql_needs_table_privileges(world, tables, sql, privilege, message):
    before = world.execute("SELECT count(*) FROM d.s.facts")[0].rows()
    if not privilege.startswith("CREATE"):
        with pytest.raises(ObjectNotFound, match="FACTS"):  # holding nothing: not even seen
            tables.execute(sql)
        world.execute("GRANT TRUNCATE ON TABLE d.s.facts TO ROLE tester")  # something else
    with pytest.raises(access.InsufficientPrivileges, match=message):
        tables.execute(sql)
    assert world.execute("SELECT count(*) FROM d.s.facts")[0].rows() == before
    if privilege in ("CREATE TABLE", "CREATE VIEW"):
        world.execute(f"GRANT {privilege} ON SCHEMA d.s TO ROLE tester")
    elif privilege == "OWNERSHIP":
        return  # tables belong to their database's owner
    else:
        world.execute(f"GRANT {privilege} ON TABLE d.s.facts TO ROLE tester")
        if "SELECT a FROM" in sql and privilege == "INSERT":
            world.execute("GRANT SELECT ON TABLE d.s.facts TO ROLE tester")
    tables.execute(sql)


@pytest.mark.parametrize("show", ["SHOW TABLES IN SCHEMA d.s", "SHOW OBJECTS IN SCHEMA d.s"])
def test_show_tables_lists_only_what_the_role_can_see(world, tables, show):
    world.execute("CREATE VIEW d.s.peek AS SELECT 1 AS one")
    assert tables.execute(show)[0].table.column("name").to_pylist() == []
    world.execute("GRANT SELECT ON TABLE d.s.facts TO ROLE tester")
    assert tables.execute(show)[0].table.column("name").to_pylist() == ["FACTS"]
    world.execute("GRANT SELECT ON VIEW d.s.peek TO ROLE tester")
    expected = ["FACTS", "PEEK"] if "OBJECTS" in show else ["FACTS"]
    assert tables.execute(show)[0].table.column("name").to_pylist() == expected
    assert tables.execute("SHOW VIEWS IN SCHEMA d.s")[0].table.column("name").to_pylist() == [
        "PEEK"
    ]


# --- image builds: an image carries the artifact and lands in a repository ------------------


def test_building_an_image_needs_read_on_the_model_and_write_on_the_repository(world):
    """Refused before anything is built (so no Docker engine is needed to see it)."""
    from sqlgate.executors.docker_build import build_model_image
    from sqlgate.gateway.names import ObjectName

    _containers(world, "MODEL")
    _grant(world, "MODEL", "USAGE")
    _grant(world, "IMAGE REPOSITORY", "READ")
    tester = as_role(world, "TESTER")
    model, repository = ObjectName("D", "S", "M"), ObjectName("D", "S", "REPO")
    builds = "SELECT count(*) AS n FROM model_builds"

    def build(**kwargs) -> None:
        build_model_image(tester, model, "V1", repository, progress=lambda _: None, **kwargs)

    with pytest.raises(access.InsufficientPrivileges, match=r"read model 'D\.S\.M'"):
        build()  # USAGE calls the model; an image would hand out its artifact
    _grant(world, "MODEL", "READ")
    with pytest.raises(access.InsufficientPrivileges, match=r"push image repository 'D\.S\.REPO'"):
        build()
    _grant(world, "IMAGE REPOSITORY", "WRITE")
    with pytest.raises(ObjectNotFound, match="Integration 'I'"):  # holding nothing: not seen
        build(external_access_integration="I")
    assert world.catalog.one(builds)["n"] == 0


def test_a_service_in_its_image_needs_service_write_and_read_on_the_repository(world):
    sql = (
        "CREATE SERVICE d.s.boxed IN COMPUTE POOL p FOR MODEL d.s.m VERSION v1"
        " RUN_IN_IMAGE = TRUE IMAGE_REPOSITORY = d.s.repo"
    )
    _containers(world, "MODEL")
    _grant(world, "SCHEMA", "CREATE SERVICE")
    _grant(world, "COMPUTE POOL", "USAGE")
    _grant(world, "MODEL", "USAGE")
    _grant(world, "IMAGE REPOSITORY", "SERVICE READ")
    with pytest.raises(
        access.InsufficientPrivileges, match=r"service image repository 'D\.S\.REPO'"
    ):
        as_role(world, "TESTER").execute(sql)
    _grant(world, "IMAGE REPOSITORY", "SERVICE WRITE")
    with pytest.raises(ObjectNotFound, match="Integration 'I'"):  # its build's indexes: USAGE
        as_role(world, "TESTER").execute(f"{sql} EXTERNAL_ACCESS_INTEGRATIONS = (i)")
    assert world.catalog.one("SELECT count(*) AS n FROM services")["n"] == 0
