"""Programs built on the engine that are not a front end: they drive a session themselves.

Nothing here reads a terminal or prints (no click, no rich): the CLI and, later, the web app
call these functions and render the pydantic results they return.
"""
