"""sqlgate."""
