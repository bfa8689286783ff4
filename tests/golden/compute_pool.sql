# Compute pools: seed 000's statement, every clause, ALTER forms, SHOW filters, DESCRIBE, DROP,
# and the bad input the issue names. Each failed statement must change nothing.
statement ok
CREATE COMPUTE POOL IF NOT EXISTS mypool
    MIN_NODES = 2
    MAX_NODES = 4
    INSTANCE_FAMILY = 'CPU_X64_M'
    AUTO_RESUME = TRUE;

query
SHOW COMPUTE POOLS
----
name | state | min_nodes | max_nodes | instance_family | num_services | num_jobs | auto_suspend_secs | auto_resume | active_nodes | idle_nodes | target_nodes | created_on | resumed_on | updated_on | owner | comment | is_exclusive | application | backup_instance_families
MYPOOL | IDLE | 2 | 4 | CPU_X64_M | 0 | 0 | 3600 | true | 0 | 0 | 2 | <ts> | <ts> | <ts> | ACCOUNTADMIN | NULL | false | NULL | NULL

# IF NOT EXISTS on an existing pool succeeds and changes nothing
query
CREATE COMPUTE POOL IF NOT EXISTS mypool MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS
----
status
MYPOOL already exists, statement succeeded.

statement error Compute pool 'MYPOOL' already exists.
CREATE COMPUTE POOL mypool MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS

statement ok
CREATE COMPUTE POOL gpu_pool MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = gpu_nv_s INITIALLY_SUSPENDED = TRUE AUTO_SUSPEND_SECS = 600 WITH TAG (team = 'ml', cost_center = '42') COMMENT = 'for GPU models' PLACEMENT_GROUP = 'DISTRIBUTED'

query
DESCRIBE COMPUTE POOL gpu_pool
----
name | state | min_nodes | max_nodes | instance_family | num_services | num_jobs | auto_suspend_secs | auto_resume | active_nodes | idle_nodes | target_nodes | placement_group | created_on | resumed_on | updated_on | owner | comment | is_exclusive | application | budget | error_code | status_message
GPU_POOL | SUSPENDED | 1 | 2 | GPU_NV_S | 0 | 0 | 600 | true | 0 | 0 | 0 | DISTRIBUTED | <ts> | NULL | <ts> | ACCOUNTADMIN | for GPU models | false | NULL | NULL | NULL | Compute pool is suspended

query
SHOW COMPUTE POOLS LIKE 'my%'
----
name | state | min_nodes | max_nodes | instance_family | num_services | num_jobs | auto_suspend_secs | auto_resume | active_nodes | idle_nodes | target_nodes | created_on | resumed_on | updated_on | owner | comment | is_exclusive | application | backup_instance_families
MYPOOL | IDLE | 2 | 4 | CPU_X64_M | 0 | 0 | 3600 | true | 0 | 0 | 2 | <ts> | <ts> | <ts> | ACCOUNTADMIN | NULL | false | NULL | NULL

query
SHOW COMPUTE POOLS STARTS WITH 'GPU'
----
name | state | min_nodes | max_nodes | instance_family | num_services | num_jobs | auto_suspend_secs | auto_resume | active_nodes | idle_nodes | target_nodes | created_on | resumed_on | updated_on | owner | comment | is_exclusive | application | backup_instance_families
GPU_POOL | SUSPENDED | 1 | 2 | GPU_NV_S | 0 | 0 | 600 | true | 0 | 0 | 0 | <ts> | NULL | <ts> | ACCOUNTADMIN | for GPU models | false | NULL | NULL

query
SHOW COMPUTE POOLS LIMIT 1 FROM 'GPU_POOL'
----
name | state | min_nodes | max_nodes | instance_family | num_services | num_jobs | auto_suspend_secs | auto_resume | active_nodes | idle_nodes | target_nodes | created_on | resumed_on | updated_on | owner | comment | is_exclusive | application | backup_instance_families
MYPOOL | IDLE | 2 | 4 | CPU_X64_M | 0 | 0 | 3600 | true | 0 | 0 | 2 | <ts> | <ts> | <ts> | ACCOUNTADMIN | NULL | false | NULL | NULL

