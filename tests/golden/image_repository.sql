# Image repositories: seed 000's statement verbatim, every clause, SHOW scopes and filters,
# SHOW IMAGES, DROP, and the bad input the issue names. Each failed statement changes nothing.
statement ok
CREATE IMAGE REPOSITORY IF NOT EXISTS my_inference_images

query
SHOW IMAGE REPOSITORIES
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | MY_INFERENCE_IMAGES | SQLGATE | PUBLIC | sqlgate/public/my_inference_images | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

# IF NOT EXISTS on an existing repository succeeds and changes nothing (encryption stays SSE)
query
CREATE IMAGE REPOSITORY IF NOT EXISTS my_inference_images ENCRYPTION = (TYPE = 'SNOWFLAKE_FULL')
----
status
MY_INFERENCE_IMAGES already exists, statement succeeded.

statement error Image repository 'SQLGATE.PUBLIC.MY_INFERENCE_IMAGES' already exists.
CREATE IMAGE REPOSITORY my_inference_images

query
CREATE IMAGE REPOSITORY full_images ENCRYPTION = (TYPE = 'SNOWFLAKE_FULL') COMMENT = 'models, fully encrypted' WITH TAG (team = 'ml')
----
status
Image repository FULL_IMAGES successfully created.

statement ok
CREATE DATABASE ml_db

statement ok
CREATE SCHEMA ml_db.serving

statement ok
CREATE IMAGE REPOSITORY ml_db.serving."Mixed_Case" ENCRYPTION = (TYPE = snowflake_sse) TAG (team = 'ml')

# Docker repository paths are lower case, so names that differ only in case would share one
statement error Image repository 'ML_DB.SERVING.MIXED_CASE' would share the registry path 'ml_db/serving/mixed_case' with 'ML_DB.SERVING.Mixed_Case'
CREATE IMAGE REPOSITORY ml_db.serving.mixed_case

statement error Schema 'ML_DB.NOPE' does not exist or not authorized. (line 1, column 31)
CREATE IMAGE REPOSITORY ml_db.nope.bad_repo

statement ok
USE SCHEMA sqlgate.public

query
SHOW IMAGE REPOSITORIES
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | FULL_IMAGES | SQLGATE | PUBLIC | sqlgate/public/full_images | ACCOUNTADMIN | ROLE | models, fully encrypted | SNOWFLAKE_FULL | NULL
<ts> | MY_INFERENCE_IMAGES | SQLGATE | PUBLIC | sqlgate/public/my_inference_images | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

query
SHOW IMAGE REPOSITORIES IN ACCOUNT
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | FULL_IMAGES | SQLGATE | PUBLIC | sqlgate/public/full_images | ACCOUNTADMIN | ROLE | models, fully encrypted | SNOWFLAKE_FULL | NULL
<ts> | MY_INFERENCE_IMAGES | SQLGATE | PUBLIC | sqlgate/public/my_inference_images | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL
<ts> | Mixed_Case | ML_DB | SERVING | ml_db/serving/mixed_case | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

query
SHOW IMAGE REPOSITORIES IN DATABASE ml_db
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | Mixed_Case | ML_DB | SERVING | ml_db/serving/mixed_case | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

query
SHOW IMAGE REPOSITORIES IN SCHEMA ml_db.serving
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | Mixed_Case | ML_DB | SERVING | ml_db/serving/mixed_case | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

query
SHOW IMAGE REPOSITORIES IN SCHEMA
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | FULL_IMAGES | SQLGATE | PUBLIC | sqlgate/public/full_images | ACCOUNTADMIN | ROLE | models, fully encrypted | SNOWFLAKE_FULL | NULL
<ts> | MY_INFERENCE_IMAGES | SQLGATE | PUBLIC | sqlgate/public/my_inference_images | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

query
SHOW IMAGE REPOSITORIES LIKE '%full%' IN ACCOUNT
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | FULL_IMAGES | SQLGATE | PUBLIC | sqlgate/public/full_images | ACCOUNTADMIN | ROLE | models, fully encrypted | SNOWFLAKE_FULL | NULL

query
SHOW IMAGE REPOSITORIES STARTS WITH 'MY'
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | MY_INFERENCE_IMAGES | SQLGATE | PUBLIC | sqlgate/public/my_inference_images | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

# a bare IN names a schema
query
SHOW IMAGE REPOSITORIES IN ml_db.serving
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | Mixed_Case | ML_DB | SERVING | ml_db/serving/mixed_case | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

statement error Database 'NO_DB' does not exist or not authorized.
SHOW IMAGE REPOSITORIES IN DATABASE no_db

statement error Schema 'ML_DB.NOPE' does not exist or not authorized.
SHOW IMAGE REPOSITORIES IN SCHEMA ml_db.nope

# OR REPLACE swaps the repository's properties
statement ok
CREATE OR REPLACE IMAGE REPOSITORY full_images COMMENT = 'replaced'

