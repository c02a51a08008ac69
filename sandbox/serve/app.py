"""The explorer's web application (Starlette): the page, its JSON API, the token and the time limit.

Routes (all answers JSON unless said otherwise; docs/serve.md describes them):

- ``GET /``: the page; ``GET /static/…``: its script and style; ``GET /vendor/plotly.min.js``: the
  charting library, read from the installed ``plotly`` package;
- ``GET /api/session``: the scenarios and sweep folders named on the command line (by number);
- ``GET /api/form?s=N``: the input form of scenario N;
- ``POST /api/evaluate`` ``{"s": N, "values": {key: text}, "all": false}``: the comparison table of
  that state (the table's and charts' metrics; every metric with ``all``), or ``{"ok": false,
  "errors": {key: message}}`` (status 422);
- ``GET /api/scenario.toml?s=N&<key>=<text>…``: the state as a scenario file (a download);
- ``POST /api/compare``, ``POST /api/bridge``: scenarios side by side; the bridge waterfall;
- ``GET /api/sweep/{id}``, ``POST /api/sweep/{id}/view``: a sweep folder's inputs and aggregates.

Security: only the files named on the command line are read (scenarios and sweep folders are
addressed by their number, never by a path from the request); a :class:`TokenGate` refuses every
request without the token when one is set (always for a non-loopback ``--host``); the ``Host``
header must name this server (DNS rebinding); every evaluation runs on one worker thread with a
per-request time limit; a request that fails answers one line, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.serve.compute import Explorer, Invalid
from sandbox.serve.state import StateError, from_query
from sandbox.serve.sweepview import SweepFolder, SweepViewError

STATIC = Path(__file__).parent / "static"
#: Largest request body accepted (a state of every input of a large scenario is ~100 kB).
MAX_BODY = 1_000_000
TOKEN_COOKIE = "sandbox_token"
#: ``Host`` header names a loopback server answers besides the address it listens on.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
#: Characters a token may hold: it travels unencoded in the printed URL and in a cookie.
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
log = logging.getLogger("sandbox.serve")


@dataclass
class Settings:
    """What the command decided: the scenarios, the sweep folders, the token and the time limit (s)."""

    explorer: Explorer | None
    sweeps: list[SweepFolder] = field(default_factory=list)
    token: str | None = None
    timeout_s: float = 30.0
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))


def plotly_js() -> Path:
    """plotly.min.js as the installed ``plotly`` package ships it (no CDN, nothing vendored in this repository)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class TokenGate:
    """Refuse every request that does not carry the token (query ``token``, header ``X-Sandbox-Token``
    or the cookie the page sets from the query), when a token is set."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.token:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = (request.query_params.get("token") or request.headers.get("x-sandbox-token")
                 or _cookie(request.headers.get("cookie", "")))
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            response = PlainTextResponse("401: this explorer needs its token: open the URL `sandbox serve` printed "
                                         "(…/?token=…)\n", status_code=401)
            await response(scope, receive, send)
            return
        if request.query_params.get("token"):
            async def send_with_cookie(message: dict) -> None:
                if message["type"] == "http.response.start":
                    cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                    message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
                await send(message)

            await self.app(scope, receive, send_with_cookie)
            return
        await self.app(scope, receive, send)


def _cookie(header: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:
        return None
    morsel = jar.get(TOKEN_COOKIE)
    return morsel.value if morsel else None


class JSON(JSONResponse):
    """A JSON answer in ASCII: any text a request brought (even a lone surrogate) renders as an escape."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSON({"ok": False, "error": message}, status_code=status)


