# Network rules, external access integrations and secrets: seed 000's statements verbatim, every
# clause, SHOW/DESCRIBE, DROP, and the bad input the issue names. Failed statements change nothing.
statement ok
CREATE OR REPLACE NETWORK RULE conda_forge_rule
    MODE = 'EGRESS'
    TYPE = 'HOST_PORT'
    VALUE_LIST = ('conda.anaconda.org:443')

statement ok
CREATE OR REPLACE NETWORK RULE pypi_rule
    MODE = 'EGRESS'
    TYPE = 'HOST_PORT'
    VALUE_LIST = ('pypi.org:443', 'pypi.python.org:443', 'pythonhosted.org:443',
                  'files.pythonhosted.org:443');

statement ok
CREATE OR REPLACE NETWORK RULE all_access_rule
    MODE = 'EGRESS'
    TYPE = 'HOST_PORT'
    VALUE_LIST = ('0.0.0.0:443', '0.0.0.0:80')

query
CREATE OR REPLACE EXTERNAL ACCESS INTEGRATION model_service_build_access
    ALLOWED_NETWORK_RULES = (conda_forge_rule, pypi_rule)
    ENABLED = true;
----
status
Integration MODEL_SERVICE_BUILD_ACCESS successfully created.

query
SHOW NETWORK RULES
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | ALL_ACCESS_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 2 | ROLE
<ts> | CONDA_FORGE_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 1 | ROLE
<ts> | PYPI_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 4 | ROLE

query
DESCRIBE NETWORK RULE pypi_rule
----
created_on | name | database_name | schema_name | owner | comment | type | mode | value_list
<ts> | PYPI_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | pypi.org:443,pypi.python.org:443,pythonhosted.org:443,files.pythonhosted.org:443

query
SHOW EXTERNAL ACCESS INTEGRATIONS
----
name | type | category | enabled | comment | created_on
MODEL_SERVICE_BUILD_ACCESS | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>

query
DESCRIBE EXTERNAL ACCESS INTEGRATION model_service_build_access
----
property | property_type | property_value | property_default
ENABLED | Boolean | true | false
ALLOWED_NETWORK_RULES | List | SQLGATE.PUBLIC.CONDA_FORGE_RULE,SQLGATE.PUBLIC.PYPI_RULE | []
ALLOWED_API_AUTHENTICATION_INTEGRATIONS | List |  | []
ALLOWED_AUTHENTICATION_SECRETS | List |  | []
COMMENT | String | NULL | NULL

# --- network rules: every type, mode and value form ---------------------------------------------
statement ok
CREATE NETWORK RULE office_ips TYPE = ipv4 VALUE_LIST = ('192.168.1.0/24', '10.0.0.1') COMMENT = 'office'

statement ok
CREATE NETWORK RULE stage_link TYPE = AWSVPCEID MODE = internal_stage VALUE_LIST = ('vpce-0fa383eb170331202')

statement ok
CREATE NETWORK RULE azure_link TYPE = 'AZURELINKID' VALUE_LIST = ('/subscriptions/x/resourcegroups/y')

statement ok
CREATE NETWORK RULE gcp_link TYPE = GCPPSCID MODE = INGRESS VALUE_LIST = ('projects/p/regions/r')

statement ok
CREATE NETWORK RULE private_api TYPE = PRIVATE_HOST_PORT MODE = EGRESS VALUE_LIST = ('api.internal.example.com', '*.corp.example.com:8443')

statement ok
CREATE NETWORK RULE empty_egress TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ()

statement ok
CREATE DATABASE net_db

statement ok
CREATE NETWORK RULE net_db.public.remote_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('example.com') COMMENT = 'elsewhere'

statement ok
USE DATABASE sqlgate

query
SHOW NETWORK RULES
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | ALL_ACCESS_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 2 | ROLE
<ts> | AZURE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AZURELINKID | INGRESS | 1 | ROLE
<ts> | CONDA_FORGE_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 1 | ROLE
<ts> | EMPTY_EGRESS | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 0 | ROLE
<ts> | GCP_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | GCPPSCID | INGRESS | 1 | ROLE
<ts> | OFFICE_IPS | SQLGATE | PUBLIC | ACCOUNTADMIN | office | IPV4 | INGRESS | 2 | ROLE
<ts> | PRIVATE_API | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | PRIVATE_HOST_PORT | EGRESS | 2 | ROLE
<ts> | PYPI_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 4 | ROLE
<ts> | STAGE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AWSVPCEID | INTERNAL_STAGE | 1 | ROLE

