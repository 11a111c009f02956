"""The two stand-ins a demo or test needs beside Wayfinder, as WSGI apps:

- the **state identity provider** (``demo_identity_provider``): oidc-provider-mock,
  a real OpenID Connect provider (authlib underneath: discovery, PKCE, signed ID
  tokens, end-session endpoint) that knows the demo state accounts of
  ``exchange_data.STATE_ACCOUNTS``, each one click away;
- the **development exchange portal** (``exchange_portal.app.create_app``).

``serve`` runs either on loopback in a background thread (the tests) or in the
foreground (``manage.py run_demo_idp`` / ``run_exchange_portal``, started by
``make run``). Both refuse to be built outside demo or test mode: they hand out
identities to anyone who clicks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import exchange_data


def demo_identity_provider() -> Any:
    """The demo state identity provider (a Flask app)."""
    from .exchange_portal.app import refuse_outside_demo

    refuse_outside_demo("The demo state identity provider")
    import oidc_provider_mock

    users = [oidc_provider_mock.User(sub=a.sub, claims=a.claims()) for a in exchange_data.STATE_ACCOUNTS]
    return oidc_provider_mock.app(require_nonce=False, issue_refresh_token=False, user_claims=users)


@contextmanager
def serve_in_thread(app: Any, port: int, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` on ``host:port`` until the block ends; yields its base URL."""
    import werkzeug.serving

    server = werkzeug.serving.make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(2)


def serve_forever(app: Any, port: int, host: str = "127.0.0.1") -> None:
    """Serve ``app`` in the foreground (loopback only) until interrupted."""
    import werkzeug.serving

    werkzeug.serving.run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
