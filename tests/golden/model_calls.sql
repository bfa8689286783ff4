# Model calls that fail before any model is loaded (resolution, functions, arity), and the
# session parameter that decides what a failing row does. Calls that run models are in
# tests/test_model_calls.py, which trains real scikit-learn models.
statement ok
CREATE MODEL my_model FROM '{fixtures}/models/linear';
ALTER MODEL my_model ADD VERSION v2 FROM '{fixtures}/models/classifier';
ALTER MODEL my_model VERSION v2 SET ALIAS = beta;
CREATE TABLE t (a FLOAT, b FLOAT)

statement error Model 'SQLGATE.PUBLIC.NO_SUCH_MODEL' does not exist or not authorized. (line 1, column 8)
SELECT no_such_model!predict(a, b) FROM t

statement error Version 'V9' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized. (line 1, column 24)
SELECT MODEL(my_model, v9)!predict(a, b) FROM t

statement error Version 'GAMMA' of model 'SQLGATE.PUBLIC.MY_MODEL' does not exist or not authorized. (line 1, column 34)
WITH m AS MODEL my_model VERSION gamma SELECT m!predict(a, b) FROM t

statement error Model SQLGATE.PUBLIC.MY_MODEL version V1 has no function PREDICT_PROBA; its functions are PREDICT (line 1, column 8)
SELECT my_model!predict_proba(a, b) FROM t

statement error Function PREDICT_PROBA of model SQLGATE.PUBLIC.MY_MODEL version V2 takes 2 arguments, got 1: PREDICT_PROBA(SEPAL_LENGTH FLOAT, "species code" NUMBER) RETURN OBJECT
WITH m AS MODEL my_model VERSION beta SELECT m!predict_proba(a) FROM t

statement error * must be the only argument of a model function: PREDICT(A FLOAT, B FLOAT) RETURN OBJECT
SELECT my_model!predict(*, a) FROM t

statement error Expected a model name before '!'
SELECT (1 + 2)!predict(a, b) FROM t

query
SHOW PARAMETERS
----
key | value | default | level | description | type
MODEL_CALL_ON_ERROR | RETURN_NULL | RETURN_NULL |  | What a model call does with a row it cannot score: RETURN_NULL returns NULL outputs with the message in the ERROR field; ABORT fails the query. | STRING
QUERY_TAG |  |  |  | A label for the session's queries (as clients such as dbt set it); kept and shown only. | STRING

statement ok
ALTER SESSION SET MODEL_CALL_ON_ERROR = ABORT

query
SHOW PARAMETERS LIKE 'model%' IN SESSION
----
key | value | default | level | description | type
MODEL_CALL_ON_ERROR | ABORT | RETURN_NULL | SESSION | What a model call does with a row it cannot score: RETURN_NULL returns NULL outputs with the message in the ERROR field; ABORT fails the query. | STRING

statement error Invalid value 'FAIL' for parameter MODEL_CALL_ON_ERROR; expected ABORT or RETURN_NULL
ALTER SESSION SET MODEL_CALL_ON_ERROR = FAIL

statement error Invalid parameter 'TIMEZONE'; the session parameters sqlgate has are MODEL_CALL_ON_ERROR
ALTER SESSION UNSET MODEL_CALL_ON_ERROR, TIMEZONE

query
SHOW PARAMETERS
----
key | value | default | level | description | type
MODEL_CALL_ON_ERROR | ABORT | RETURN_NULL | SESSION | What a model call does with a row it cannot score: RETURN_NULL returns NULL outputs with the message in the ERROR field; ABORT fails the query. | STRING
QUERY_TAG |  |  |  | A label for the session's queries (as clients such as dbt set it); kept and shown only. | STRING

statement ok
ALTER SESSION UNSET MODEL_CALL_ON_ERROR

query
SHOW PARAMETERS
----
key | value | default | level | description | type
MODEL_CALL_ON_ERROR | RETURN_NULL | RETURN_NULL |  | What a model call does with a row it cannot score: RETURN_NULL returns NULL outputs with the message in the ERROR field; ABORT fails the query. | STRING
QUERY_TAG |  |  |  | A label for the session's queries (as clients such as dbt set it); kept and shown only. | STRING