query
SHOW NETWORK RULES LIKE '%link' IN ACCOUNT
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | AZURE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AZURELINKID | INGRESS | 1 | ROLE
<ts> | GCP_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | GCPPSCID | INGRESS | 1 | ROLE
<ts> | STAGE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AWSVPCEID | INTERNAL_STAGE | 1 | ROLE

query
SHOW NETWORK RULES IN DATABASE net_db
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | REMOTE_RULE | NET_DB | PUBLIC | ACCOUNTADMIN | elsewhere | HOST_PORT | EGRESS | 1 | ROLE

query
SHOW NETWORK RULES IN SCHEMA net_db.public
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | REMOTE_RULE | NET_DB | PUBLIC | ACCOUNTADMIN | elsewhere | HOST_PORT | EGRESS | 1 | ROLE

query
DESCRIBE NETWORK RULE office_ips
----
created_on | name | database_name | schema_name | owner | comment | type | mode | value_list
<ts> | OFFICE_IPS | SQLGATE | PUBLIC | ACCOUNTADMIN | office | IPV4 | INGRESS | 192.168.1.0/24,10.0.0.1

query
DESC NETWORK RULE net_db.public.remote_rule
----
created_on | name | database_name | schema_name | owner | comment | type | mode | value_list
<ts> | REMOTE_RULE | NET_DB | PUBLIC | ACCOUNTADMIN | elsewhere | HOST_PORT | EGRESS | example.com

query
CREATE NETWORK RULE IF NOT EXISTS office_ips TYPE = IPV4 VALUE_LIST = ('1.2.3.4')
----
status
OFFICE_IPS already exists, statement succeeded.

statement error Network rule 'SQLGATE.PUBLIC.OFFICE_IPS' already exists.
CREATE NETWORK RULE office_ips TYPE = IPV4 VALUE_LIST = ('1.2.3.4')

# bad rules: none of these creates or changes a rule
statement error Unknown TYPE 'HOST'; expected one of IPV4, AWSVPCEID, AZURELINKID, GCPPSCID, HOST_PORT, PRIVATE_HOST_PORT
CREATE NETWORK RULE bad_rule TYPE = HOST MODE = EGRESS VALUE_LIST = ('a.com')

statement error Unknown MODE 'outbound'; expected one of INGRESS, INTERNAL_STAGE, EGRESS
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = 'outbound' VALUE_LIST = ('a.com')

statement error CREATE NETWORK RULE requires TYPE
CREATE NETWORK RULE bad_rule MODE = EGRESS VALUE_LIST = ('a.com')

statement error CREATE NETWORK RULE requires VALUE_LIST
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS

statement error TYPE = HOST_PORT requires MODE = EGRESS, got MODE = INGRESS (the default)
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT VALUE_LIST = ('a.com')

statement error TYPE = PRIVATE_HOST_PORT requires MODE = EGRESS, got MODE = INTERNAL_STAGE (line 1, column 62)
CREATE NETWORK RULE bad_rule TYPE = PRIVATE_HOST_PORT MODE = INTERNAL_STAGE VALUE_LIST = ('a.com')

statement error Invalid VALUE_LIST entry 'pypi.org:0' for TYPE = HOST_PORT: the port must be a number from 1 to 65535 (line 1, column 84)
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('a.com', 'pypi.org:0')

statement error Invalid VALUE_LIST entry 'pypi.org:65536' for TYPE = HOST_PORT: the port must be a number from 1 to 65535
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('pypi.org:65536')

statement error Invalid VALUE_LIST entry 'pypi.org:https' for TYPE = HOST_PORT: the port must be a number from 1 to 65535
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('pypi.org:https')

statement error Invalid VALUE_LIST entry 'pypi.org:' for TYPE = HOST_PORT
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('pypi.org:')

statement error Invalid VALUE_LIST entry 'https://pypi.org' for TYPE = HOST_PORT
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('https://pypi.org')

statement error Invalid VALUE_LIST entry 'pypi..org:443' for TYPE = HOST_PORT: expected host or host:port
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('pypi..org:443')

statement error Invalid VALUE_LIST entry 'bad host:443' for TYPE = PRIVATE_HOST_PORT: expected host or host:port
CREATE NETWORK RULE bad_rule TYPE = PRIVATE_HOST_PORT MODE = EGRESS VALUE_LIST = ('bad host:443')