query
SHOW IMAGE REPOSITORIES LIKE 'FULL_IMAGES'
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | FULL_IMAGES | SQLGATE | PUBLIC | sqlgate/public/full_images | ACCOUNTADMIN | ROLE | replaced | SNOWFLAKE_SSE | NULL

# bad input: nothing below creates a repository
statement error Unknown ENCRYPTION TYPE 'AES256'; expected one of SNOWFLAKE_SSE, SNOWFLAKE_FULL
CREATE IMAGE REPOSITORY bad_repo ENCRYPTION = (TYPE = 'AES256')

statement error ENCRYPTION expects (TYPE = 'SNOWFLAKE_SSE') or (TYPE = 'SNOWFLAKE_FULL')
CREATE IMAGE REPOSITORY bad_repo ENCRYPTION = (KMS_KEY = 'k')

statement error ENCRYPTION expects
CREATE IMAGE REPOSITORY bad_repo ENCRYPTION = ()

statement error Unknown option 'ENCRYPTED' for CREATE IMAGE REPOSITORY
CREATE IMAGE REPOSITORY bad_repo ENCRYPTED = TRUE

statement error COMMENT expects a string
CREATE IMAGE REPOSITORY bad_repo COMMENT = 42

statement error Schema 'ML_DB.NOPE' does not exist or not authorized.
CREATE IMAGE REPOSITORY ml_db.nope.bad_repo

statement error Database 'NO_DB' does not exist or not authorized. (line 1, column 25)
CREATE IMAGE REPOSITORY no_db.public.bad_repo

# a failed OR REPLACE keeps the repository it would have replaced
statement error Unknown ENCRYPTION TYPE 'NONE'
CREATE OR REPLACE IMAGE REPOSITORY my_inference_images ENCRYPTION = (TYPE = 'NONE')

query
SHOW IMAGE REPOSITORIES IN ACCOUNT
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | FULL_IMAGES | SQLGATE | PUBLIC | sqlgate/public/full_images | ACCOUNTADMIN | ROLE | replaced | SNOWFLAKE_SSE | NULL
<ts> | MY_INFERENCE_IMAGES | SQLGATE | PUBLIC | sqlgate/public/my_inference_images | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL
<ts> | Mixed_Case | ML_DB | SERVING | ml_db/serving/mixed_case | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

query
SHOW IMAGES IN IMAGE REPOSITORY my_inference_images
----
created_on | image_name | tags | digest | image_path | size

query
SHOW IMAGES IN IMAGE REPOSITORY ml_db.serving."Mixed_Case"
----
created_on | image_name | tags | digest | image_path | size

statement error Image repository 'SQLGATE.PUBLIC.NOPE' does not exist or not authorized. (line 1, column 33)
SHOW IMAGES IN IMAGE REPOSITORY nope

statement error Image repository 'ML_DB.SERVING.MIXED_CASE' does not exist or not authorized.
SHOW IMAGES IN IMAGE REPOSITORY ml_db.serving.mixed_case

query
DROP IMAGE REPOSITORY full_images
----
status
FULL_IMAGES successfully dropped.

query
DROP IMAGE REPOSITORY IF EXISTS full_images
----
status
Drop statement executed successfully (FULL_IMAGES already dropped).

statement error Image repository 'SQLGATE.PUBLIC.FULL_IMAGES' does not exist or not authorized. (line 1, column 23)
DROP IMAGE REPOSITORY full_images

query
DROP IMAGE REPOSITORY ml_db.serving."Mixed_Case"
----
status
Mixed_Case successfully dropped.

# dropping a schema drops the repositories in it
statement ok
CREATE IMAGE REPOSITORY ml_db.serving.doomed

statement ok
DROP SCHEMA ml_db.serving

query
SHOW IMAGE REPOSITORIES IN ACCOUNT
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | MY_INFERENCE_IMAGES | SQLGATE | PUBLIC | sqlgate/public/my_inference_images | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

# the seed's statement, with its trailing semicolon, in a script
query
DROP IMAGE REPOSITORY my_inference_images; CREATE IMAGE REPOSITORY IF NOT EXISTS my_inference_images;
----
status
Image repository MY_INFERENCE_IMAGES successfully created.

# with no current database, SHOW covers the account (as Snowflake's does) and CREATE needs a name
statement ok
CREATE IMAGE REPOSITORY ml_db.public.elsewhere

statement ok
DROP DATABASE sqlgate

query
SHOW IMAGE REPOSITORIES
----
created_on | name | database_name | schema_name | repository_url | owner | owner_role_type | comment | encryption | privatelink_repository_url
<ts> | ELSEWHERE | ML_DB | PUBLIC | ml_db/public/elsewhere | ACCOUNTADMIN | ROLE | NULL | SNOWFLAKE_SSE | NULL

statement error This session does not have a current database
CREATE IMAGE REPOSITORY homeless

query
CREATE IMAGE REPOSITORY ml_db.public.housed
----
status
Image repository HOUSED successfully created.
