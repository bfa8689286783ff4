# Users: CREATE / ALTER / DROP / SHOW / DESCRIBE USER, GRANT ROLE ... TO USER, and who may use
# which role. Token secrets are random, so tokens are tested in tests/test_users.py.
query
SHOW USERS
----
name | created_on | login_name | display_name | first_name | last_name | email | comment | disabled | must_change_password | default_warehouse | default_namespace | default_role | owner | last_success_login | expires_at_time | has_password | type | has_pat
ADMIN | <ts> | ADMIN | NULL | NULL | NULL | NULL | created with the data directory | false | false | NULL | NULL | ACCOUNTADMIN | ACCOUNTADMIN | NULL | NULL | false | NULL | false

statement ok
CREATE ROLE analyst

query
CREATE USER ana PASSWORD = 'correct horse' DEFAULT_ROLE = analyst EMAIL = 'ana@example.com' COMMENT = 'data team'
----
status
User ANA successfully created.

query
CREATE USER IF NOT EXISTS ana PASSWORD = 'other'
----
status
ANA already exists, statement succeeded.

statement error User 'ANA' already exists.
CREATE USER ana

statement error Unknown option 'RSA_PUBLIC_KEY' for CREATE USER
CREATE USER bob RSA_PUBLIC_KEY = 'x'

statement error TYPE must be one of
CREATE USER bob TYPE = ROBOT

statement error User with login name 'ANA' already exists.
CREATE USER bob LOGIN_NAME = ana

statement ok
CREATE USER bob LOGIN_NAME = 'bob@corp' TYPE = SERVICE

query
SHOW USERS
----
name | created_on | login_name | display_name | first_name | last_name | email | comment | disabled | must_change_password | default_warehouse | default_namespace | default_role | owner | last_success_login | expires_at_time | has_password | type | has_pat
ADMIN | <ts> | ADMIN | NULL | NULL | NULL | NULL | created with the data directory | false | false | NULL | NULL | ACCOUNTADMIN | ACCOUNTADMIN | NULL | NULL | false | NULL | false
ANA | <ts> | ANA | NULL | NULL | NULL | ana@example.com | data team | false | false | NULL | NULL | ANALYST | ACCOUNTADMIN | NULL | NULL | true | NULL | false
BOB | <ts> | bob@corp | NULL | NULL | NULL | NULL | NULL | false | false | NULL | NULL | NULL | ACCOUNTADMIN | NULL | NULL | false | SERVICE | false

query
DESCRIBE USER ana
----
property | value | default | description
NAME | ANA | NULL | Name
COMMENT | data team | NULL | user comment associated to an object in the dictionary
LOGIN_NAME | ANA | NULL | Login name of the user
DISPLAY_NAME | NULL | NULL | Display name of the associated object
FIRST_NAME | NULL | NULL | First name of the user
MIDDLE_NAME | NULL | NULL | Middle name of the user
LAST_NAME | NULL | NULL | Last name of the user
EMAIL | ana@example.com | NULL | Email address of the user
PASSWORD | ******** | NULL | Password of the user
MUST_CHANGE_PASSWORD | false | false | User must change the password
DISABLED | false | false | Whether the user is disabled
DAYS_TO_EXPIRY | NULL | NULL | User record will be treated as expired after specified number of days
DEFAULT_WAREHOUSE | NULL | NULL | Default warehouse for this user
DEFAULT_NAMESPACE | NULL | NULL | Default database namespace prefix for this user
DEFAULT_ROLE | ANALYST | NULL | Primary principal of user session will be set to this role
TYPE | NULL | NULL | Type of the user
EXPIRES_AT_TIME | NULL | NULL | The date and time when the user record will be treated as expired
LAST_SUCCESS_LOGIN | NULL | NULL | Date and time when the user last logged in

statement error Role 'NOPE' does not exist or not authorized.
GRANT ROLE nope TO USER ana

statement ok
GRANT ROLE analyst TO USER ana

query
SHOW GRANTS OF ROLE analyst
----
created_on | role | granted_to | grantee_name | granted_by
<ts> | ANALYST | USER | ANA | ACCOUNTADMIN

statement ok
ALTER USER ana SET DISPLAY_NAME = 'Ana' MUST_CHANGE_PASSWORD = TRUE

statement ok
ALTER USER ana UNSET EMAIL, COMMENT

statement error ALTER USER can UNSET only
ALTER USER ana UNSET LOGIN_NAME

query
SHOW USERS LIKE 'A%'
----
name | created_on | login_name | display_name | first_name | last_name | email | comment | disabled | must_change_password | default_warehouse | default_namespace | default_role | owner | last_success_login | expires_at_time | has_password | type | has_pat
ADMIN | <ts> | ADMIN | NULL | NULL | NULL | NULL | created with the data directory | false | false | NULL | NULL | ACCOUNTADMIN | ACCOUNTADMIN | NULL | NULL | false | NULL | false
ANA | <ts> | ANA | Ana | NULL | NULL | NULL | NULL | false | true | NULL | NULL | ANALYST | ACCOUNTADMIN | NULL | NULL | true | NULL | false

statement ok
ALTER USER bob RENAME TO robert

statement error User 'ROBERT' already exists.
ALTER USER ana RENAME TO robert

statement ok
ALTER USER IF EXISTS ghost SET COMMENT = 'nothing happens'

statement error User 'GHOST' does not exist or not authorized.
ALTER USER ghost SET COMMENT = 'x'

query
SHOW ROLES LIKE 'ANALYST'
----
created_on | name | is_default | is_current | is_inherited | assigned_to_users | granted_to_roles | granted_roles | owner | comment | owner_role_type
<ts> | ANALYST | N | N | N | 1 | 0 | 0 | ACCOUNTADMIN | NULL | ROLE

# the embedded session is ADMIN's: it holds ACCOUNTADMIN, which may assume any role
statement ok
USE ROLE analyst

statement error Insufficient privileges to perform CREATE USER on the account.
CREATE USER carl

statement ok
USE ROLE ACCOUNTADMIN

statement ok
REVOKE ROLE analyst FROM USER ana

statement ok
DROP USER robert

statement error User 'ROBERT' does not exist or not authorized.
DROP USER robert

query
DROP USER IF EXISTS robert
----
status
Drop statement executed successfully (ROBERT already dropped).

statement error Cannot drop user ADMIN: it is the current user
DROP USER admin

query
SHOW USERS
----
name | created_on | login_name | display_name | first_name | last_name | email | comment | disabled | must_change_password | default_warehouse | default_namespace | default_role | owner | last_success_login | expires_at_time | has_password | type | has_pat
ADMIN | <ts> | ADMIN | NULL | NULL | NULL | NULL | created with the data directory | false | false | NULL | NULL | ACCOUNTADMIN | ACCOUNTADMIN | NULL | NULL | false | NULL | false
ANA | <ts> | ANA | Ana | NULL | NULL | NULL | NULL | false | true | NULL | NULL | ANALYST | ACCOUNTADMIN | NULL | NULL | true | NULL | false
