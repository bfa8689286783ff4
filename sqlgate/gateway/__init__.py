"""Sessions, the catalog, and the path every statement takes from text to an Arrow result."""
