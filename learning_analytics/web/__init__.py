"""The dashboard page at `/`, its static files under `/static/`, and the offline GraphiQL page.

Everything a browser loads comes from this package: the page's own ES modules and styles, and the
vendored Chart.js, GraphiQL, React and ReactDOM builds (`static/vendor/`, see `static/VENDORED.md`).
No page references another origin, and each is served with a Content Security Policy that allows
only this one, so both work on a machine without internet access.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

_HERE = files(__package__)
STATIC_DIR = str(_HERE / "static")

# Scripts, styles, fonts and requests from this origin only. GraphiQL and Chart.js set element
# styles from script (CSSOM, which a policy does not govern); GraphiQL's editors also write
# `style` attributes, hence 'unsafe-inline' for styles on that page only.
DASHBOARD_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
GRAPHIQL_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


@cache
def _page(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


def graphiql_page() -> str:
    """The GraphiQL page: the vendored React and GraphiQL builds and `static/graphiql.js`."""
    return _page("graphiql.html")


def graphiql_response() -> Response:
    return HTMLResponse(graphiql_page(), headers={"content-security-policy": GRAPHIQL_CSP})


async def dashboard(request: Request) -> Response:
    """`GET /`: the dashboard, a static page whose modules read `/api/analytics/*` with the caller's key."""
    return HTMLResponse(
        _page("dashboard.html"),
        headers={"content-security-policy": DASHBOARD_CSP, "cache-control": "no-cache"},
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/", dashboard, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


__all__ = ["DASHBOARD_CSP", "GRAPHIQL_CSP", "STATIC_DIR", "graphiql_page", "graphiql_response", "routes"]