async def read_body(request: Request) -> bytes:
    """The request's body, refused (:class:`StateError`) beyond :data:`MAX_BODY` bytes before it is read:
    by its ``Content-Length``, or (a chunked body has none) as soon as the stream passes the limit."""
    too_large = StateError("", f"request body larger than {MAX_BODY:,} bytes")
    length = request.headers.get("content-length")
    if length is not None:
        try:
            declared = int(length)
        except ValueError:
            raise StateError("", f"Content-Length: expected a number of bytes, got {length[:40]!r}") from None
        if declared > MAX_BODY:
            raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def parse_body(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object whose ``values`` map input names to text (or numbers, booleans).

    Raises :class:`StateError` (a 400) for a body that is not JSON (nested too deeply to parse included),
    not an object, or holds text that is not Unicode (a lone surrogate escape such as ``"\\ud800"``).
    """
    try:
        doc = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise StateError("", "request body is not JSON") from None
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise StateError("", "request body: text holds a lone surrogate (\\ud800 to \\udfff), which is not "
                             "Unicode") from None
    except (ValueError, RecursionError):
        raise StateError("", "request body is not JSON") from None
    if not isinstance(doc, dict):
        raise StateError("", "request body must be a JSON object")
    values = doc.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, (str, int, float, bool))
                                               for k, v in values.items()):
        raise StateError("values", "values: expected an object of input name → text")
    return doc


def build_app(settings: Settings) -> Starlette:
    """The application for ``settings``."""
    explorer = settings.explorer
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-serve")

    async def run(fn: Callable[[], Any]) -> Any:
        """``fn`` on the one worker thread, within the per-request time limit."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(worker, fn), timeout=settings.timeout_s)

    async def guarded(fn: Callable[[], Any]) -> Response:
        try:  # the answer is rendered inside the guard too: a value it cannot hold is one line, not a traceback
            try:
                result = await run(fn)
            except Invalid as exc:
                return JSON({"ok": False, "errors": exc.errors}, status_code=422)
            except (StateError, SweepViewError) as exc:
                return _error(str(exc))
            except TimeoutError:
                return _error(f"the evaluation took longer than the time limit of {settings.timeout_s:g} s "
                              "(`sandbox serve --timeout`); it finishes in the background and is remembered", 503)
            if isinstance(result, Response):
                return result
            return JSON(result)
        except Exception as exc:  # a defect: one line to the page and the log, never a traceback
            log.error("error: %s: %s", type(exc).__name__, exc)
            return _error(f"internal error: {type(exc).__name__}: {exc}", 500)

    async def body(request: Request) -> dict[str, Any]:
        return parse_body(await read_body(request))

    def sid_of(doc: dict[str, Any]) -> int:
        sid = doc.get("s", 0)
        if isinstance(sid, bool) or not isinstance(sid, int):
            raise StateError("s", f"s: expected a scenario number, got {sid!r}")
        return sid

    def need_explorer() -> Explorer:
        if explorer is None:
            raise StateError("s", "no scenario was named on the command line (`sandbox serve SCENARIO`)")
        return explorer

    # ------------------------------------------------------------------ routes
    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def plotly(request: Request) -> Response:
        return FileResponse(plotly_js(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def session(request: Request) -> Response:
        scenarios = [{"id": s.id, "label": s.label, "file": s.path.name} for s in (explorer.sources if explorer else [])]
        sweeps = [{"id": f.id, "name": f.path.name} for f in settings.sweeps]
        return JSON({"scenarios": scenarios, "sweeps": sweeps, "timeout_s": settings.timeout_s})

    async def form(request: Request) -> Response:
        try:
            sid = int(request.query_params.get("s", "0"))
        except ValueError:
            return _error("s: expected a scenario number")
        return await guarded(lambda: need_explorer().form(sid))

    async def evaluate(request: Request) -> Response:
        try:
            doc = await body(request)
            sid = sid_of(doc)
        except StateError as exc:
            return _error(str(exc))
        return await guarded(lambda: need_explorer().evaluate(sid, doc.get("values", {}), bool(doc.get("all"))))

    async def download(request: Request) -> Response:
        try:
            sid, values = from_query(list(request.query_params.multi_items()))
        except StateError as exc:
            return PlainTextResponse(f"error: {exc}\n", status_code=400)

        def make() -> Response:
            try:
                text = need_explorer().toml(sid, values)
            except Invalid as exc:
                return PlainTextResponse("".join(f"error: {m}\n" for m in exc.errors.values()), status_code=422)
            name = f"{need_explorer().source(sid).label}-explored.toml"
            return Response(text, media_type="application/toml",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

        return await guarded(make)

    async def compare(request: Request) -> Response:
        try:
            doc = await body(request)
            sid = sid_of(doc)
        except StateError as exc:
            return _error(str(exc))
        return await guarded(lambda: need_explorer().compare(sid, doc.get("values", {})))

    async def bridge(request: Request) -> Response:
        try:
            doc = await body(request)
            sid = sid_of(doc)
        except StateError as exc:
            return _error(str(exc))
        metric, arch = doc.get("metric") or "cost.per_pflop_day", doc.get("architecture") or None
        for key, value in (("metric", metric), ("architecture", arch)):
            if value is not None and not isinstance(value, str):  # as a wrongly typed field of any other request
                return _error(f"{key}: expected a name (text), got {json.dumps(value)[:60]}")
        return await guarded(lambda: need_explorer().bridge(sid, doc.get("values", {}), metric, arch))

    def folder(request: Request) -> SweepFolder:
        try:
            i = int(request.path_params["sweep"])
        except ValueError:
            raise SweepViewError("sweep: expected a number") from None
        if not 0 <= i < len(settings.sweeps):
            raise SweepViewError(f"sweep: no sweep folder number {i}")
        return settings.sweeps[i]

    async def sweep_meta(request: Request) -> Response:
        return await guarded(lambda: folder(request).meta())

    async def sweep_view(request: Request) -> Response:
        try:
            doc = await body(request)
        except StateError as exc:
            return _error(str(exc))
        return await guarded(lambda: folder(request).view(doc))

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(f"{request.url.path}: not found", 404)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error: %s: %s", type(exc).__name__, exc)
        return _error(f"internal error: {type(exc).__name__}", 500)

    routes = [
        Route("/", index),
        Route("/vendor/plotly.min.js", plotly),
        Route("/favicon.ico", favicon),
        Route("/api/session", session),
        Route("/api/form", form),
        Route("/api/evaluate", evaluate, methods=["POST"]),
        Route("/api/scenario.toml", download),
        Route("/api/compare", compare, methods=["POST"]),
        Route("/api/bridge", bridge, methods=["POST"]),
        Route("/api/sweep/{sweep}", sweep_meta),
        Route("/api/sweep/{sweep}/view", sweep_view, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts),
                  Middleware(TokenGate, token=settings.token)]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        worker.shutdown(wait=False, cancel_futures=True)

    app = Starlette(routes=routes, middleware=middleware, exception_handlers={404: not_found, 500: server_error},
                    lifespan=lifespan)
    app.state.settings = settings
    return app


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> list[str]:
    """The ``Host`` header names a server listening on ``host`` answers.

    On loopback: the loopback names and ``host`` itself (``--host 127.0.0.2`` is reached as
    ``127.0.0.2``); any other name is refused, a defence against DNS rebinding. Beyond loopback:
    any name (the token guards the server).
    """
    import ipaddress

    if not is_loopback(host):
        return ["*"]
    names = list(LOOPBACK_HOSTS)
    bare = host.strip().strip("[]").lower()
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:  # localhost
        address = None
    if isinstance(address, ipaddress.IPv6Address):
        names += [f"[{bare}]", f"[{address.compressed}]"]
    else:
        names.append(str(address) if address is not None else bare)
    return list(dict.fromkeys(names))


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be used (it goes unencoded into the printed URL and a cookie), or None."""
    if not token:
        return "--token: expected a token, got ''"
    if not set(token) <= TOKEN_CHARS:
        return ("--token: use only letters, digits and - _ . ~ (the token goes into the printed URL and a cookie), "
                f"got {token!r}")
    return None


def new_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


__all__ = ["JSON", "Settings", "TokenGate", "allowed_hosts", "build_app", "is_loopback", "new_token", "parse_body",
           "plotly_js", "read_body", "token_problem"]
