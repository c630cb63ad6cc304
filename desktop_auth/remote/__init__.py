"""The sign-in server and its client: the core's capabilities over HTTPS (issue 14).

``wire`` says which capability methods cross the boundary and how their arguments,
results and errors look as JSON; ``server`` serves them (FastAPI under uvicorn);
``client`` is ``RemoteService``, which the GUI and the CLI hold instead of an in-process
``AuthService`` when a server is configured.
"""
