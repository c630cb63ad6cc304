"""``desktop-auth server``: run the sign-in server; ``server init``: its first administrator.

The server alone opens the store and the data key.  It speaks HTTPS; plain HTTP only on a
loopback address and only when asked (``--insecure-loopback``), for a single host or a
reverse proxy on the same machine.
"""

from __future__ import annotations

from dataclasses import replace

from desktop_auth.cli.context import CliContext
from desktop_auth.errors import ServerExtraMissingError, ServerInsecureError, ServerListenError

SHUTDOWN_GRACE_SECONDS = 10


def _host_and_port(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    try:
        number = int(port)
    except ValueError:
        raise ServerListenError(listen=listen) from None
    if not host or not 0 < number < 65536:
        raise ServerListenError(listen=listen)
    return host.strip("[]"), number


def run(ctx: CliContext) -> int:
    try:
        import uvicorn

        from desktop_auth.remote.server import ServerLimits, create_app
    except ImportError:  # installed without the server extra (a workstation)
        raise ServerExtraMissingError() from None

    from desktop_auth.core.service import AuthService, RateLimitPolicy
    from desktop_auth.remote.connect import is_loopback

    args = ctx.args
    host, port = _host_and_port(args.listen)
    secure = args.certificate is not None and args.private_key is not None
    if not secure and not (args.insecure_loopback and is_loopback(host)):
        raise ServerInsecureError(url=f"http://{args.listen}")
    # The server is the store's only client: a server_url in its own config means nothing.
    service = AuthService.open(replace(ctx.config, server_url=None))
    try:
        defaults = RateLimitPolicy()
        limits = ServerLimits(
            budgets=RateLimitPolicy(
                per_address=args.requests_per_minute or defaults.per_address,
                per_account=args.attempts_per_minute or defaults.per_account,
            )
        )
        uvicorn.run(
            create_app(service, limits),
            host=host,
            port=port,
            # The calling address is the connection's own, unless it is a reverse proxy
            # named here: only then is its X-Forwarded-For believed (the budgets count it).
            proxy_headers=bool(args.trusted_proxy),
            forwarded_allow_ips=args.trusted_proxy or [],
            timeout_keep_alive=5,
            ssl_certfile=str(args.certificate) if secure else None,
            ssl_keyfile=str(args.private_key) if secure else None,
            log_level="warning",
            access_log=False,  # a bearer token must never reach a log line
            # A stop (systemd, a rolling update) waits this long for calls under way.
            timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        )
    finally:
        service.close()
    return 0


def init(ctx: CliContext) -> int:
    """The first administrator, made here, on the server's own host (never over the API)."""
    from desktop_auth.cli import admin

    ctx.config = replace(ctx.config, server_url=None)
    return admin.init(ctx)
