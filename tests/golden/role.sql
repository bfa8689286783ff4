# Roles and grants: seed 002's role statements, the role hierarchy (cycles refused), privilege
# grants per object kind, REVOKE, SHOW ROLES / SHOW GRANTS, DROP ROLE. Each failed statement
# must change nothing.
query
SHOW ROLES
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | ACCOUNTADMIN | Y | Y | N | 1 | 0 | 2 | ACCOUNTADMIN | NULL | ROLE
<ts> | PUBLIC | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | SECURITYADMIN | N | N | Y | 0 | 1 | 1 | ACCOUNTADMIN | NULL | ROLE
<ts> | SYSADMIN | N | N | Y | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | USERADMIN | N | N | Y | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE

statement ok
CREATE ROLE model_owner COMMENT = 'develops models'

statement ok
CREATE ROLE prod_role

# seed 002, verbatim
statement ok
USE ROLE ACCOUNTADMIN;
CREATE ROLE ml_admin;
USE ROLE model_owner;
GRANT ROLE model_owner TO ROLE ml_admin;
USE ROLE prod_role;
GRANT ROLE prod_role TO ROLE ml_admin;

query
SHOW ROLES
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | ACCOUNTADMIN | Y | N | N | 1 | 0 | 2 | ACCOUNTADMIN | NULL | ROLE
<ts> | ML_ADMIN | N | N | N | 0 | 0 | 2 | ACCOUNTADMIN | NULL | ROLE
<ts> | MODEL_OWNER | N | N | N | 0 | 1 | 0 | ACCOUNTADMIN | develops models | ROLE
<ts> | PROD_ROLE | N | Y | N | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | PUBLIC | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | SECURITYADMIN | N | N | N | 0 | 1 | 1 | ACCOUNTADMIN | NULL | ROLE
<ts> | SYSADMIN | N | N | N | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | USERADMIN | N | N | N | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE

query
SHOW ROLES LIKE 'm%'
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | ML_ADMIN | N | N | N | 0 | 0 | 2 | ACCOUNTADMIN | NULL | ROLE
<ts> | MODEL_OWNER | N | N | N | 0 | 1 | 0 | ACCOUNTADMIN | develops models | ROLE

# PROD_ROLE cannot create roles (CREATE ROLE on the account), so go back to ACCOUNTADMIN
statement error Insufficient privileges to create a role on the account.
CREATE ROLE IF NOT EXISTS ml_admin

statement ok
USE ROLE ACCOUNTADMIN

query
CREATE ROLE IF NOT EXISTS ml_admin COMMENT = 'ignored'
----
status
ML_ADMIN already exists, statement succeeded.

statement error Role 'ML_ADMIN' already exists.
CREATE ROLE ml_admin

statement error OR REPLACE and IF NOT EXISTS are incompatible.
CREATE OR REPLACE ROLE IF NOT EXISTS ml_admin

statement error CREATE ROLE does not support TAG
CREATE ROLE tagged WITH TAG (team = 'ml')

statement error Role 'TAGGED' does not exist or not authorized.
USE ROLE tagged

# USE ROLE of an unknown role names it, with its position
statement error Role 'NOBODY' does not exist or not authorized. (line 1, column 10)
USE ROLE nobody

statement error USE SECONDARY ROLES is not supported
USE SECONDARY ROLES ALL

# the failed USE ROLE statements left ACCOUNTADMIN current
query
SHOW ROLES STARTS WITH 'ACC'
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | ACCOUNTADMIN | Y | Y | N | 1 | 0 | 2 | ACCOUNTADMIN | NULL | ROLE

statement ok
USE ROLE ACCOUNTADMIN

# granting twice is a no-op
statement ok
GRANT ROLE prod_role TO ROLE ml_admin

query
SHOW GRANTS OF ROLE prod_role
----
created_on | role | granted_to | grantee_name | granted_by
<ts> | PROD_ROLE | ROLE | ML_ADMIN | PROD_ROLE

# cycles are refused and named
statement error Granting role ML_ADMIN to role MODEL_OWNER would create a cycle: MODEL_OWNER -> ML_ADMIN -> MODEL_OWNER
GRANT ROLE ml_admin TO ROLE model_owner