statement error Invalid VALUE_LIST entry '' for TYPE = HOST_PORT: an entry must not be empty
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('')

statement error Invalid VALUE_LIST entry '10.0.0.256' for TYPE = IPV4: expected an IPv4 address or a CIDR range
CREATE NETWORK RULE bad_rule TYPE = IPV4 VALUE_LIST = ('10.0.0.256')

statement error Invalid VALUE_LIST entry '10.0.0.0/33' for TYPE = IPV4
CREATE NETWORK RULE bad_rule TYPE = IPV4 VALUE_LIST = ('10.0.0.0/33')

statement error Invalid VALUE_LIST entry '10.0.0.0/255.0.0.0' for TYPE = IPV4
CREATE NETWORK RULE bad_rule TYPE = IPV4 VALUE_LIST = ('10.0.0.0/255.0.0.0')

statement error Invalid VALUE_LIST entry 'example.com' for TYPE = IPV4
CREATE NETWORK RULE bad_rule TYPE = IPV4 VALUE_LIST = ('example.com')

statement error Invalid VALUE_LIST entry '::1' for TYPE = IPV4
CREATE NETWORK RULE bad_rule TYPE = IPV4 VALUE_LIST = ('::1')

statement error VALUE_LIST entries must be strings, got pypi_org
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = (pypi_org)

statement error VALUE_LIST expects a parenthesised list
CREATE NETWORK RULE bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = 'pypi.org'

statement error Schema 'SQLGATE.NOPE' does not exist or not authorized.
CREATE NETWORK RULE nope.bad_rule TYPE = HOST_PORT MODE = EGRESS VALUE_LIST = ('a.com')

# a failed OR REPLACE keeps the rule it would have replaced
statement error Invalid VALUE_LIST entry '300.1.1.1' for TYPE = IPV4
CREATE OR REPLACE NETWORK RULE office_ips TYPE = IPV4 VALUE_LIST = ('300.1.1.1')

query
SHOW NETWORK RULES IN ACCOUNT
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | ALL_ACCESS_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 2 | ROLE
<ts> | AZURE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AZURELINKID | INGRESS | 1 | ROLE
<ts> | CONDA_FORGE_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 1 | ROLE
<ts> | EMPTY_EGRESS | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 0 | ROLE
<ts> | GCP_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | GCPPSCID | INGRESS | 1 | ROLE
<ts> | OFFICE_IPS | SQLGATE | PUBLIC | ACCOUNTADMIN | office | IPV4 | INGRESS | 2 | ROLE
<ts> | PRIVATE_API | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | PRIVATE_HOST_PORT | EGRESS | 2 | ROLE
<ts> | PYPI_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 4 | ROLE
<ts> | REMOTE_RULE | NET_DB | PUBLIC | ACCOUNTADMIN | elsewhere | HOST_PORT | EGRESS | 1 | ROLE
<ts> | STAGE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AWSVPCEID | INTERNAL_STAGE | 1 | ROLE

# --- external access integrations --------------------------------------------------------------
statement ok
CREATE SECRET pypi_token TYPE = GENERIC_STRING SECRET_STRING = 'pypi-AgEIcHlwaS5vcmc-do-not-show'

statement ok
CREATE SECRET net_db.public.registry_login TYPE = PASSWORD USERNAME = 'builder' PASSWORD = 'hunter2-do-not-show' COMMENT = 'registry'

# list items may be names, qualified names or strings; each is stored fully qualified
query
CREATE EXTERNAL ACCESS INTEGRATION wide_access
    ALLOWED_NETWORK_RULES = (sqlgate.public.all_access_rule, 'net_db.public.remote_rule', private_api, PRIVATE_API)
    ALLOWED_AUTHENTICATION_SECRETS = (pypi_token, net_db.public.registry_login)
    ALLOWED_API_AUTHENTICATION_INTEGRATIONS = (model_service_build_access)
    ENABLED = FALSE
    COMMENT = 'everything'
----
status
Integration WIDE_ACCESS successfully created.

statement ok
CREATE EXTERNAL ACCESS INTEGRATION any_secret ALLOWED_NETWORK_RULES = (empty_egress) ALLOWED_AUTHENTICATION_SECRETS = (all) ALLOWED_API_AUTHENTICATION_INTEGRATIONS = (none) ENABLED = TRUE

