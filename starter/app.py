"""The starter page and its API (docs/starter.md).

GET /                 the page: every question of copier.yml, Generate
GET /generate?...     the page's form: a zip, or the page with Copier's messages (400)
GET /api/catalog      questions, choices, defaults, exclusions (JSON)
GET /api/validate?... Copier's verdict on a set of answers (JSON, never renders)
GET /starter.zip?...  a zip of the rendered service, or 400 JSON with Copier's messages
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
import zipfile
from collections import deque
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from starter.questions import Evaluation, Questionnaire
from starter.settings import Settings

HERE = Path(__file__).resolve().parent
log = logging.getLogger("starter")

# The set every rendered service sends (template/fastapi/app/middleware/security_headers.py).
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The page: its script and style come from this server; no inline code, no CDN.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HSTS = "max-age=63072000; includeSubDomains"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
SAFE_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=dict(headers or {}))


# --- Middleware ---------------------------------------------------------------


class SecurityHeaders:
    """The services' security headers on every response; the page gets its own CSP."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS)
        if hsts:
            self.headers["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", PAGE_CSP if html else API_CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimiter:
    """A sliding one-minute window per client address."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.hits: dict[str, deque[float]] = {}

    def check(self, client: str) -> int:
        """0 when allowed (and counted), else the seconds until the next is allowed."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        hits = self.hits.setdefault(client, deque())
        while hits and hits[0] <= now - 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return max(1, int(hits[0] + 60 - now) + 1)
        hits.append(now)
        if len(self.hits) > 10_000:  # forget idle clients
            for key in [k for k, v in self.hits.items() if not v or v[-1] <= now - 60]:
                del self.hits[key]
        return 0


class Limits:
    """Request size and rate limits, before any route runs."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.max_bytes = settings.max_request_bytes
        self.requests = RateLimiter(settings.requests_per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response: Response | None = None
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if target > self.max_bytes:
            response = error(414, f"The request URL is longer than {self.max_bytes} bytes.")
        elif not length.isdigit() or int(length) > self.max_bytes:
            response = error(413, f"The request body is larger than {self.max_bytes} bytes.")
        elif b"chunked" in headers.get(b"transfer-encoding", b""):
            response = error(411, "A request body needs a Content-Length.")
        else:
            client = scope["client"][0] if scope.get("client") else "unknown"
            wait = self.requests.check(client)
            if wait:
                response = error(
                    429,
                    "Too many requests from your address: try again later.",
                    {"Retry-After": str(wait)},
                )
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# --- Rendering ----------------------------------------------------------------


class Busy(Exception):
    """No render slot came free in time."""


class RenderFailed(Exception):
    """Copier failed or the render overran its time limit."""


def zip_folder(folder: Path, top: str) -> bytes:
    """Every file under folder (.git included) under `top/`, modes and symlinks kept."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files) + [d for d in dirs if Path(root, d).is_symlink()]:
                path = Path(root, name)
                arcname = f"{top}/{path.relative_to(folder).as_posix()}"
                mode = path.lstat().st_mode
                info = zipfile.ZipInfo(arcname, time.localtime(path.lstat().st_mtime)[:6])
                info.create_system = 3  # unix: external_attr carries the mode
                info.external_attr = (mode & 0xFFFF) << 16
                if stat.S_ISLNK(mode):
                    archive.writestr(info, os.readlink(path))
                else:
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def render_env() -> dict[str, str]:
    """The render process's environment: no caller's git identity or config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PYTHON"))}
    # The first commit is made by "copier-backend" (hooks/post_copy.py), whoever runs the server.
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    return env


class Renderer:
    """Bounded renders: `max_renders` at once, a bounded queue, a time limit each."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.slots = asyncio.Semaphore(settings.max_renders)
        self.waiting = 0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if not self.slots.locked():
            await self.slots.acquire()  # free: returns at once
        elif self.waiting >= self.settings.max_queued or self.settings.queue_seconds <= 0:
            raise Busy
        else:
            self.waiting += 1
            try:
                await asyncio.wait_for(self.slots.acquire(), self.settings.queue_seconds)
            except TimeoutError as exc:
                raise Busy from exc
            finally:
                self.waiting -= 1
        try:
            yield
        finally:
            self.slots.release()

    async def render(self, answers: Mapping[str, Any], slug: str) -> bytes:
        async with self.slot():
            workdir = Path(tempfile.mkdtemp(prefix="starter-render-"))
            try:
                dst = workdir / slug
                await self._copier(answers, dst)
                return await asyncio.to_thread(zip_folder, dst, slug)
            finally:
                await asyncio.to_thread(shutil.rmtree, workdir, True)

    async def _copier(self, answers: Mapping[str, Any], dst: Path) -> None:
        args = [sys.executable, "-m", "starter.render", self.settings.template_url, str(dst)]
        args.append(self.settings.template_ref or "")
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=dst.parent,
            env={**render_env(), "PYTHONPATH": str(HERE.parent)},
            start_new_session=True,  # its own process group: killed whole on timeout
        )
        try:
            _, stderr = await asyncio.wait_for(
                process.communicate(json.dumps(dict(answers)).encode()),
                self.settings.render_timeout,
            )
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            raise RenderFailed(
                f"The render took longer than {self.settings.render_timeout}s."
            ) from None
        except asyncio.CancelledError:  # the server is stopping: no orphan render
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise
        finally:
            # A task may leave children behind (git, uv): end the group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        if process.returncode != 0:
            log.error("render failed: %s", stderr.decode(errors="replace")[-4000:])
            raise RenderFailed("Copier could not render these answers (the server log has why).")