statement error would create a cycle: PROD_ROLE -> PROD_ROLE
GRANT ROLE prod_role TO ROLE prod_role

statement ok
CREATE ROLE platform

statement ok
GRANT ROLE ml_admin TO ROLE platform

statement error Granting role PLATFORM to role PROD_ROLE would create a cycle: PROD_ROLE -> ML_ADMIN -> PLATFORM -> PROD_ROLE
GRANT ROLE platform TO ROLE prod_role

statement error Role 'GHOST' does not exist or not authorized.
GRANT ROLE ghost TO ROLE ml_admin

statement error Role 'GHOST' does not exist or not authorized.
GRANT ROLE ml_admin TO ROLE ghost

statement error User 'ANA' does not exist or not authorized.
GRANT ROLE ml_admin TO USER ana

query
SHOW GRANTS OF ROLE ml_admin
----
created_on | role | granted_to | grantee_name | granted_by
<ts> | ML_ADMIN | ROLE | PLATFORM | ACCOUNTADMIN

query
SHOW GRANTS TO ROLE ml_admin
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | USAGE | ROLE | MODEL_OWNER | ROLE | ML_ADMIN | false | MODEL_OWNER
<ts> | USAGE | ROLE | PROD_ROLE | ROLE | ML_ADMIN | false | PROD_ROLE

# a role inherited by the current role
statement ok
USE ROLE platform

query
SHOW ROLES
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | ACCOUNTADMIN | Y | N | N | 1 | 0 | 2 | ACCOUNTADMIN | NULL | ROLE
<ts> | ML_ADMIN | N | N | Y | 0 | 1 | 2 | ACCOUNTADMIN | NULL | ROLE
<ts> | MODEL_OWNER | N | N | Y | 0 | 1 | 0 | ACCOUNTADMIN | develops models | ROLE
<ts> | PLATFORM | N | Y | N | 0 | 0 | 1 | ACCOUNTADMIN | NULL | ROLE
<ts> | PROD_ROLE | N | N | Y | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | PUBLIC | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | SECURITYADMIN | N | N | N | 0 | 1 | 1 | ACCOUNTADMIN | NULL | ROLE
<ts> | SYSADMIN | N | N | N | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | USERADMIN | N | N | N | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE

statement ok
USE ROLE ACCOUNTADMIN

# --- privileges ---------------------------------------------------------------------------
statement ok
CREATE COMPUTE POOL pool1 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS

statement ok
CREATE DATABASE prod_db

statement ok
CREATE SCHEMA prod_db.prod_schema

statement ok
CREATE TABLE prod_db.prod_schema.scores (id INT, score DOUBLE)

statement ok
CREATE VIEW prod_db.prod_schema.top_scores AS SELECT * FROM prod_db.prod_schema.scores

statement ok
GRANT USAGE, MONITOR ON COMPUTE POOL pool1 TO ROLE prod_role

statement ok
GRANT usage ON compute pool POOL1 TO ROLE prod_role WITH GRANT OPTION

statement ok
GRANT ALL PRIVILEGES ON COMPUTE POOL pool1 TO ROLE model_owner

statement ok
GRANT USAGE ON DATABASE prod_db TO ROLE prod_role

# granting twice is a no-op
statement ok
GRANT USAGE ON DATABASE prod_db TO ROLE prod_role

statement ok
GRANT USAGE, CREATE MODEL ON SCHEMA prod_db.prod_schema TO ROLE model_owner

statement ok
GRANT SELECT ON TABLE prod_db.prod_schema.scores TO ROLE prod_role

# unqualified names resolve against the current database and schema (here PROD_DB.PROD_SCHEMA)
statement ok
GRANT SELECT ON VIEW top_scores TO ROLE prod_role

statement ok
GRANT CREATE COMPUTE POOL, BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE ml_admin

query
SHOW GRANTS ON COMPUTE POOL pool1
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | ALL | COMPUTE_POOL | POOL1 | ROLE | MODEL_OWNER | false | ACCOUNTADMIN
<ts> | MONITOR | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | false | ACCOUNTADMIN
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | USAGE | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | true | ACCOUNTADMIN

