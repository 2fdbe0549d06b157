"""The Flask application: one index per process, pages and a JSON API over the library.

``create_app(index_path)`` returns a WSGI application.  It is read-only (GET and
HEAD only), serves its CSS, JavaScript and icon from memory (loaded from the
package when the app is made: no request path reaches the file system), sends
a strict Content-Security-Policy, and turns every failure into a page (or, under
``/api/``, a JSON object) with the right status and one line of text: 400 for a
bad query or parameter, 404 for an unknown passage, 503 while the index is
missing, being rebuilt or damaged, 500 (logged as one line) for anything else.
"""
import hashlib
import json
import os
import sys
import traceback
from dataclasses import dataclass, field
from importlib import resources
from typing import Dict, FrozenSet, Optional, Tuple

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from .. import __version__
from ..present import place, years_label
from ..errors import (IndexError_, IndexLockedError, NotFoundError, QuerySyntaxError,
                      YdsearchError)
from .holder import IndexHolder
from .view import KIND_LABELS

MIME = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
        ".svg": "image/svg+xml", ".png": "image/png"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class WebState:
    """What the app keeps for its lifetime (in ``app.extensions["ydsearch"]``)."""

    holder: IndexHolder
    assets: Dict[str, Tuple[bytes, str, str]] = field(default_factory=dict)
    allowed_hosts: Optional[FrozenSet[str]] = None


def state() -> WebState:
    return current_app.extensions["ydsearch"]


def open_index():
    """The index for this request (re-opened when it changed on disk)."""
    return state().holder.get()


def load_assets() -> Dict[str, Tuple[bytes, str, str]]:
    """``{name: (bytes, content type, short hash)}`` of the files in ``static/``."""
    out = {}
    for item in resources.files(__package__).joinpath("static").iterdir():
        ext = os.path.splitext(item.name)[1]
        if item.is_file() and ext in MIME:
            data = item.read_bytes()
            out[item.name] = (data, MIME[ext], hashlib.sha256(data).hexdigest()[:10])
    return out


def json_response(data, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, mimetype="application/json")


def create_app(index_path, *, index=None, allowed_hosts=None, opener=None) -> Flask:
    """The web application for the index at ``index_path``.

    ``index``: an already open :class:`~ydsearch.engine.index.Index` on that path
    (used until the files change).  ``allowed_hosts``: host names the ``Host``
    header may carry (None: any); ``ydsearch serve`` on a loopback address
    allows only loopback names, so a web page elsewhere cannot reach the
    server through a rebound DNS name.
    """
    app = Flask(__name__.rsplit(".", 1)[0], static_folder=None, template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=0, JSON_AS_ASCII=False)
    holder = IndexHolder(index_path, first=index, **({"opener": opener} if opener else {}))
    app.extensions["ydsearch"] = WebState(
        holder=holder, assets=load_assets(),
        allowed_hosts=frozenset(h.lower() for h in allowed_hosts) if allowed_hosts else None)

    from .api import api
    from .pages import pages

    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.add_url_rule("/static/<name>", "asset", serve_asset)
    app.before_request(check_host)
    app.after_request(secure_headers)
    app.register_error_handler(Exception, failed)
    app.context_processor(lambda: {"asset": asset_url, "version": __version__, "place": place,
                                   "years": years_label, "kinds": KIND_LABELS})
    return app


def asset_url(name: str) -> str:
    data = state().assets.get(name)
    return f"/static/{name}" + (f"?v={data[2]}" if data else "")


def serve_asset(name: str):
    found = state().assets.get(name)
    if found is None:
        return problem(404, f"no file {name!r} here")
    data, mime, digest = found
    resp = Response(data, mimetype=mime)
    resp.headers["Cache-Control"] = "public, max-age=86400"
    resp.set_etag(digest)
    return resp.make_conditional(request)


def check_host():
    allowed = state().allowed_hosts
    if allowed is None:
        return None
    host = (request.host or "").lower()
    name = host[1:host.index("]")] if host.startswith("[") and "]" in host \
        else host.rsplit(":", 1)[0]
    if name not in allowed:
        return problem(400, f"this server answers to {', '.join(sorted(allowed))} only "
                            f"(the request was for {host or 'no host'})")
    return None


def secure_headers(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers.setdefault("Cache-Control", "no-cache")
    return resp


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def problem(status: int, message: str, param: Optional[str] = None,
            column: Optional[int] = None):
    """An error as JSON (under ``/api/``) or as a page, with one line of text."""
    message = " ".join(str(message).split()) or "error"
    if wants_json():
        data = {"error": message, "status": status}
        if param:
            data["param"] = param
        if column is not None:
            data["column"] = column
        resp = json_response(data, status)
    else:
        resp = Response(render_template("error.html", status=status, message=message),
                        status=status, mimetype="text/html")
    if status == 503:
        resp.headers["Retry-After"] = "5"
    return resp


def failed(e: Exception):
    """Every exception a view lets through ends here: a status, never a traceback."""
    if isinstance(e, HTTPException):
        message = {404: f"no page at {request.path}",
                   405: f"{request.method} is not allowed: this server is read-only "
                        f"(GET and HEAD only)"}.get(e.code or 500, e.name)
        resp = problem(e.code or 500, message)
        if getattr(e, "valid_methods", None):        # 405: say what is allowed
            resp.headers["Allow"] = ", ".join(e.valid_methods)
        return resp
    if isinstance(e, NotFoundError):
        return problem(404, str(e))
    if isinstance(e, QuerySyntaxError):
        return problem(400, str(e), getattr(e, "param", None), e.column)
    if isinstance(e, (IndexError_, IndexLockedError)):
        state().holder.forget()
        return problem(503, str(e))
    if not isinstance(e, YdsearchError) or os.environ.get("YDSEARCH_DEBUG") == "1":
        print(f"ydsearch serve: error on {request.method} {request.full_path}: "
              f"{type(e).__name__}: {' '.join(str(e).split())}", file=sys.stderr)
        if os.environ.get("YDSEARCH_DEBUG") == "1":
            traceback.print_exception(type(e), e, e.__traceback__)
    if isinstance(e, YdsearchError):
        return problem(500, str(e))
    return problem(500, f"internal error ({type(e).__name__}); the server's log has the "
                        f"details")
