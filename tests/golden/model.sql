# Models, versions and aliases: CREATE / ALTER / DROP MODEL, SHOW MODELS, SHOW VERSIONS and
# SHOW FUNCTIONS IN MODEL, seed 002's three lifecycle schemes, and every bad input. Version
# directories are under tests/fixtures/models ({fixtures} stands for tests/fixtures).
# Each failed statement must change nothing; the SHOWs after each batch of failures check that.
# WITH VERSION omitted: the first version is named V1 and becomes the default
statement ok
CREATE MODEL my_model FROM '{fixtures}/models/linear'

query
SHOW MODELS
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | V1 | ["V1"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V1"}

query
SHOW VERSIONS IN MODEL my_model
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | V1 | ["DEFAULT","FIRST","LAST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | true | ["PREDICT"] | {} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []

query
SHOW FUNCTIONS IN MODEL my_model
----
created_on | name | version_name | min_num_arguments | max_num_arguments | arguments | return_type | description | language | is_table_function
<ts> | PREDICT | V1 | 2 | 2 | PREDICT(A FLOAT, B FLOAT) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false

query
CREATE MODEL IF NOT EXISTS my_model WITH VERSION v9 FROM '{fixtures}/models/classifier'
----
status
MY_MODEL already exists, statement succeeded.

statement error Model 'SQLGATE.PUBLIC.MY_MODEL' already exists.
CREATE MODEL my_model WITH VERSION v9 FROM '{fixtures}/models/classifier'

query
ALTER MODEL my_model ADD VERSION v2 FROM '{fixtures}/models/classifier'
----
status
Statement executed successfully.

# a signature column that is not a plain identifier is shown quoted
query
SHOW FUNCTIONS IN MODEL my_model VERSION v2
----
created_on | name | version_name | min_num_arguments | max_num_arguments | arguments | return_type | description | language | is_table_function
<ts> | PREDICT | V2 | 2 | 2 | PREDICT(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false
<ts> | PREDICT_PROBA | V2 | 2 | 2 | PREDICT_PROBA(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false

query
SHOW FUNCTIONS LIKE '%proba' IN MODEL my_model VERSION LAST
----
created_on | name | version_name | min_num_arguments | max_num_arguments | arguments | return_type | description | language | is_table_function
<ts> | PREDICT_PROBA | V2 | 2 | 2 | PREDICT_PROBA(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false

# --- seed 002, "Using aliases" (verbatim) ------------------------------------------------------
statement ok
ALTER MODEL my_model VERSION v1 SET ALIAS = production;

statement ok
ALTER MODEL my_model VERSION v2 SET ALIAS = alpha;

query
SHOW VERSIONS IN MODEL my_model
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | V1 | ["DEFAULT","FIRST","PRODUCTION"] | NULL | SQLGATE | PUBLIC | MY_MODEL | true | ["PREDICT"] | {} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []
<ts> | V2 | ["ALPHA","LAST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | false | ["PREDICT","PREDICT_PROBA"] | {} | {} | {"framework":"custom"} | 1322 | {"python_version":"3.11","requirements":["numpy>=1.26","scikit-learn>=1.4"]} | ["WAREHOUSE"] | []

statement ok
ALTER MODEL my_model VERSION v2 UNSET ALIAS;
ALTER MODEL my_model VERSION v2 SET ALIAS = beta;

query
SHOW MODELS LIKE 'my_model'
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | V1 | ["V1","V2"] | {"BETA":"V2","DEFAULT":"V1","FIRST":"V1","LAST":"V2","PRODUCTION":"V1"}

# an alias names one version: moving it needs an UNSET first
statement error Alias PRODUCTION is already set on version V1 of model SQLGATE.PUBLIC.MY_MODEL; UNSET it first
ALTER MODEL my_model VERSION v2 SET ALIAS = production

# setting an alias a version already has is a no-op
statement ok
ALTER MODEL my_model VERSION v2 SET ALIAS = beta

statement ok
ALTER MODEL my_model VERSION v1 UNSET ALIAS;
ALTER MODEL my_model VERSION v2 UNSET ALIAS;
ALTER MODEL my_model VERSION v2 SET ALIAS = production;

query
SHOW MODELS LIKE 'MY_%'
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | V1 | ["V1","V2"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V2","PRODUCTION":"V2"}

# an alias (user or system) can stand for a version wherever one is looked up
query
SHOW FUNCTIONS IN MODEL my_model VERSION production
----
created_on | name | version_name | min_num_arguments | max_num_arguments | arguments | return_type | description | language | is_table_function
<ts> | PREDICT | V2 | 2 | 2 | PREDICT(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false
<ts> | PREDICT_PROBA | V2 | 2 | 2 | PREDICT_PROBA(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false

query
SHOW FUNCTIONS IN MODEL my_model VERSION FIRST
----
created_on | name | version_name | min_num_arguments | max_num_arguments | arguments | return_type | description | language | is_table_function
<ts> | PREDICT | V1 | 2 | 2 | PREDICT(A FLOAT, B FLOAT) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false

# VERSION <alias> UNSET ALIAS removes just that alias (V2 keeps PRODUCTION)
statement ok
ALTER MODEL my_model VERSION v2 SET ALIAS = canary

statement ok
ALTER MODEL my_model VERSION canary UNSET ALIAS

# a string literal keeps its case, like a quoted identifier
statement ok
ALTER MODEL my_model VERSION v1 SET ALIAS = 'Stable'

query
SHOW MODELS LIKE 'my_model'
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | V1 | ["V1","V2"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V2","PRODUCTION":"V2","Stable":"V1"}

statement error Version 'STABLE' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized. Did you mean Stable? Quoted names are case-sensitive.
ALTER MODEL my_model VERSION stable UNSET ALIAS

statement ok
ALTER MODEL my_model VERSION "Stable" UNSET ALIAS

# --- alias errors ------------------------------------------------------------------------------
statement error DEFAULT is a system alias and cannot be set
ALTER MODEL my_model VERSION v2 SET ALIAS = default

statement error last is a system alias and cannot be set
ALTER MODEL my_model VERSION v1 SET ALIAS = 'last'

statement error FIRST is a system alias and cannot be unset
ALTER MODEL my_model VERSION first UNSET ALIAS

statement error V1 is the name of a version of model SQLGATE.PUBLIC.MY_MODEL
ALTER MODEL my_model VERSION v2 SET ALIAS = v1

statement error Version 'V7' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
ALTER MODEL my_model VERSION v7 SET ALIAS = gamma

statement error Version 'NOPE' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
ALTER MODEL my_model VERSION nope UNSET ALIAS

statement error 'PRODUCTION' is already an alias of model SQLGATE.PUBLIC.MY_MODEL
ALTER MODEL my_model ADD VERSION production FROM '{fixtures}/models/linear'

statement error 'LAST' cannot name a version: DEFAULT, FIRST and LAST are system aliases
ALTER MODEL my_model ADD VERSION last FROM '{fixtures}/models/linear'

statement error Version 'V2' of model 'SQLGATE.PUBLIC.MY_MODEL' already exists.
ALTER MODEL my_model ADD VERSION v2 FROM '{fixtures}/models/linear'

# --- seed 002, "Using the default version" -------------------------------------------------------
statement ok
ALTER MODEL my_model ADD VERSION new_version FROM '{fixtures}/models/linear'

statement ok
ALTER MODEL my_model SET DEFAULT_VERSION = new_version;

statement ok
ALTER MODEL my_model MODIFY VERSION v1
SET METADATA = '{"metric": {"accuracy": 0.769}}';

statement ok
ALTER MODEL my_model MODIFY VERSION production SET COMMENT = 'promoted after review'

query
SHOW VERSIONS IN MODEL my_model
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | NEW_VERSION | ["DEFAULT","LAST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | true | ["PREDICT"] | {} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []
<ts> | V1 | ["FIRST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | false | ["PREDICT"] | {"metric":{"accuracy":0.769}} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []
<ts> | V2 | ["PRODUCTION"] | promoted after review | SQLGATE | PUBLIC | MY_MODEL | false | ["PREDICT","PREDICT_PROBA"] | {} | {} | {"framework":"custom"} | 1322 | {"python_version":"3.11","requirements":["numpy>=1.26","scikit-learn>=1.4"]} | ["WAREHOUSE"] | []

# DEFAULT_VERSION takes a version name, quoted or bare
statement ok
ALTER MODEL my_model SET DEFAULT_VERSION = 'V1'

statement error Version 'v2' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized. Did you mean V2? Quoted names are case-sensitive.
ALTER MODEL my_model SET DEFAULT_VERSION = 'v2'

statement error Version 'V3' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
ALTER MODEL my_model SET DEFAULT_VERSION = v3

statement error Version 'PRODUCTION' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
ALTER MODEL my_model SET DEFAULT_VERSION = production

statement error Version V1 is the default version of model SQLGATE.PUBLIC.MY_MODEL and cannot be dropped; SET DEFAULT_VERSION to another version first
ALTER MODEL my_model DROP VERSION v1

# DROP VERSION takes a version name, not an alias
statement error Version 'PRODUCTION' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
ALTER MODEL my_model DROP VERSION production

statement error METADATA must be a JSON object, got list '[1, 2]'
ALTER MODEL my_model MODIFY VERSION v1 SET METADATA = '[1, 2]'

statement error METADATA must be a JSON object: Expecting value
ALTER MODEL my_model MODIFY VERSION v1 SET METADATA = 'accuracy=0.9'

statement error Version 'V5' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
ALTER MODEL my_model MODIFY VERSION v5 SET COMMENT = 'x'

statement error Version 'V5' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
SHOW FUNCTIONS IN MODEL my_model VERSION v5

# --- bad version directories: each is refused and registers nothing ------------------------------
statement error Stages are not available in sqlgate (@my_stage/models/v3); save the model version to a directory and use FROM '<directory>'
ALTER MODEL my_model ADD VERSION v3 FROM @my_stage/models/v3

statement error Stages are not available in sqlgate
CREATE MODEL staged WITH VERSION v1 FROM @~/staged

statement error does not exist or is not a directory
ALTER MODEL my_model ADD VERSION v3 FROM '{fixtures}/models/no_such_directory'

statement error /models/no_manifest': manifest.json is missing
ALTER MODEL my_model ADD VERSION v3 FROM '{fixtures}/models/no_manifest'

statement error /models/bad_json': manifest.json is not valid JSON
ALTER MODEL my_model ADD VERSION v3 FROM '{fixtures}/models/bad_json'

statement error /models/missing_key': manifest.json: the manifest is missing 'functions'
ALTER MODEL my_model ADD VERSION v3 FROM '{fixtures}/models/missing_key'

statement error manifest.json: functions[0].inputs[0].type must be one of INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, FLOAT, DOUBLE, BOOL, STRING, BYTES, TIMESTAMP_NTZ, got 'FLOAT64'
ALTER MODEL my_model ADD VERSION v3 FROM '{fixtures}/models/bad_type'

statement error /models/tampered': file 'model/weights.json' does not match manifest.json (tampered or corrupt)
ALTER MODEL my_model ADD VERSION v3 FROM '{fixtures}/models/tampered'

statement error /models/missing_file': file 'model/weights.json' listed in manifest.json is missing
CREATE MODEL missing WITH VERSION v1 FROM '{fixtures}/models/missing_file'

statement error manifest.json: files[0].path '../linear/model/weights.json' must not contain '..'
CREATE OR REPLACE MODEL my_model FROM '{fixtures}/models/escape'

# nothing above changed the model (the failed OR REPLACE included)
query
SHOW MODELS
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | V1 | ["V1","V2","NEW_VERSION"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"NEW_VERSION","PRODUCTION":"V2"}

query
SHOW VERSIONS IN MODEL my_model
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | NEW_VERSION | ["LAST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | false | ["PREDICT"] | {} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []
<ts> | V1 | ["DEFAULT","FIRST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | true | ["PREDICT"] | {"metric":{"accuracy":0.769}} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []
<ts> | V2 | ["PRODUCTION"] | promoted after review | SQLGATE | PUBLIC | MY_MODEL | false | ["PREDICT","PREDICT_PROBA"] | {} | {} | {"framework":"custom"} | 1322 | {"python_version":"3.11","requirements":["numpy>=1.26","scikit-learn>=1.4"]} | ["WAREHOUSE"] | []

# --- dropping a version takes its aliases with it -----------------------------------------------
statement ok
ALTER MODEL my_model DROP VERSION v2

query
SHOW VERSIONS LIKE '%V%' IN MODEL my_model
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | NEW_VERSION | ["LAST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | false | ["PREDICT"] | {} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []
<ts> | V1 | ["DEFAULT","FIRST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | true | ["PREDICT"] | {"metric":{"accuracy":0.769}} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []

# the alias went with V2, so PRODUCTION is free again (and a dropped name can be reused)
statement ok
ALTER MODEL my_model ADD VERSION v2 FROM '{fixtures}/models/classifier';
ALTER MODEL my_model VERSION v2 SET ALIAS = production;

statement ok
ALTER MODEL my_model MODIFY VERSION v1 SET COMMENT = 'baseline'

statement ok
ALTER MODEL my_model MODIFY VERSION v1 UNSET METADATA, COMMENT

query
SHOW VERSIONS LIKE 'v1' IN MODEL my_model
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | V1 | ["DEFAULT","FIRST"] | NULL | SQLGATE | PUBLIC | MY_MODEL | true | ["PREDICT"] | {} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []

# --- model comment and tags ----------------------------------------------------------------------
statement ok
ALTER MODEL my_model SET COMMENT = 'iris models'

statement ok
ALTER MODEL my_model SET TAG cost_center = 'ml', owner_team = 'risk'

statement ok
ALTER MODEL my_model UNSET TAG owner_team

query
SHOW MODELS
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | iris models | ACCOUNTADMIN | V1 | ["V1","NEW_VERSION","V2"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V2","PRODUCTION":"V2"}

statement ok
ALTER MODEL my_model UNSET COMMENT

# --- seed 002, "Using multiple schemas" ----------------------------------------------------------
# The seed copies V12 from dev_db.dev_sch and V24 from dev_db.dev_schema (the Snowflake page
# spells the schema both ways), so both development schemas exist here.
statement ok
CREATE DATABASE dev_db;
CREATE SCHEMA dev_db.dev_sch;
CREATE SCHEMA dev_db.dev_schema;
CREATE DATABASE prod_db;
CREATE SCHEMA prod_db.prod_schema;
USE SCHEMA sqlgate.public;

statement ok
CREATE MODEL dev_db.dev_sch.dev_model WITH VERSION V12 FROM '{fixtures}/models/linear';
ALTER MODEL dev_db.dev_sch.dev_model MODIFY VERSION V12 SET COMMENT = 'trained on 2024 data', METADATA = '{"metric": {"accuracy": 0.91}}';

statement ok
CREATE MODEL dev_db.dev_schema.dev_model WITH VERSION V23 FROM '{fixtures}/models/linear';
ALTER MODEL dev_db.dev_schema.dev_model ADD VERSION V24 FROM '{fixtures}/models/classifier';

statement ok
CREATE MODEL prod_db.prod_schema.prod_model WITH VERSION V1
FROM MODEL dev_db.dev_sch.dev_model VERSION V12;

statement ok
ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V2
FROM MODEL dev_db.dev_schema.dev_model VERSION V24;

statement ok
ALTER MODEL prod_db.prod_schema.prod_model
SET DEFAULT_VERSION = V2;

query
SHOW VERSIONS IN MODEL prod_db.prod_schema.prod_model
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | V1 | ["FIRST"] | trained on 2024 data | PROD_DB | PROD_SCHEMA | PROD_MODEL | false | ["PREDICT"] | {"metric":{"accuracy":0.91}} | {} | {"framework":"custom"} | 696 | {"python_version":"3.11","requirements":["numpy>=1.26"]} | ["WAREHOUSE"] | []
<ts> | V2 | ["DEFAULT","LAST"] | NULL | PROD_DB | PROD_SCHEMA | PROD_MODEL | true | ["PREDICT","PREDICT_PROBA"] | {} | {} | {"framework":"custom"} | 1322 | {"python_version":"3.11","requirements":["numpy>=1.26","scikit-learn>=1.4"]} | ["WAREHOUSE"] | []

# roll back, as the seed's tip does
statement ok
ALTER MODEL prod_db.prod_schema.prod_model SET DEFAULT_VERSION = V1;

# FROM MODEL without VERSION copies the source's default version; VERSION may be an alias
statement ok
ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V3 FROM MODEL dev_db.dev_schema.dev_model;
ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V4 FROM MODEL dev_db.dev_schema.dev_model VERSION LAST;

query
SHOW FUNCTIONS IN MODEL prod_db.prod_schema.prod_model VERSION V3
----
created_on | name | version_name | min_num_arguments | max_num_arguments | arguments | return_type | description | language | is_table_function
<ts> | PREDICT | V3 | 2 | 2 | PREDICT(A FLOAT, B FLOAT) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false

query
SHOW FUNCTIONS IN MODEL prod_db.prod_schema.prod_model VERSION V4
----
created_on | name | version_name | min_num_arguments | max_num_arguments | arguments | return_type | description | language | is_table_function
<ts> | PREDICT | V4 | 2 | 2 | PREDICT(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false
<ts> | PREDICT_PROBA | V4 | 2 | 2 | PREDICT_PROBA(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT | OBJECT | user-defined function | PYTHON | false

statement error Model 'DEV_DB.DEV_SCH.NO_MODEL' does not exist or not authorized.
ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V5 FROM MODEL dev_db.dev_sch.no_model

statement error Version 'V99' of model 'DEV_DB.DEV_SCH.DEV_MODEL' does not exist or not authorized.
CREATE MODEL prod_db.prod_schema.other WITH VERSION V1 FROM MODEL dev_db.dev_sch.dev_model VERSION V99

# OR REPLACE may copy from the model it replaces
statement ok
CREATE OR REPLACE MODEL dev_db.dev_schema.dev_model WITH VERSION V30 FROM MODEL dev_db.dev_schema.dev_model VERSION V24

query
SHOW MODELS IN DATABASE dev_db
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | DEV_MODEL | USER_MODEL | DEV_DB | DEV_SCH | NULL | ACCOUNTADMIN | V12 | ["V12"] | {"DEFAULT":"V12","FIRST":"V12","LAST":"V12"}
<ts> | DEV_MODEL | USER_MODEL | DEV_DB | DEV_SCHEMA | NULL | ACCOUNTADMIN | V30 | ["V30"] | {"DEFAULT":"V30","FIRST":"V30","LAST":"V30"}

query
SHOW MODELS IN SCHEMA prod_db.prod_schema
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | PROD_MODEL | USER_MODEL | PROD_DB | PROD_SCHEMA | NULL | ACCOUNTADMIN | V1 | ["V1","V2","V3","V4"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V4"}

# without IN: the current database (SQLGATE), every schema in it
query
SHOW MODELS
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | V1 | ["V1","NEW_VERSION","V2"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V2","PRODUCTION":"V2"}

query
SHOW MODELS IN ACCOUNT
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | DEV_MODEL | USER_MODEL | DEV_DB | DEV_SCH | NULL | ACCOUNTADMIN | V12 | ["V12"] | {"DEFAULT":"V12","FIRST":"V12","LAST":"V12"}
<ts> | DEV_MODEL | USER_MODEL | DEV_DB | DEV_SCHEMA | NULL | ACCOUNTADMIN | V30 | ["V30"] | {"DEFAULT":"V30","FIRST":"V30","LAST":"V30"}
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | V1 | ["V1","NEW_VERSION","V2"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V2","PRODUCTION":"V2"}
<ts> | PROD_MODEL | USER_MODEL | PROD_DB | PROD_SCHEMA | NULL | ACCOUNTADMIN | V1 | ["V1","V2","V3","V4"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V4"}

query
SHOW MODELS IN ACCOUNT STARTS WITH 'PROD'
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | PROD_MODEL | USER_MODEL | PROD_DB | PROD_SCHEMA | NULL | ACCOUNTADMIN | V1 | ["V1","V2","V3","V4"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V4"}

statement error Database 'NO_DB' does not exist or not authorized.
SHOW MODELS IN DATABASE no_db

statement error Schema 'PROD_DB.NO_SCHEMA' does not exist or not authorized.
SHOW MODELS IN SCHEMA prod_db.no_schema

# --- RENAME ---------------------------------------------------------------------------------------
statement ok
ALTER MODEL dev_db.dev_schema.dev_model RENAME TO dev_db.dev_sch.dev_model_v30

statement error Model 'DEV_DB.DEV_SCH.DEV_MODEL' already exists.
ALTER MODEL dev_db.dev_sch.dev_model_v30 RENAME TO dev_db.dev_sch.dev_model

statement error Schema 'DEV_DB.NO_SCHEMA' does not exist or not authorized.
ALTER MODEL dev_db.dev_sch.dev_model_v30 RENAME TO dev_db.no_schema.dev_model

statement ok
ALTER MODEL dev_db.dev_sch.dev_model_v30 VERSION V30 SET ALIAS = staging

# versions, aliases and artifacts move with the model
query
SHOW VERSIONS IN MODEL dev_db.dev_sch.dev_model_v30
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | V30 | ["DEFAULT","FIRST","LAST","STAGING"] | NULL | DEV_DB | DEV_SCH | DEV_MODEL_V30 | true | ["PREDICT","PREDICT_PROBA"] | {} | {} | {"framework":"custom"} | 1322 | {"python_version":"3.11","requirements":["numpy>=1.26","scikit-learn>=1.4"]} | ["WAREHOUSE"] | []

statement error Model 'DEV_DB.DEV_SCHEMA.DEV_MODEL' does not exist or not authorized.
SHOW VERSIONS IN MODEL dev_db.dev_schema.dev_model

# the old name is free again
statement ok
CREATE MODEL dev_db.dev_schema.dev_model FROM '{fixtures}/models/linear'

# --- quoted names keep their case ----------------------------------------------------------------
statement ok
CREATE MODEL "Iris Model" WITH VERSION "v1.0" FROM '{fixtures}/models/classifier'

statement ok
ALTER MODEL "Iris Model" VERSION "v1.0" SET ALIAS = champion

query
SHOW VERSIONS IN MODEL "Iris Model"
----
created_on | name | aliases | comment | database_name | schema_name | model_name | is_default_version | functions | metadata | user_data | model_attributes | size | environment | runnable_in | inference_services
<ts> | v1.0 | ["CHAMPION","DEFAULT","FIRST","LAST"] | NULL | SQLGATE | PUBLIC | Iris Model | true | ["PREDICT","PREDICT_PROBA"] | {} | {} | {"framework":"custom"} | 1322 | {"python_version":"3.11","requirements":["numpy>=1.26","scikit-learn>=1.4"]} | ["WAREHOUSE"] | []

statement error Model 'SQLGATE.PUBLIC.IRIS MODEL' does not exist or not authorized.
SHOW VERSIONS IN MODEL "IRIS MODEL"

# --- unknown models and schemas -----------------------------------------------------------------
statement error Schema 'SQLGATE.NOPE' does not exist or not authorized.
CREATE MODEL nope.m FROM '{fixtures}/models/linear'

statement error Database 'NOPE' does not exist or not authorized.
CREATE MODEL nope.public.m FROM '{fixtures}/models/linear'

statement error Model 'SQLGATE.PUBLIC.NOPE' does not exist or not authorized.
ALTER MODEL nope SET COMMENT = 'x'

query
ALTER MODEL IF EXISTS nope SET COMMENT = 'x'
----
status
Statement executed successfully.

statement error Model 'SQLGATE.PUBLIC.NOPE' does not exist or not authorized.
ALTER MODEL nope ADD VERSION v1 FROM '{fixtures}/models/linear'

statement error Model 'SQLGATE.PUBLIC.NOPE' does not exist or not authorized.
SHOW VERSIONS IN MODEL nope

statement error Model 'SQLGATE.PUBLIC.NOPE' does not exist or not authorized.
SHOW FUNCTIONS IN MODEL nope

statement error Model 'SQLGATE.PUBLIC.NOPE' does not exist or not authorized.
DROP MODEL nope

# --- OR REPLACE and DROP ---------------------------------------------------------------------------
query
CREATE OR REPLACE MODEL my_model WITH VERSION fresh FROM '{fixtures}/models/linear'
----
status
Model MY_MODEL successfully created.

query
SHOW MODELS LIKE 'my_model'
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | MY_MODEL | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | FRESH | ["FRESH"] | {"DEFAULT":"FRESH","FIRST":"FRESH","LAST":"FRESH"}

query
DROP MODEL my_model
----
status
MY_MODEL successfully dropped.

query
DROP MODEL IF EXISTS my_model
----
status
Drop statement executed successfully (MY_MODEL already dropped).

statement ok
DROP MODEL prod_db.prod_schema.prod_model

query
SHOW MODELS IN ACCOUNT
----
created_on | name | model_type | database_name | schema_name | comment | owner | default_version_name | versions | aliases
<ts> | DEV_MODEL | USER_MODEL | DEV_DB | DEV_SCH | NULL | ACCOUNTADMIN | V12 | ["V12"] | {"DEFAULT":"V12","FIRST":"V12","LAST":"V12"}
<ts> | DEV_MODEL | USER_MODEL | DEV_DB | DEV_SCHEMA | NULL | ACCOUNTADMIN | V1 | ["V1"] | {"DEFAULT":"V1","FIRST":"V1","LAST":"V1"}
<ts> | DEV_MODEL_V30 | USER_MODEL | DEV_DB | DEV_SCH | NULL | ACCOUNTADMIN | V30 | ["V30"] | {"DEFAULT":"V30","FIRST":"V30","LAST":"V30","STAGING":"V30"}
<ts> | Iris Model | USER_MODEL | SQLGATE | PUBLIC | NULL | ACCOUNTADMIN | v1.0 | ["v1.0"] | {"CHAMPION":"v1.0","DEFAULT":"v1.0","FIRST":"v1.0","LAST":"v1.0"}
