-- The docker-compose cluster's quickstart (README, "Growing past one machine"):
--   SQLGATE_PASSWORD=... sqlgate --url http://127.0.0.1:8000 -U admin -f examples/quickstart.sql
-- A compute pool, a model version registered from a saved version directory on the gateway
-- (the gateway image carries this example; see the README for your own), a service with two
-- instances on the Ray workers, and queries that run on them. Safe to run again.
\set ON_ERROR_STOP 1

CREATE COMPUTE POOL IF NOT EXISTS quickstart_pool
  MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XS AUTO_RESUME = TRUE;
CREATE DATABASE IF NOT EXISTS quickstart;
USE SCHEMA quickstart.public;

-- Log the model: a saved version directory (manifest.json lists its files and their sha256).
CREATE MODEL IF NOT EXISTS churn WITH VERSION v1 FROM '/opt/sqlgate/examples/churn/v1';

-- Two instances of CPU_X64_XS (one CPU each): one per Ray worker.
CREATE SERVICE IF NOT EXISTS churn_svc IN COMPUTE POOL quickstart_pool
  FOR MODEL churn VERSION v1 MIN_INSTANCES = 2 MAX_INSTANCES = 2;

CREATE OR REPLACE TABLE customers (id INT, tenure DOUBLE, spend DOUBLE);
INSERT INTO customers VALUES (1, 0.05, 0.10), (2, 0.40, 0.30), (3, 0.75, 0.90), (4, 0.95, 0.20);

-- The service function (the first call waits for the service to be up) ...
SELECT id, churn_svc_predict(tenure, spend):output_feature_0 AS churns
FROM customers ORDER BY id;
-- ... and the model call, which goes to the service hosting its version.
SELECT id, churn!predict_proba(tenure, spend):output_feature_1 AS p_churn
FROM customers ORDER BY id;

\x on
SHOW SERVICES LIKE 'CHURN_SVC';
\x off
-- ip_address: the Ray worker each instance runs on
SHOW SERVICE INSTANCES IN SERVICE churn_svc;
CALL SYSTEM$GET_SERVICE_LOGS('churn_svc', 0, 'model-inference', 2);
