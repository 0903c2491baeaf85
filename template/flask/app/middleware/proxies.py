"""The client's address behind proxies: X-Forwarded-For, believed from trusted hops only."""

import ipaddress
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR becomes the rightmost X-Forwarded-For hop that no
    trusted proxy owns, when the peer itself is a trusted proxy."""

    def __init__(self, app: "WSGIApplication", proxies: Iterable[str]) -> None:
        self.app = app
        self.networks = [ipaddress.ip_network(proxy) for proxy in proxies]

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(
        self, environ: "WSGIEnvironment", start_response: "StartResponse"
    ) -> Iterable[bytes]:
        """Rewrite REMOTE_ADDR, then hand the request on."""
        peer = environ.get("REMOTE_ADDR", "")
        if self._trusted(peer):
            environ["REMOTE_ADDR"] = next(self._untrusted_hops(environ), peer)
        return self.app(environ, start_response)

    def _untrusted_hops(self, environ: "WSGIEnvironment") -> Iterator[str]:
        hops = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed([hop.strip() for hop in hops if hop.strip()]):
            if not self._trusted(hop):
                yield hop
