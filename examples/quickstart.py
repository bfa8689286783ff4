"""The README's tour, runnable: log a model from Python, give a version an alias, and call it
from SQL on the embedded default data directory ($SQLGATE_HOME or ~/.sqlgate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import sqlgate
from sqlgate.registry import Registry

rng = np.random.default_rng(0)
X = pd.DataFrame(rng.random((1_000, 2)), columns=["TENURE", "SPEND"])
y = (X.TENURE + 0.3 * X.SPEND > 0.8).astype(int)

with sqlgate.connect() as conn:
    conn.execute("CREATE DATABASE IF NOT EXISTS tour; USE SCHEMA tour.public")
    reg = Registry(session=conn)
    if "CHURN" in reg.show_models()["name"].tolist():
        reg.delete_model("churn")  # start the tour afresh
    reg.log_model(
        LogisticRegression().fit(X, y),
        model_name="churn",
        version_name="v1",
        sample_input_data=X,
        metrics={"accuracy": 0.91},
    )
    conn.execute("ALTER MODEL churn VERSION v1 SET ALIAS = production")
    conn.execute(
        "CREATE OR REPLACE TABLE customers AS"
        " SELECT range AS id, uniform(0::DOUBLE, 1::DOUBLE, random()) AS tenure,"
        " uniform(0::DOUBLE, 1::DOUBLE, random()) AS spend FROM range(5)"
    )
    queries = {
        "default version": "SELECT id, churn!predict(tenure, spend):output_feature_0 AS churns"
        " FROM customers ORDER BY id",
        "through the alias": "WITH prod AS MODEL churn VERSION production"
        " SELECT id, prod!predict_proba(tenure, spend):output_feature_1 AS p_churn"
        " FROM customers ORDER BY id",
        "the registry as a table": "SELECT model_name, model_version_name,"
        " metadata:metric:accuracy AS accuracy FROM tour.INFORMATION_SCHEMA.MODEL_VERSIONS",
    }
    for title, sql in queries.items():
        cursor = conn.execute(sql)
        print(f"-- {title}")
        print([d[0] for d in cursor.description])
        for row in cursor.fetchall():
            print(row)
