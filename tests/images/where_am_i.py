"""The model of tests/images/test_service_containers.py, in a module of its own: a custom model
is pickled by value, code positions included, so editing the tests must not change its bytes
(and with them its image's content-hash tag, which would cost a rebuild)."""

from __future__ import annotations

import pandas as pd

from sqlgate.registry import custom_model


class WhereAmI(custom_model.CustomModel):
    """Answers with the interpreter's prefix and a word only the image's library can make."""

    @custom_model.inference_api
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        import sys

        try:
            import inflection

            word = inflection.pluralize("model")
        except ImportError:  # the gateway (logging the model infers its signature here)
            word = "no inflection here"
        n = len(X)
        return pd.DataFrame({"prefix": [sys.prefix] * n, "word": [word] * n, "x": X["a"] * 2})
