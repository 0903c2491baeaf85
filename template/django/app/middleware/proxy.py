"""The client's address: X-Forwarded-For is believed only from TRUSTED_PROXIES."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxyMiddleware:
    """Sets REMOTE_ADDR to the rightmost X-Forwarded-For hop that no trusted proxy owns."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted: list[Network] = [
            ipaddress.ip_network(proxy) for proxy in settings.ENV.trusted_proxies
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            request.META["REMOTE_ADDR"] = self._client(request)
        return self.get_response(request)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def _client(self, request: HttpRequest) -> str:
        peer = str(request.META.get("REMOTE_ADDR", ""))
        if not self._is_trusted(peer):
            return peer
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in str(forwarded).split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop
        return hops[0] if hops else peer