query
SHOW GRANTS TO ROLE prod_role
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | MONITOR | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | false | ACCOUNTADMIN
<ts> | USAGE | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | true | ACCOUNTADMIN
<ts> | USAGE | DATABASE | PROD_DB | ROLE | PROD_ROLE | false | ACCOUNTADMIN
<ts> | SELECT | TABLE | PROD_DB.PROD_SCHEMA.SCORES | ROLE | PROD_ROLE | false | ACCOUNTADMIN
<ts> | SELECT | VIEW | PROD_DB.PROD_SCHEMA.TOP_SCORES | ROLE | PROD_ROLE | false | ACCOUNTADMIN

query
SHOW GRANTS ON ACCOUNT
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | BIND SERVICE ENDPOINT | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | CREATE COMPUTE POOL | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN

query
SHOW GRANTS ON SCHEMA prod_db.prod_schema
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | CREATE MODEL | SCHEMA | PROD_DB.PROD_SCHEMA | ROLE | MODEL_OWNER | false | ACCOUNTADMIN
<ts> | OWNERSHIP | SCHEMA | PROD_DB.PROD_SCHEMA | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | USAGE | SCHEMA | PROD_DB.PROD_SCHEMA | ROLE | MODEL_OWNER | false | ACCOUNTADMIN

query
SHOW GRANTS ON TABLE scores
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
NULL | OWNERSHIP | TABLE | PROD_DB.PROD_SCHEMA.SCORES | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | SELECT | TABLE | PROD_DB.PROD_SCHEMA.SCORES | ROLE | PROD_ROLE | false | ACCOUNTADMIN

# invalid privileges name the privilege and list the valid ones
statement error Invalid privilege READ on COMPUTE POOL; valid privileges are OWNERSHIP, USAGE, OPERATE, MONITOR, MODIFY, ALL
GRANT OPERATE, READ ON COMPUTE POOL pool1 TO ROLE prod_role

statement error Invalid privilege SELECT on MODEL; valid privileges are OWNERSHIP, USAGE, READ, ALL
GRANT SELECT ON MODEL my_model TO ROLE prod_role

statement error Invalid privilege USAGE on TABLE
GRANT USAGE ON TABLE scores TO ROLE prod_role

statement error Invalid privilege CREATE MODEL on ACCOUNT
GRANT CREATE MODEL ON ACCOUNT TO ROLE prod_role

# the object must exist
statement error Model 'PROD_DB.PROD_SCHEMA.MY_MODEL' does not exist or not authorized. (line 1, column 22)
GRANT USAGE ON MODEL my_model TO ROLE prod_role

statement error Compute pool 'NOPOOL' does not exist or not authorized.
GRANT USAGE ON COMPUTE POOL nopool TO ROLE prod_role

statement error Service 'PROD_DB.PROD_SCHEMA.SVC' does not exist or not authorized.
GRANT USAGE ON SERVICE svc TO ROLE prod_role

statement error Table 'PROD_DB.PROD_SCHEMA.TOP_SCORES' does not exist or not authorized.
GRANT SELECT ON TABLE top_scores TO ROLE prod_role

statement error Schema 'PROD_DB.NOPE' does not exist or not authorized.
GRANT USAGE ON SCHEMA prod_db.nope TO ROLE prod_role

statement error Integration 'NO_INTEGRATION' does not exist or not authorized.
GRANT USAGE ON EXTERNAL ACCESS INTEGRATION no_integration TO ROLE prod_role

# the grantee must exist
statement error Role 'GHOST' does not exist or not authorized.
GRANT USAGE ON COMPUTE POOL pool1 TO ROLE ghost

statement error User 'ANA' does not exist or not authorized.
GRANT USAGE ON COMPUTE POOL pool1 TO USER ana

statement error Column-level privileges are not supported
GRANT SELECT (id) ON TABLE scores TO ROLE prod_role

# none of the failed grants changed anything
query
SHOW GRANTS TO ROLE prod_role
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | MONITOR | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | false | ACCOUNTADMIN
<ts> | USAGE | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | true | ACCOUNTADMIN
<ts> | USAGE | DATABASE | PROD_DB | ROLE | PROD_ROLE | false | ACCOUNTADMIN
<ts> | SELECT | TABLE | PROD_DB.PROD_SCHEMA.SCORES | ROLE | PROD_ROLE | false | ACCOUNTADMIN
<ts> | SELECT | VIEW | PROD_DB.PROD_SCHEMA.TOP_SCORES | ROLE | PROD_ROLE | false | ACCOUNTADMIN

