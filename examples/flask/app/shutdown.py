"""Graceful shutdown under gunicorn: on SIGTERM, readiness fails first, then the worker drains.

gunicorn's master hands SIGTERM on to every worker and kills what still runs after
SHUTDOWN_GRACE_SECONDS (its `graceful_timeout`). Each worker first keeps serving for
a short drain window in which `/health/ready` answers 503, so a load balancer that
polls readiness stops sending new requests; then it stops accepting, lets the
requests in flight finish and closes its database connections (`worker_exit` in the
gunicorn configuration).
"""

import threading
from types import FrameType

from gunicorn.workers.gthread import ThreadWorker

# How long readiness answers 503 while the worker still accepts requests.
DRAIN_SECONDS = 2.0

# Set in a worker process once SIGTERM arrived.
draining = threading.Event()


def drain_seconds(grace_seconds: float) -> float:
    """The drain window: part of the grace period, never all of it."""
    return min(DRAIN_SECONDS, grace_seconds / 2)


class DrainingWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type information
    """gunicorn's threaded worker, with a drain window in front of its graceful stop."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """SIGTERM: fail readiness now, stop accepting when the drain window ends."""
        if draining.is_set():
            return  # the pod's SIGTERM and the master's both reach the worker
        draining.set()
        # The handler interrupts the worker's main loop wherever it is: it only flags, and
        # the loop itself logs and starts the timer (as gunicorn's own handler defers).
        self.method_queue.defer(self._stop_after_drain, sig)

    def _stop_after_drain(self, sig: int) -> None:
        seconds = drain_seconds(self.cfg.graceful_timeout)
        self.log.info("Draining for %.1f s before stopping", seconds)
        stop = threading.Timer(seconds, super().handle_exit, (sig, None))
        stop.daemon = True
        stop.start()
