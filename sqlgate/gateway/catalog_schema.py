"""The catalog's tables, as an append-only list of migrations (the catalog records which ran).

Names are stored as the catalog spells them (unquoted identifiers already folded to upper case).
Objects are keyed by name, not by surrogate ids, because Snowflake's statements address them by
name and SHOW output shows names. Invariants that DuckDB cannot enforce under concurrency (an
alias names one live version, a model always has a default version) are kept by the single
catalog writer, not by constraints.
"""

from __future__ import annotations

V1 = """
CREATE TABLE databases (
    name VARCHAR PRIMARY KEY,
    file VARCHAR NOT NULL,              -- file name under <home>/databases/
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE schemas (
    database_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (database_name, name)
);
CREATE TABLE instance_families (
    name VARCHAR PRIMARY KEY,
    vcpu INTEGER NOT NULL,
    memory_gib INTEGER NOT NULL,
    storage_gb INTEGER,
    gpus INTEGER NOT NULL,
    gpu_type VARCHAR,
    gpu_memory_gb INTEGER,
    node_limit INTEGER,
    note VARCHAR
);
CREATE TABLE compute_pools (
    name VARCHAR PRIMARY KEY,
    state VARCHAR NOT NULL,             -- IDLE, ACTIVE, SUSPENDED, STARTING, STOPPING, RESIZING
    min_nodes INTEGER NOT NULL,
    max_nodes INTEGER NOT NULL,
    instance_family VARCHAR NOT NULL,
    auto_resume BOOLEAN NOT NULL,
    auto_suspend_secs BIGINT NOT NULL,
    placement_group VARCHAR,
    tags JSON NOT NULL DEFAULT '{}',
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    resumed_on TIMESTAMPTZ,
    updated_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE image_repositories (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    encryption VARCHAR NOT NULL,
    tags JSON NOT NULL DEFAULT '{}',
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (database_name, schema_name, name)
);
CREATE TABLE models (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    default_version VARCHAR,            -- never NULL once the model has a version
    tags JSON NOT NULL DEFAULT '{}',
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (database_name, schema_name, name)
);
CREATE TABLE model_versions (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    model_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    comment VARCHAR,
    metadata JSON NOT NULL DEFAULT '{}',      -- ALTER MODEL ... MODIFY VERSION ... SET METADATA
    user_data JSON NOT NULL DEFAULT '{}',
    functions JSON NOT NULL DEFAULT '[]',     -- [{name, target_method, inputs, outputs}]
    model_type VARCHAR,                       -- the flavor: sklearn, xgboost, custom, ...
    python_version VARCHAR,
    dependencies JSON NOT NULL DEFAULT '[]',
    artifact VARCHAR NOT NULL,                -- directory under <home>/models/
    owner VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (database_name, schema_name, model_name, name)
);
CREATE TABLE model_aliases (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    model_name VARCHAR NOT NULL,
    alias VARCHAR NOT NULL,
    version_name VARCHAR NOT NULL,
    PRIMARY KEY (database_name, schema_name, model_name, alias)
);
CREATE TABLE network_rules (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    value_list JSON NOT NULL,
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (database_name, schema_name, name)
);
CREATE TABLE integrations (
    name VARCHAR PRIMARY KEY,
    type VARCHAR NOT NULL,                    -- EXTERNAL_ACCESS
    category VARCHAR NOT NULL,                -- SECURITY
    enabled BOOLEAN NOT NULL,
    allowed_network_rules JSON NOT NULL DEFAULT '[]',
    allowed_api_authentication_integrations JSON NOT NULL DEFAULT '[]',
    allowed_authentication_secrets JSON NOT NULL DEFAULT '[]',
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE secrets (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,                    -- GENERIC_STRING, PASSWORD
    secret_string VARCHAR,                    -- never shown by SHOW or DESCRIBE
    username VARCHAR,
    password VARCHAR,
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (database_name, schema_name, name)
);
CREATE TABLE roles (
    name VARCHAR PRIMARY KEY,
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- GRANT ROLE role_name TO {ROLE | USER} grantee
CREATE TABLE role_grants (
    role_name VARCHAR NOT NULL,
    grantee_kind VARCHAR NOT NULL,            -- ROLE or USER
    grantee VARCHAR NOT NULL,
    granted_by VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (role_name, grantee_kind, grantee)
);
-- GRANT privilege ON object_kind object_name TO ROLE grantee
CREATE TABLE grants (
    privilege VARCHAR NOT NULL,
    object_kind VARCHAR NOT NULL,             -- MODEL, COMPUTE POOL, ..., ACCOUNT
    object_name VARCHAR NOT NULL,             -- fully qualified where the kind is schema-level
    grantee VARCHAR NOT NULL,
    grant_option BOOLEAN NOT NULL DEFAULT false,
    granted_by VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (privilege, object_kind, object_name, grantee)
);
"""

