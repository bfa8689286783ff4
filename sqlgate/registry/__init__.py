"""The model registry's storage side: the version directory format (manifest.py) and the
artifact store that copies verified version directories under the data directory (store.py).

Flavors, signatures and the Python Registry API build on these modules in later issues.
"""