statement error MAX_NODES (2) must be greater than or equal to MIN_NODES (3)
CREATE COMPUTE POOL p MIN_NODES = 3 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_M

statement error MIN_NODES must be at least 1, got 0
CREATE COMPUTE POOL p MIN_NODES = 0 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_M

statement error Unknown INSTANCE_FAMILY 'CPU_X64_XXL'
CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XXL

statement error CREATE COMPUTE POOL requires INSTANCE_FAMILY
CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 2

statement error Unknown option 'MIN_NODE' for CREATE COMPUTE POOL
CREATE COMPUTE POOL p MIN_NODE = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_M

statement error MIN_NODES expects an integer
CREATE COMPUTE POOL p MIN_NODES = 'two' MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_M

statement error MAX_NODES (200) exceeds the node limit of CPU_X64_M (150)
CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 200 INSTANCE_FAMILY = CPU_X64_M

statement ok
ALTER COMPUTE POOL mypool SUSPEND

statement ok
ALTER COMPUTE POOL gpu_pool RESUME

statement ok
ALTER COMPUTE POOL mypool SET MIN_NODES = 1 MAX_NODES = 3 AUTO_SUSPEND_SECS = 120 COMMENT = 'resized'

statement ok
ALTER COMPUTE POOL gpu_pool SET TAG team = 'platform', owner = 'ana'

statement ok
ALTER COMPUTE POOL gpu_pool UNSET TAG cost_center

statement ok
ALTER COMPUTE POOL gpu_pool UNSET AUTO_SUSPEND_SECS, COMMENT, PLACEMENT_GROUP

# a failed ALTER changes nothing: MAX_NODES stays 3
statement error MAX_NODES (1) must be greater than or equal to MIN_NODES (2)
ALTER COMPUTE POOL mypool SET MIN_NODES = 2 MAX_NODES = 1

statement ok
ALTER COMPUTE POOL mypool STOP ALL

query
SHOW COMPUTE POOLS
----
name | state | min_nodes | max_nodes | instance_family | num_services | num_jobs | auto_suspend_secs | auto_resume | active_nodes | idle_nodes | target_nodes | created_on | resumed_on | updated_on | owner | comment | is_exclusive | application | backup_instance_families
GPU_POOL | IDLE | 1 | 2 | GPU_NV_S | 0 | 0 | 3600 | true | 0 | 0 | 1 | <ts> | <ts> | <ts> | ACCOUNTADMIN | NULL | false | NULL | NULL
MYPOOL | SUSPENDED | 1 | 3 | CPU_X64_M | 0 | 0 | 120 | true | 0 | 0 | 0 | <ts> | <ts> | <ts> | ACCOUNTADMIN | resized | false | NULL | NULL

statement error Compute pool 'NOPE' does not exist or not authorized.
ALTER COMPUTE POOL nope SUSPEND

statement ok
ALTER COMPUTE POOL IF EXISTS nope SUSPEND

statement error ALTER COMPUTE POOL can UNSET only
ALTER COMPUTE POOL mypool UNSET MIN_NODES

query
DROP COMPUTE POOL mypool
----
status
MYPOOL successfully dropped.

query
DROP COMPUTE POOL IF EXISTS mypool
----
status
Drop statement executed successfully (MYPOOL already dropped).

statement error Compute pool 'MYPOOL' does not exist or not authorized.
DROP COMPUTE POOL mypool

statement error Compute pool 'NOPE' does not exist or not authorized.
DESCRIBE COMPUTE POOL nope

query
SHOW COMPUTE POOL INSTANCE FAMILIES LIKE 'CPU_X64_%'
----
name | vcpu | memory_gib | storage_gb | gpus | gpu_type | gpu_memory_gb | node_limit | note
CPU_X64_L | 28 | 116 | 100 | 0 | NULL | NULL | 150 | NULL
CPU_X64_M | 6 | 28 | 100 | 0 | NULL | NULL | 150 | NULL
CPU_X64_S | 3 | 13 | 100 | 0 | NULL | NULL | 150 | NULL
CPU_X64_SL | 14 | 54 | 100 | 0 | NULL | NULL | 150 | except China
CPU_X64_XS | 1 | 6 | 100 | 0 | NULL | NULL | 150 | NULL