# Image builds of model versions (executors/docker_build.py): one row per build, named as the
# build's service (MODEL_BUILD_<id>); the log is kept here and in <home>/images/builds/<id>.log.
MODEL_BUILDS = """
CREATE TABLE model_builds (
    id VARCHAR PRIMARY KEY,                   -- MODEL_BUILD_<8 hex>
    database_name VARCHAR NOT NULL,           -- the model version built
    schema_name VARCHAR NOT NULL,
    model_name VARCHAR NOT NULL,
    version_name VARCHAR NOT NULL,
    repository_database VARCHAR NOT NULL,     -- the image repository it is built into
    repository_schema VARCHAR NOT NULL,
    repository_name VARCHAR NOT NULL,
    image VARCHAR NOT NULL,                   -- Docker reference <repository>/<image>:<tag>
    base_image VARCHAR NOT NULL,
    external_access_integration VARCHAR,
    status VARCHAR NOT NULL,                  -- BUILDING, DONE, FAILED
    error VARCHAR,
    log_path VARCHAR NOT NULL,
    log VARCHAR NOT NULL DEFAULT '',
    started_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_on TIMESTAMPTZ
);
"""

# Users and their programmatic access tokens (issue 5). Secrets are never stored: passwords as
# scrypt hashes, token secrets as salted PBKDF2 hashes; a token is found by its public id.
USERS = """
CREATE TABLE users (
    name VARCHAR PRIMARY KEY,
    login_name VARCHAR NOT NULL UNIQUE,
    display_name VARCHAR,
    first_name VARCHAR,
    middle_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    password_hash VARCHAR,                    -- scrypt$n$r$p$salt$hash, NULL: no password
    must_change_password BOOLEAN NOT NULL DEFAULT false,
    disabled BOOLEAN NOT NULL DEFAULT false,
    days_to_expiry INTEGER,
    expires_at TIMESTAMPTZ,
    default_role VARCHAR,
    default_namespace VARCHAR,
    default_warehouse VARCHAR,
    type VARCHAR,
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_success_login TIMESTAMPTZ
);
CREATE TABLE user_tokens (
    user_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    token_id VARCHAR NOT NULL UNIQUE,         -- public part of the secret, to find the row
    secret_hash VARCHAR NOT NULL,             -- pbkdf2$iterations$salt$hash of the whole secret
    role_restriction VARCHAR,
    expires_at TIMESTAMPTZ NOT NULL,
    comment VARCHAR,
    created_by VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_name, name)
);
"""

# Model services (issue 4): the desired state of each service; Ray Serve holds the actual state
# and the reconcile step (executors/ray_serve.py) brings one to the other.
SERVICES = """
CREATE TABLE services (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    compute_pool VARCHAR NOT NULL,
    model_database VARCHAR NOT NULL,
    model_schema VARCHAR NOT NULL,
    model_name VARCHAR NOT NULL,
    version_ref VARCHAR NOT NULL,             -- as written: a version name or an alias to follow
    version_name VARCHAR NOT NULL,            -- the version deployed (moves with the alias)
    state VARCHAR NOT NULL,                   -- desired: RUNNING or SUSPENDED
    min_instances INTEGER NOT NULL,
    max_instances INTEGER NOT NULL,
    gpu_requests INTEGER,
    num_workers INTEGER,
    max_batch_rows INTEGER,
    ingress_enabled BOOLEAN NOT NULL,
    auto_resume BOOLEAN NOT NULL,
    auto_suspend_secs BIGINT NOT NULL,
    owner VARCHAR NOT NULL,
    comment VARCHAR,
    created_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    resumed_on TIMESTAMPTZ,
    suspended_on TIMESTAMPTZ,
    PRIMARY KEY (database_name, schema_name, name)
);
"""

# Services whose replicas run in their model's image (issue 6): asked with RUN_IN_IMAGE, or
# because the gateway's environment lacks a requirement of the model; built into this repository.
SERVICE_IMAGES = "ALTER TABLE services ADD COLUMN run_in_image BOOLEAN DEFAULT FALSE"
SERVICE_IMAGE_REPOSITORY = "ALTER TABLE services ADD COLUMN image_repository VARCHAR"

# CREATE SERVICE ... EXTERNAL_ACCESS_INTEGRATIONS = (i, ...): a JSON list of names; they decide
# which package indexes the build of the service's image may use.
SERVICE_INTEGRATIONS = "ALTER TABLE services ADD COLUMN external_access_integrations VARCHAR"

MIGRATIONS: list[str] = [
    V1,
    MODEL_BUILDS,
    USERS,
    SERVICES,
    SERVICE_IMAGES,
    SERVICE_IMAGE_REPOSITORY,
    SERVICE_INTEGRATIONS,
]