# --- REVOKE -------------------------------------------------------------------------------
statement ok
REVOKE GRANT OPTION FOR USAGE ON COMPUTE POOL pool1 FROM ROLE prod_role

statement ok
REVOKE MONITOR ON COMPUTE POOL pool1 FROM ROLE prod_role

# revoking what was never granted succeeds
statement ok
REVOKE OPERATE ON COMPUTE POOL pool1 FROM ROLE prod_role

# revoking one privilege out of ALL keeps the others
statement ok
REVOKE MODIFY ON COMPUTE POOL pool1 FROM ROLE model_owner

query
SHOW GRANTS ON COMPUTE POOL pool1
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | MONITOR | COMPUTE_POOL | POOL1 | ROLE | MODEL_OWNER | false | ACCOUNTADMIN
<ts> | OPERATE | COMPUTE_POOL | POOL1 | ROLE | MODEL_OWNER | false | ACCOUNTADMIN
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | USAGE | COMPUTE_POOL | POOL1 | ROLE | MODEL_OWNER | false | ACCOUNTADMIN
<ts> | USAGE | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | false | ACCOUNTADMIN

statement ok
REVOKE ALL ON COMPUTE POOL pool1 FROM ROLE model_owner

# ALL WITH GRANT OPTION, then the option taken back from one privilege only
statement ok
GRANT ALL ON DATABASE prod_db TO ROLE model_owner WITH GRANT OPTION

statement ok
REVOKE GRANT OPTION FOR MONITOR ON DATABASE prod_db FROM ROLE model_owner

query
SHOW GRANTS ON DATABASE prod_db
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | CREATE SCHEMA | DATABASE | PROD_DB | ROLE | MODEL_OWNER | true | ACCOUNTADMIN
<ts> | MONITOR | DATABASE | PROD_DB | ROLE | MODEL_OWNER | false | ACCOUNTADMIN
<ts> | OWNERSHIP | DATABASE | PROD_DB | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | USAGE | DATABASE | PROD_DB | ROLE | MODEL_OWNER | true | ACCOUNTADMIN
<ts> | USAGE | DATABASE | PROD_DB | ROLE | PROD_ROLE | false | ACCOUNTADMIN

statement ok
REVOKE ALL PRIVILEGES ON DATABASE prod_db FROM ROLE model_owner

statement error OWNERSHIP cannot be revoked
REVOKE OWNERSHIP ON COMPUTE POOL pool1 FROM ROLE ACCOUNTADMIN

statement error Role 'GHOST' does not exist or not authorized.
REVOKE USAGE ON COMPUTE POOL pool1 FROM ROLE ghost

query
SHOW GRANTS ON COMPUTE POOL pool1
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | USAGE | COMPUTE_POOL | POOL1 | ROLE | PROD_ROLE | false | ACCOUNTADMIN

# --- OWNERSHIP moves the owner; it is never a second row ----------------------------------
statement error Dependent grant of privilege 'USAGE' on securable 'POOL1' to role 'PROD_ROLE' exists. It must be revoked first.
GRANT OWNERSHIP ON COMPUTE POOL pool1 TO ROLE ml_admin

statement ok
REVOKE USAGE ON COMPUTE POOL pool1 FROM ROLE prod_role

statement ok
GRANT OWNERSHIP ON COMPUTE POOL pool1 TO ROLE ml_admin

statement error OWNERSHIP cannot be granted together with other privileges
GRANT OWNERSHIP, USAGE ON DATABASE prod_db TO ROLE ml_admin

statement error Ownership of a table cannot be transferred
GRANT OWNERSHIP ON TABLE scores TO ROLE ml_admin

query
SHOW GRANTS ON COMPUTE POOL pool1
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ML_ADMIN | true | ML_ADMIN

query
SHOW COMPUTE POOLS
----
name | state | min_nodes | max_nodes | instance_family | num_services | num_jobs | auto_suspend_secs | auto_resume | active_nodes | idle_nodes | target_nodes | created_on | resumed_on | updated_on | owner | comment | is_exclusive | application | backup_instance_families
POOL1 | IDLE | 1 | 1 | CPU_X64_XS | 0 | 0 | 3600 | true | 0 | 0 | 1 | <ts> | <ts> | <ts> | ML_ADMIN | NULL | false | NULL | NULL