statement ok
CREATE EXTERNAL ACCESS INTEGRATION no_secret ALLOWED_NETWORK_RULES = (empty_egress) ALLOWED_AUTHENTICATION_SECRETS = (NONE) ENABLED = TRUE

query
SHOW INTEGRATIONS
----
name | type | category | enabled | comment | created_on
ANY_SECRET | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>
MODEL_SERVICE_BUILD_ACCESS | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>
NO_SECRET | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>
WIDE_ACCESS | EXTERNAL_ACCESS | SECURITY | false | everything | <ts>

query
SHOW EXTERNAL ACCESS INTEGRATIONS LIKE '%ACCESS'
----
name | type | category | enabled | comment | created_on
MODEL_SERVICE_BUILD_ACCESS | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>
WIDE_ACCESS | EXTERNAL_ACCESS | SECURITY | false | everything | <ts>

query
DESCRIBE INTEGRATION wide_access
----
property | property_type | property_value | property_default
ENABLED | Boolean | false | false
ALLOWED_NETWORK_RULES | List | SQLGATE.PUBLIC.ALL_ACCESS_RULE,NET_DB.PUBLIC.REMOTE_RULE,SQLGATE.PUBLIC.PRIVATE_API | []
ALLOWED_API_AUTHENTICATION_INTEGRATIONS | List | MODEL_SERVICE_BUILD_ACCESS | []
ALLOWED_AUTHENTICATION_SECRETS | List | SQLGATE.PUBLIC.PYPI_TOKEN,NET_DB.PUBLIC.REGISTRY_LOGIN | []
COMMENT | String | everything | NULL

query
DESC INTEGRATION any_secret
----
property | property_type | property_value | property_default
ENABLED | Boolean | true | false
ALLOWED_NETWORK_RULES | List | SQLGATE.PUBLIC.EMPTY_EGRESS | []
ALLOWED_API_AUTHENTICATION_INTEGRATIONS | List |  | []
ALLOWED_AUTHENTICATION_SECRETS | List | ALL | []
COMMENT | String | NULL | NULL

query
DESCRIBE EXTERNAL ACCESS INTEGRATION no_secret
----
property | property_type | property_value | property_default
ENABLED | Boolean | true | false
ALLOWED_NETWORK_RULES | List | SQLGATE.PUBLIC.EMPTY_EGRESS | []
ALLOWED_API_AUTHENTICATION_INTEGRATIONS | List |  | []
ALLOWED_AUTHENTICATION_SECRETS | List |  | []
COMMENT | String | NULL | NULL

query
CREATE EXTERNAL ACCESS INTEGRATION IF NOT EXISTS no_secret ALLOWED_NETWORK_RULES = (nope) ENABLED = TRUE
----
status
NO_SECRET already exists, statement succeeded.

statement error Integration 'NO_SECRET' already exists.
CREATE EXTERNAL ACCESS INTEGRATION no_secret ALLOWED_NETWORK_RULES = (empty_egress) ENABLED = TRUE

# bad integrations: none of these creates or changes one
statement error Network rule 'SQLGATE.PUBLIC.OFFICE_IPS' has MODE = INGRESS; an external access integration allows only MODE = EGRESS rules (line 1, column 69)
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (office_ips) ENABLED = TRUE

statement error Network rule 'SQLGATE.PUBLIC.STAGE_LINK' has MODE = INTERNAL_STAGE
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule, stage_link) ENABLED = TRUE

statement error Network rule 'SQLGATE.PUBLIC.NO_SUCH_RULE' does not exist or not authorized. (line 1, column 80)
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule, no_such_rule) ENABLED = TRUE

statement error Network rule 'NET_DB.PUBLIC.PYPI_RULE' does not exist or not authorized.
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = ('net_db.public.pypi_rule') ENABLED = TRUE

statement error 'a.b.c.d' is not a valid object name (line 1, column 80)
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule, a.b.c.d) ENABLED = TRUE

statement error '' is not a valid object name
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = ('') ENABLED = TRUE

statement error CREATE EXTERNAL ACCESS INTEGRATION requires ALLOWED_NETWORK_RULES
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ENABLED = TRUE

statement error ALLOWED_NETWORK_RULES must name at least one network rule
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = () ENABLED = TRUE

statement error CREATE EXTERNAL ACCESS INTEGRATION requires ENABLED
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule)

statement error ENABLED expects TRUE or FALSE
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule) ENABLED = 'yes'