# --- The application ----------------------------------------------------------


def parse_query(request: Request, *, blank_is_default: bool) -> tuple[dict[str, str], str | None]:
    """The answers in the query string; an error when a name is repeated."""
    answers: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in answers:
            return answers, f'"{name}" is given more than once.'
        if blank_is_default and value == "":
            continue
        answers[name] = value
    return answers, None


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    questionnaire = Questionnaire(settings.template_url, settings.template_ref)
    renderer = Renderer(settings)
    render_limit = RateLimiter(settings.renders_per_minute)
    pages = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def verdict(evaluation: Evaluation) -> dict[str, Any]:
        return {
            "ok": evaluation.ok,
            "errors": evaluation.errors,
            "answers": evaluation.answers,
            "applicable": evaluation.applicable,
        }

    def page(evaluation: Evaluation | None, status: int = 200) -> HTMLResponse:
        catalog = questionnaire.catalog()
        html = pages.get_template("index.html").render(
            catalog=catalog,
            given=evaluation.given if evaluation else {},
            errors=evaluation.errors if evaluation else {},
            applicable=evaluation.applicable if evaluation else {},
            template_url=settings.template_url,
        )
        return HTMLResponse(html, status_code=status)

    async def generate(request: Request, answers: Mapping[str, str]) -> Response:
        evaluation = questionnaire.evaluate(answers)
        if not evaluation.ok:
            return JSONResponse({"errors": evaluation.errors}, status_code=400)
        # Renders are what costs: counted per client once the answers are valid.
        wait = render_limit.check(request.client.host if request.client else "unknown")
        if wait:
            message = "Too many renders from your address: try again later."
            return error(429, message, {"Retry-After": str(wait)})
        # The folder (and the zip's top folder) is named after the slug Copier validated;
        # anything else that could name a path gets a fixed name.
        slug = str(evaluation.answers.get("project_slug") or "")
        if not SAFE_NAME.fullmatch(slug):
            slug = "service"
        try:
            content = await renderer.render(evaluation.given, slug)
        except Busy:
            return error(
                503, "Every render slot is busy: try again shortly.", {"Retry-After": "10"}
            )
        except RenderFailed as exc:
            return error(500, str(exc))
        return Response(
            content,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{slug}.zip"'},
        )

    async def index(request: Request) -> Response:
        return page(None)

    async def form(request: Request) -> Response:
        answers, problem = parse_query(request, blank_is_default=True)
        if problem:
            return error(400, problem)
        evaluation = questionnaire.evaluate(answers)
        if not evaluation.ok:
            return page(evaluation, status=400)
        return await generate(request, answers)

    async def catalog(request: Request) -> Response:
        body = dict(questionnaire.catalog())
        body["template"] = {**body["template"], "url": settings.template_url}
        body["links"] = {"zip": "/starter.zip", "validate": "/api/validate", "page": "/"}
        return JSONResponse(body)

    async def validate(request: Request) -> Response:
        answers, problem = parse_query(request, blank_is_default=False)
        if problem:
            return error(400, problem)
        evaluation = questionnaire.evaluate(answers)
        return JSONResponse(verdict(evaluation), status_code=200 if evaluation.ok else 400)

    async def starter_zip(request: Request) -> Response:
        answers, problem = parse_query(request, blank_is_default=False)
        if problem:
            return error(400, problem)
        return await generate(request, answers)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(questionnaire.catalog)  # computed once, before serving
        yield
        questionnaire.close()

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/generate", form, methods=["GET"]),
            Route("/api/catalog", catalog, methods=["GET"]),
            Route("/api/validate", validate, methods=["GET"]),
            Route("/starter.zip", starter_zip, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(Limits, settings=settings)
    app.add_middleware(SecurityHeaders, hsts=settings.hsts)
    app.state.settings = settings
    app.state.questionnaire = questionnaire
    return app