query
SHOW GRANTS TO ROLE ml_admin
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | BIND SERVICE ENDPOINT | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | CREATE COMPUTE POOL | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ML_ADMIN | true | ML_ADMIN
<ts> | USAGE | ROLE | MODEL_OWNER | ROLE | ML_ADMIN | false | MODEL_OWNER
<ts> | USAGE | ROLE | PROD_ROLE | ROLE | ML_ADMIN | false | PROD_ROLE

# bare SHOW GRANTS: grants to the current role
statement ok
USE ROLE ml_admin

query
SHOW GRANTS
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | BIND SERVICE ENDPOINT | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | CREATE COMPUTE POOL | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ML_ADMIN | true | ML_ADMIN
<ts> | USAGE | ROLE | MODEL_OWNER | ROLE | ML_ADMIN | false | MODEL_OWNER
<ts> | USAGE | ROLE | PROD_ROLE | ROLE | ML_ADMIN | false | PROD_ROLE

statement ok
USE ROLE ACCOUNTADMIN

statement error Role 'GHOST' does not exist or not authorized.
SHOW GRANTS TO ROLE ghost

statement error User 'ANA' does not exist or not authorized.
SHOW GRANTS TO USER ana

statement error Compute pool 'NOPOOL' does not exist or not authorized.
SHOW GRANTS ON COMPUTE POOL nopool

# --- REVOKE ROLE --------------------------------------------------------------------------
statement ok
REVOKE ROLE prod_role FROM ROLE ml_admin

statement ok
REVOKE ROLE prod_role FROM ROLE ml_admin

statement error User 'ANA' does not exist or not authorized.
REVOKE ROLE prod_role FROM USER ana

query
SHOW GRANTS OF ROLE prod_role
----
created_on | role | granted_to | grantee_name | granted_by

# --- DROP ROLE ----------------------------------------------------------------------------
statement error System role ACCOUNTADMIN cannot be dropped
DROP ROLE accountadmin

statement error System role PUBLIC cannot be dropped or replaced.
CREATE OR REPLACE ROLE public

# privileges are enforced: ML_ADMIN may not create databases until granted CREATE DATABASE, nor
# grant on a database it does not own without MANAGE GRANTS
statement ok
USE ROLE ml_admin

statement error Insufficient privileges to create a database on the account.
CREATE DATABASE dev_db

# (a role holding nothing on an object is not told it exists)
statement error Database 'PROD_DB' does not exist or not authorized.
GRANT USAGE ON DATABASE prod_db TO ROLE platform

statement ok
USE ROLE ACCOUNTADMIN

statement ok
GRANT CREATE DATABASE, MANAGE GRANTS ON ACCOUNT TO ROLE ml_admin

# objects created and grants made while ML_ADMIN is current belong to ML_ADMIN
statement ok
USE ROLE ml_admin

statement ok
GRANT USAGE ON DATABASE prod_db TO ROLE platform

statement ok
CREATE COMPUTE POOL pool2 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS

statement ok
CREATE DATABASE dev_db

statement error Insufficient privileges to drop role 'ML_ADMIN'.
DROP ROLE ml_admin

statement error Insufficient privileges to create a role on the account.
CREATE OR REPLACE ROLE ml_admin

statement ok
USE ROLE ACCOUNTADMIN

statement ok
GRANT OWNERSHIP ON ROLE prod_role TO ROLE ml_admin

query
SHOW GRANTS ON ROLE prod_role
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | OWNERSHIP | ROLE | PROD_ROLE | ROLE | ML_ADMIN | true | ML_ADMIN