statement error Secret 'SQLGATE.PUBLIC.NO_SUCH_SECRET' does not exist or not authorized.
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule) ALLOWED_AUTHENTICATION_SECRETS = (no_such_secret) ENABLED = TRUE

statement error ALL or NONE must be the only entry of ALLOWED_AUTHENTICATION_SECRETS (line 1, column 126)
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule) ALLOWED_AUTHENTICATION_SECRETS = (pypi_token, all) ENABLED = TRUE

statement error Integration 'NO_SUCH_INTEGRATION' does not exist or not authorized.
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule) ALLOWED_API_AUTHENTICATION_INTEGRATIONS = (no_such_integration) ENABLED = TRUE

statement error NONE must be the only entry of ALLOWED_API_AUTHENTICATION_INTEGRATIONS (line 1, column 123)
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule) ALLOWED_API_AUTHENTICATION_INTEGRATIONS = (none, any_secret) ENABLED = TRUE

statement error Integrations are account-level objects; 'sqlgate.public.any_secret' cannot be qualified with a database or schema (line 1, column 123)
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule) ALLOWED_API_AUTHENTICATION_INTEGRATIONS = (sqlgate.public.any_secret) ENABLED = TRUE

statement error Unknown option 'ALLOWED_IP_LIST' for CREATE EXTERNAL ACCESS INTEGRATION
CREATE EXTERNAL ACCESS INTEGRATION bad_eai ALLOWED_NETWORK_RULES = (pypi_rule) ALLOWED_IP_LIST = ('1.2.3.4') ENABLED = TRUE

# an integration cannot list the one it replaces; the failed OR REPLACE keeps the original
statement error Integration 'ANY_SECRET' does not exist or not authorized.
CREATE OR REPLACE EXTERNAL ACCESS INTEGRATION any_secret ALLOWED_NETWORK_RULES = (pypi_rule) ALLOWED_API_AUTHENTICATION_INTEGRATIONS = (any_secret) ENABLED = FALSE COMMENT = 'replaced'

query
SHOW INTEGRATIONS
----
name | type | category | enabled | comment | created_on
ANY_SECRET | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>
MODEL_SERVICE_BUILD_ACCESS | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>
NO_SECRET | EXTERNAL_ACCESS | SECURITY | true | NULL | <ts>
WIDE_ACCESS | EXTERNAL_ACCESS | SECURITY | false | everything | <ts>

query
DESCRIBE INTEGRATION any_secret
----
property | property_type | property_value | property_default
ENABLED | Boolean | true | false
ALLOWED_NETWORK_RULES | List | SQLGATE.PUBLIC.EMPTY_EGRESS | []
ALLOWED_API_AUTHENTICATION_INTEGRATIONS | List |  | []
ALLOWED_AUTHENTICATION_SECRETS | List | ALL | []
COMMENT | String | NULL | NULL

# a rule an integration uses cannot stop being EGRESS, nor be dropped
statement error Network rule 'SQLGATE.PUBLIC.PYPI_RULE' must stay MODE = EGRESS: it is listed by integration MODEL_SERVICE_BUILD_ACCESS
CREATE OR REPLACE NETWORK RULE pypi_rule TYPE = IPV4 VALUE_LIST = ('10.0.0.0/8')

statement error Network rule 'SQLGATE.PUBLIC.EMPTY_EGRESS' must stay MODE = EGRESS: it is listed by integrations ANY_SECRET, NO_SECRET (line 1, column 85)
CREATE OR REPLACE NETWORK RULE empty_egress TYPE = AWSVPCEID VALUE_LIST = () MODE = INGRESS

statement ok
CREATE OR REPLACE NETWORK RULE pypi_rule MODE = EGRESS TYPE = HOST_PORT VALUE_LIST = ('pypi.org', 'files.pythonhosted.org')

statement error Network rule 'SQLGATE.PUBLIC.PYPI_RULE' cannot be dropped: it is listed by integration MODEL_SERVICE_BUILD_ACCESS (line 1, column 19)
DROP NETWORK RULE pypi_rule

statement error Network rule 'SQLGATE.PUBLIC.PRIVATE_API' cannot be dropped: it is listed by integration WIDE_ACCESS
DROP NETWORK RULE private_api

statement error Network rule 'SQLGATE.PUBLIC.EMPTY_EGRESS' cannot be dropped: it is listed by integrations ANY_SECRET, NO_SECRET
DROP NETWORK RULE sqlgate.public.empty_egress

