"""dbt imports `dbt.adapters.<name>.__version__.version` for every adapter it runs."""

from sqlgate import __version__

version = __version__