query
SHOW GRANTS TO ROLE ml_admin
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | BIND SERVICE ENDPOINT | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | CREATE COMPUTE POOL | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | CREATE DATABASE | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | MANAGE GRANTS | ACCOUNT | ACCOUNT | ROLE | ML_ADMIN | false | ACCOUNTADMIN
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ML_ADMIN | true | ML_ADMIN
<ts> | OWNERSHIP | COMPUTE_POOL | POOL2 | ROLE | ML_ADMIN | true | ML_ADMIN
<ts> | OWNERSHIP | DATABASE | DEV_DB | ROLE | ML_ADMIN | true | ML_ADMIN
<ts> | USAGE | ROLE | MODEL_OWNER | ROLE | ML_ADMIN | false | MODEL_OWNER
<ts> | OWNERSHIP | ROLE | PROD_ROLE | ROLE | ML_ADMIN | true | ML_ADMIN
<ts> | OWNERSHIP | SCHEMA | DEV_DB.PUBLIC | ROLE | ML_ADMIN | true | ML_ADMIN

query
SHOW GRANTS TO ROLE platform
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | USAGE | DATABASE | PROD_DB | ROLE | PLATFORM | false | ML_ADMIN
<ts> | USAGE | ROLE | ML_ADMIN | ROLE | PLATFORM | false | ACCOUNTADMIN

# Dropping ML_ADMIN revokes every grant naming it as grantee or grantor (its account
# privileges, MODEL_OWNER, its grant to PLATFORM, PLATFORM's grant of it) and gives what it
# owned (POOL1, POOL2, DEV_DB and its PUBLIC schema, the role PROD_ROLE) to the dropping role
query
DROP ROLE ml_admin
----
status
ML_ADMIN successfully dropped.

query
SHOW ROLES
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | ACCOUNTADMIN | Y | Y | N | 1 | 0 | 2 | ACCOUNTADMIN | NULL | ROLE
<ts> | MODEL_OWNER | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | develops models | ROLE
<ts> | PLATFORM | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | PROD_ROLE | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | PUBLIC | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | SECURITYADMIN | N | N | Y | 0 | 1 | 1 | ACCOUNTADMIN | NULL | ROLE
<ts> | SYSADMIN | N | N | Y | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE
<ts> | USERADMIN | N | N | Y | 0 | 1 | 0 | ACCOUNTADMIN | NULL | ROLE

query
SHOW GRANTS ON COMPUTE POOL pool1
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN

query
SHOW GRANTS ON ACCOUNT
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by

query
SHOW GRANTS OF ROLE model_owner
----
created_on | role | granted_to | grantee_name | granted_by

# what ML_ADMIN owned now belongs to ACCOUNTADMIN, which dropped it; its grant to PLATFORM is gone
query
SHOW GRANTS TO ROLE ACCOUNTADMIN
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by
<ts> | OWNERSHIP | COMPUTE_POOL | POOL1 | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | COMPUTE_POOL | POOL2 | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | DATABASE | DEV_DB | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | DATABASE | PROD_DB | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | DATABASE | SQLGATE | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | ACCOUNTADMIN | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | MODEL_OWNER | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | PLATFORM | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | PROD_ROLE | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | PUBLIC | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | SECURITYADMIN | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | USAGE | ROLE | SECURITYADMIN | ROLE | ACCOUNTADMIN | false | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | SYSADMIN | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | USAGE | ROLE | SYSADMIN | ROLE | ACCOUNTADMIN | false | ACCOUNTADMIN
<ts> | OWNERSHIP | ROLE | USERADMIN | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | SCHEMA | DEV_DB.PUBLIC | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | SCHEMA | PROD_DB.PROD_SCHEMA | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | SCHEMA | PROD_DB.PUBLIC | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN
<ts> | OWNERSHIP | SCHEMA | SQLGATE.PUBLIC | ROLE | ACCOUNTADMIN | true | ACCOUNTADMIN

query
SHOW GRANTS TO ROLE platform
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by

query
DROP ROLE IF EXISTS ml_admin
----
status
Drop statement executed successfully (ML_ADMIN already dropped).

statement error Role 'ML_ADMIN' does not exist or not authorized.
DROP ROLE ml_admin

# CREATE OR REPLACE starts the role afresh: its grants are gone
statement ok
CREATE OR REPLACE ROLE prod_role COMMENT = 'again'

query
SHOW GRANTS TO ROLE prod_role
----
created_on | privilege | granted_on | name | granted_to | grantee_name | grant_option | granted_by

query
SHOW ROLES LIKE 'PROD_ROLE'
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | PROD_ROLE | N | N | N | 0 | 0 | 0 | ACCOUNTADMIN | again | ROLE