statement error Secret 'SQLGATE.PUBLIC.PYPI_TOKEN' cannot be dropped: it is listed by integration WIDE_ACCESS
DROP SECRET pypi_token

statement error Integration 'MODEL_SERVICE_BUILD_ACCESS' cannot be dropped: it is listed by integration WIDE_ACCESS
DROP INTEGRATION model_service_build_access

query
SHOW NETWORK RULES LIKE 'PYPI_RULE'
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | PYPI_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 2 | ROLE

query
DROP EXTERNAL ACCESS INTEGRATION wide_access
----
status
WIDE_ACCESS successfully dropped.

query
DROP SECRET pypi_token
----
status
PYPI_TOKEN successfully dropped.

query
DROP NETWORK RULE private_api
----
status
PRIVATE_API successfully dropped.

query
DROP INTEGRATION model_service_build_access
----
status
MODEL_SERVICE_BUILD_ACCESS successfully dropped.

query
DROP INTEGRATION IF EXISTS model_service_build_access
----
status
Drop statement executed successfully (MODEL_SERVICE_BUILD_ACCESS already dropped).

statement error Integration 'MODEL_SERVICE_BUILD_ACCESS' does not exist or not authorized. (line 1, column 34)
DROP EXTERNAL ACCESS INTEGRATION model_service_build_access

statement error Integration 'NOPE' does not exist or not authorized.
DESCRIBE INTEGRATION nope

statement error Integration 'NOPE' does not exist or not authorized.
DESCRIBE EXTERNAL ACCESS INTEGRATION nope

statement ok
DROP NETWORK RULE pypi_rule

query
DROP NETWORK RULE IF EXISTS pypi_rule
----
status
Drop statement executed successfully (PYPI_RULE already dropped).

statement error Network rule 'SQLGATE.PUBLIC.PYPI_RULE' does not exist or not authorized.
DROP NETWORK RULE pypi_rule

statement error Network rule 'SQLGATE.PUBLIC.PYPI_RULE' does not exist or not authorized. (line 1, column 23)
DESCRIBE NETWORK RULE pypi_rule

# --- secrets -------------------------------------------------------------------------------------
query
SHOW SECRETS IN ACCOUNT
----
created_on | name | schema_name | database_name | owner | comment | secret_type | oauth_scopes | owner_role_type
<ts> | REGISTRY_LOGIN | PUBLIC | NET_DB | ACCOUNTADMIN | registry | PASSWORD | NULL | ROLE

query
DESCRIBE SECRET net_db.public.registry_login
----
created_on | name | schema_name | database_name | owner | comment | secret_type | username | oauth_access_token_expiry_time | oauth_refresh_token_expiry_time | oauth_scopes | integration_name
<ts> | REGISTRY_LOGIN | PUBLIC | NET_DB | ACCOUNTADMIN | registry | PASSWORD | builder | NULL | NULL | NULL | NULL

statement ok
CREATE SECRET plain TYPE = 'generic_string' SECRET_STRING = 'do-not-show-3' COMMENT = 'plain'

query
DESC SECRET plain
----
created_on | name | schema_name | database_name | owner | comment | secret_type | username | oauth_access_token_expiry_time | oauth_refresh_token_expiry_time | oauth_scopes | integration_name
<ts> | PLAIN | PUBLIC | SQLGATE | ACCOUNTADMIN | plain | GENERIC_STRING | NULL | NULL | NULL | NULL | NULL

query
SHOW SECRETS
----
created_on | name | schema_name | database_name | owner | comment | secret_type | oauth_scopes | owner_role_type
<ts> | PLAIN | PUBLIC | SQLGATE | ACCOUNTADMIN | plain | GENERIC_STRING | NULL | ROLE

query
CREATE SECRET IF NOT EXISTS plain TYPE = PASSWORD USERNAME = 'u' PASSWORD = 'do-not-show-4'
----
status
PLAIN already exists, statement succeeded.

statement error Secret 'SQLGATE.PUBLIC.PLAIN' already exists.
CREATE SECRET plain TYPE = GENERIC_STRING SECRET_STRING = 'do-not-show-5'

# bad secrets: none of these creates or changes one
statement error Unknown TYPE 'OAUTH2'; expected one of GENERIC_STRING, PASSWORD
CREATE SECRET bad_secret TYPE = OAUTH2 SECRET_STRING = 'x'

