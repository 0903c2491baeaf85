"""Graceful shutdown: on SIGTERM, readiness fails first, then the server drains.

The server (uvicorn) handles SIGTERM by closing its listening socket, letting the
requests in flight finish (at most SHUTDOWN_GRACE_SECONDS, its
`timeout_graceful_shutdown`) and then running the lifespan's shutdown, which
closes the pools. Before handing the signal on, the service keeps serving for a
short drain window in which `/health/ready` answers 503, so a load balancer
that polls readiness stops sending new requests first.
"""

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType

import structlog

logger = structlog.get_logger(__name__)

# How long readiness answers 503 while the server still accepts requests.
DRAIN_SECONDS = 2.0


def drain_seconds(grace_seconds: int) -> float:
    """The drain window: part of the grace period, never all of it."""
    return min(DRAIN_SECONDS, grace_seconds / 2)


class Shutdown:
    """Whether the process is draining, and the SIGTERM handler that starts it."""

    def __init__(self, grace_seconds: int) -> None:
        self.drain_seconds = drain_seconds(grace_seconds)
        self.draining = False

    def install(self) -> Callable[[], None]:
        """Catch SIGTERM in front of the server's own handler; returns the undo.

        Runs at start-up, after the server installed its handler (the main thread
        only: signals reach no other).
        """
        if threading.current_thread() is not threading.main_thread():
            return _nothing_to_undo
        loop = asyncio.get_running_loop()
        server_handler = signal.getsignal(signal.SIGTERM)

        def on_sigterm(sig: int, frame: FrameType | None) -> None:
            if self.draining:
                return
            self.draining = True
            logger.info("shutdown_started", drain_seconds=self.drain_seconds)
            if callable(server_handler):
                loop.call_later(self.drain_seconds, server_handler, sig, frame)
            else:  # no server handler to hand on to: stop as the default would
                loop.call_later(self.drain_seconds, signal.raise_signal, sig)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)

        signal.signal(signal.SIGTERM, on_sigterm)

        def undo() -> None:
            signal.signal(signal.SIGTERM, server_handler)

        return undo


def _nothing_to_undo() -> None:
    return None
