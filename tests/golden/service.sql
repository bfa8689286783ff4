# Services: the statements and errors that need no running Ray (a bad statement never starts
# it). Services that run are tested against a real local Ray in tests/services/.
statement ok
CREATE COMPUTE POOL mypool MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XS;
CREATE COMPUTE POOL off MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS INITIALLY_SUSPENDED = TRUE AUTO_RESUME = FALSE;
CREATE MODEL my_model FROM '{fixtures}/models/linear';
ALTER MODEL my_model VERSION v1 SET ALIAS = production

query
SHOW SERVICES
----
name | status | database_name | schema_name | owner | compute_pool | dns_name | current_instances | target_instances | min_ready_instances | min_instances | max_instances | auto_resume | external_access_integrations | created_on | updated_on | resumed_on | suspended_on | auto_suspend_secs | comment | owner_role_type | query_warehouse | is_job | is_async_job | spec_digest | is_upgrading | managing_object_domain | managing_object_name

statement error Unknown option 'MIN_NODES' for CREATE SERVICE; expected one of AUTO_RESUME, AUTO_SUSPEND_SECS, COMMENT, EXTERNAL_ACCESS_INTEGRATIONS, GPU_REQUESTS, IMAGE_REPOSITORY, INGRESS_ENABLED, MAX_BATCH_ROWS, MAX_INSTANCES, MIN_INSTANCES, NUM_WORKERS, RUN_IN_IMAGE
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 MIN_NODES = 1

statement error RUN_IN_IMAGE expects TRUE or FALSE
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 RUN_IN_IMAGE = 'yes'

statement error Service SQLGATE.PUBLIC.S must run its replicas in the model's own image (RUN_IN_IMAGE = TRUE), and no image repository was named to build it in: add IMAGE_REPOSITORY = <repository>
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 RUN_IN_IMAGE = TRUE

statement error Image repository 'SQLGATE.PUBLIC.NO_REPO' does not exist or not authorized.
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 RUN_IN_IMAGE = TRUE IMAGE_REPOSITORY = no_repo

statement error Integration 'NOPE' does not exist or not authorized.
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 EXTERNAL_ACCESS_INTEGRATIONS = (nope)

statement ok
CREATE NETWORK RULE pypi MODE = EGRESS TYPE = HOST_PORT VALUE_LIST = ('example.com');
CREATE EXTERNAL ACCESS INTEGRATION off_eai ALLOWED_NETWORK_RULES = (pypi) ENABLED = FALSE

statement error External access integration 'OFF_EAI' is disabled
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 EXTERNAL_ACCESS_INTEGRATIONS = (off_eai)

statement error CREATE SERVICE ... FROM SPECIFICATION is not supported
CREATE SERVICE s IN COMPUTE POOL mypool FROM SPECIFICATION $$spec: {}$$

statement error Expected FOR MODEL
CREATE SERVICE s IN COMPUTE POOL mypool

statement error Compute pool 'NO_POOL' does not exist or not authorized. (line 1, column 34)
CREATE SERVICE s IN COMPUTE POOL no_pool FOR MODEL my_model VERSION v1

statement error Compute pool OFF is suspended and AUTO_RESUME = FALSE; ALTER COMPUTE POOL OFF RESUME first
CREATE SERVICE s IN COMPUTE POOL off FOR MODEL my_model VERSION v1

statement error Model 'SQLGATE.PUBLIC.NO_MODEL' does not exist or not authorized. (line 1, column 51)
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL no_model VERSION v1

statement error Version 'V9' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized.
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v9

statement error MAX_INSTANCES (1) must be greater than or equal to MIN_INSTANCES (2) (line 1, column 89)
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 MIN_INSTANCES = 2 MAX_INSTANCES = 1

statement error MAX_INSTANCES (3) exceeds MAX_NODES (2) of compute pool MYPOOL: each instance takes a node
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 MAX_INSTANCES = 3

statement error GPU_REQUESTS = 1 but instance family CPU_X64_XS of compute pool MYPOOL has 0 GPUs per node
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 GPU_REQUESTS = 1

statement error MIN_INSTANCES must be at least 1, got 0
CREATE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1 MIN_INSTANCES = 0

statement error CREATE OR REPLACE SERVICE is not supported
CREATE OR REPLACE SERVICE s IN COMPUTE POOL mypool FOR MODEL my_model VERSION v1

# nothing above created a service (and nothing started Ray)
query
SHOW SERVICES IN COMPUTE POOL mypool
----
name | status | database_name | schema_name | owner | compute_pool | dns_name | current_instances | target_instances | min_ready_instances | min_instances | max_instances | auto_resume | external_access_integrations | created_on | updated_on | resumed_on | suspended_on | auto_suspend_secs | comment | owner_role_type | query_warehouse | is_job | is_async_job | spec_digest | is_upgrading | managing_object_domain | managing_object_name

statement error Compute pool 'NOPE' does not exist or not authorized.
SHOW SERVICES IN COMPUTE POOL nope

statement error Service 'SQLGATE.PUBLIC.S' does not exist or not authorized. (line 1, column 15)
ALTER SERVICE s SUSPEND

query
ALTER SERVICE IF EXISTS s SUSPEND
----
status
Statement executed successfully.

statement error ALTER SERVICE can UNSET only AUTO_RESUME, AUTO_SUSPEND_SECS, COMMENT, MAX_INSTANCES, MIN_INSTANCES
ALTER SERVICE s UNSET GPU_REQUESTS

statement error Service 'SQLGATE.PUBLIC.S' does not exist or not authorized.
DROP SERVICE s

query
DROP SERVICE IF EXISTS s
----
status
Drop statement executed successfully (S already dropped).

statement error Service 'SQLGATE.PUBLIC.S' does not exist or not authorized.
DESCRIBE SERVICE s

statement error Service 'SQLGATE.PUBLIC.S' does not exist or not authorized.
SHOW ENDPOINTS IN SERVICE s

statement error Service 'SQLGATE.PUBLIC.S' does not exist or not authorized.
CALL SYSTEM$GET_SERVICE_LOGS('s', 0, 'model-inference')

statement error Service 'SQLGATE.PUBLIC.S' does not exist or not authorized.
SELECT SYSTEM$GET_SERVICE_STATUS('s')