statement error CREATE SECRET requires TYPE
CREATE SECRET bad_secret SECRET_STRING = 'x'

statement error A secret of TYPE = GENERIC_STRING requires SECRET_STRING (missing SECRET_STRING)
CREATE SECRET bad_secret TYPE = GENERIC_STRING

statement error A secret of TYPE = PASSWORD requires USERNAME and PASSWORD (missing PASSWORD)
CREATE SECRET bad_secret TYPE = PASSWORD USERNAME = 'u'

statement error USERNAME is not valid for a secret of TYPE = GENERIC_STRING (it takes SECRET_STRING)
CREATE SECRET bad_secret TYPE = GENERIC_STRING SECRET_STRING = 'x' USERNAME = 'u'

statement error SECRET_STRING is not valid for a secret of TYPE = PASSWORD (it takes USERNAME and PASSWORD)
CREATE SECRET bad_secret TYPE = PASSWORD USERNAME = 'u' PASSWORD = 'p' SECRET_STRING = 'x'

statement error Unknown option 'OAUTH_SCOPES' for CREATE SECRET
CREATE SECRET bad_secret TYPE = GENERIC_STRING OAUTH_SCOPES = ('a')

statement error SECRET_STRING expects a string
CREATE SECRET bad_secret TYPE = GENERIC_STRING SECRET_STRING = 42

statement error Schema 'NET_DB.NOPE' does not exist or not authorized.
CREATE SECRET net_db.nope.bad_secret TYPE = GENERIC_STRING SECRET_STRING = 'x'

# a failed OR REPLACE keeps the secret it would have replaced
statement error A secret of TYPE = PASSWORD requires USERNAME and PASSWORD (missing USERNAME, PASSWORD)
CREATE OR REPLACE SECRET plain TYPE = PASSWORD

statement ok
CREATE OR REPLACE SECRET net_db.public.registry_login TYPE = GENERIC_STRING SECRET_STRING = 'do-not-show-6'

query
SHOW SECRETS IN ACCOUNT
----
created_on | name | schema_name | database_name | owner | comment | secret_type | oauth_scopes | owner_role_type
<ts> | PLAIN | PUBLIC | SQLGATE | ACCOUNTADMIN | plain | GENERIC_STRING | NULL | ROLE
<ts> | REGISTRY_LOGIN | PUBLIC | NET_DB | ACCOUNTADMIN | NULL | GENERIC_STRING | NULL | ROLE

query
SHOW SECRETS IN DATABASE net_db
----
created_on | name | schema_name | database_name | owner | comment | secret_type | oauth_scopes | owner_role_type
<ts> | REGISTRY_LOGIN | PUBLIC | NET_DB | ACCOUNTADMIN | NULL | GENERIC_STRING | NULL | ROLE

statement error Secret 'SQLGATE.PUBLIC.NOPE' does not exist or not authorized. (line 1, column 17)
DESCRIBE SECRET nope

query
DROP SECRET plain
----
status
PLAIN successfully dropped.

query
DROP SECRET IF EXISTS plain
----
status
Drop statement executed successfully (PLAIN already dropped).

statement error Secret 'SQLGATE.PUBLIC.PLAIN' does not exist or not authorized.
DROP SECRET plain

# dropping a database drops its rules and secrets
statement ok
DROP DATABASE net_db

query
SHOW SECRETS IN ACCOUNT
----
created_on | name | schema_name | database_name | owner | comment | secret_type | oauth_scopes | owner_role_type

query
SHOW NETWORK RULES IN ACCOUNT
----
created_on | name | database_name | schema_name | owner | comment | type | mode | entries_in_valuelist | owner_role_type
<ts> | ALL_ACCESS_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 2 | ROLE
<ts> | AZURE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AZURELINKID | INGRESS | 1 | ROLE
<ts> | CONDA_FORGE_RULE | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 1 | ROLE
<ts> | EMPTY_EGRESS | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | HOST_PORT | EGRESS | 0 | ROLE
<ts> | GCP_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | GCPPSCID | INGRESS | 1 | ROLE
<ts> | OFFICE_IPS | SQLGATE | PUBLIC | ACCOUNTADMIN | office | IPV4 | INGRESS | 2 | ROLE
<ts> | STAGE_LINK | SQLGATE | PUBLIC | ACCOUNTADMIN | NULL | AWSVPCEID | INTERNAL_STAGE | 1 | ROLE
