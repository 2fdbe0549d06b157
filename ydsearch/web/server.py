"""Listen on a port and serve the app with Werkzeug's threaded HTTP server.

The socket is bound here (not by Werkzeug, which prints and exits when a port
is taken), so a busy port or an unknown host becomes one ``Error:`` line.  Port
0 takes any free port; the URL printed is the real one.  Ctrl+C or SIGTERM stop
the server cleanly.
"""
import errno
import ipaddress
import logging
import signal
import socket
import threading
from typing import Callable
from urllib.parse import unquote_to_bytes, urlsplit

from ..errors import YdsearchError

# Control characters of a decoded request line, shown escaped in the log.
CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]})


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; YdsearchError when that cannot be."""
    try:
        infos = socket.getaddrinfo(host.strip("[]") or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise YdsearchError(f"cannot listen on {host}: {e.strerror or e}") from None
    family, _type, proto, _name, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        hint = "; choose another --port (or --port 0 for any free one)" \
            if e.errno == errno.EADDRINUSE else ""
        raise YdsearchError(f"cannot listen on {host}:{port}: {e.strerror or e}{hint}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def handler_class(quiet: bool):
    """Werkzeug's request handler, logging one plain line per request (no colours)."""
    from werkzeug.serving import WSGIRequestHandler
    from werkzeug.urls import uri_to_iri

    class Handler(WSGIRequestHandler):
        def make_environ(self):
            # http.server reads the request line as Latin-1, one character per byte
            # sent, and Werkzeug encodes that again as UTF-8: Chinese sent as raw
            # UTF-8 (curl 'http://…/api/search?q=生态绿色') arrives garbled.  Give
            # the app the bytes as sent, as Latin-1 strings (PEP 3333).
            environ = super().make_environ()
            if not self.path.isascii():
                parts = urlsplit(self.path)
                path = f"/{parts.netloc}{parts.path}" if parts.netloc and not parts.scheme \
                    else parts.path
                environ["PATH_INFO"] = unquote_to_bytes(path.encode("latin-1")).decode("latin-1")
                environ["QUERY_STRING"] = parts.query
                environ["REQUEST_URI"] = environ["RAW_URI"] = self.path
            return environ

        def log_request(self, code="-", size="-"):
            if quiet:
                return
            try:
                path = self.path.encode("latin-1").decode("utf-8", "replace")
                line = f"{self.command} {uri_to_iri(path)} {self.request_version}"
            except (AttributeError, UnicodeError):        # a malformed request line
                line = self.requestline
            self.log("info", '"%s" %s %s', line.translate(CONTROL), code, size)

    return Handler


def serve(app, host: str, port: int, say: Callable[[str], None], quiet: bool = False) -> None:
    """Serve ``app`` until Ctrl+C or SIGTERM; ``say`` prints the URL and notices."""
    from werkzeug.serving import make_server

    sock = bind(host, port)
    address = sock.getsockname()[0]
    server = make_server(address, sock.getsockname()[1], app, threaded=True, fd=sock.fileno(),
                         request_handler=handler_class(quiet))
    sock.close()          # make_server holds its own duplicate of the descriptor
    logging.getLogger("werkzeug").setLevel(logging.INFO)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    previous = None
    try:
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, on_signal)
        url = url_of(server.socket)
        if not is_loopback(address):
            say(f"warning: listening on {address}, so other machines can reach this page; "
                f"it has no login and no encryption")
        say(f"serving {url} (Ctrl+C to stop)")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    say("stopped")
