"""`python -m starter` (`make starter`): the starter page on HOST:PORT (127.0.0.1:8080)."""

from __future__ import annotations

import logging

import uvicorn

from starter.app import create_app
from starter.settings import Settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    print(f"copier-backend starter: http://{settings.host}:{settings.port}/")
    ref = settings.template_ref or "newest tag, else HEAD"
    print(f"  template: {settings.template_url} (ref: {ref})")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=False,  # the client address is the peer's: rate limits use it
        server_header=False,
        log_level="info",
    )


if __name__ == "__main__":
    main()
