"""One module per statement family: nodes, parse functions and SQL functions, no I/O.

Each module exports the tables the dialect merges (any it does not need can be absent):
CREATE_PARSERS / ALTER_PARSERS (keyword sequence -> parse function), DROP_KINDS,
SHOW_KINDS and DESCRIBE_KINDS (object kinds for sqlglot's own Drop/Show/Describe nodes),
and TRANSFORMS (node class -> SQL function).
"""
