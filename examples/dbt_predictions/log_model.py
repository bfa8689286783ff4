"""Log the `churn` model this project scores with: two versions, `production` on V1.

    SQLGATE_HOME=/path/to/home python log_model.py

Run once before `dbt build`. Later, move the alias and build again; only rows scored by
another version are scored again:

    sqlgate --home /path/to/home -c "ALTER MODEL churn VERSION v2 SET ALIAS = production"
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import sqlgate
from sqlgate.registry import Registry


def main() -> None:
    rng = np.random.default_rng(0)
    features = pd.DataFrame(rng.random((2_000, 2)), columns=["TENURE", "SPEND"])
    churned = (features.SPEND - 0.6 * features.TENURE > 0.1).astype(int)
    with sqlgate.connect() as conn:  # $SQLGATE_HOME
        registry = Registry(session=conn)
        if "CHURN" in registry.show_models()["name"].tolist():
            registry.delete_model("churn")
        for version, strength in (("v1", 1.0), ("v2", 0.05)):
            registry.log_model(
                LogisticRegression(C=strength).fit(features, churned),
                model_name="churn",
                version_name=version,
                sample_input_data=features,
            )
        conn.execute("ALTER MODEL churn VERSION v1 SET ALIAS = production")


if __name__ == "__main__":
    main()
