"""The `sqlgate` command: a psql-style REPL and batch runner on the embedded data directory.

main.py holds the typer app, shell.py runs SQL and backslash commands and prints what they
return, commands.py is the table of backslash commands, format.py renders Arrow tables,
completion.py and repl.py are the interactive front-end.
"""
