"""``ydsearch serve`` as a process, and the index it serves changing under it.

The server runs as a real child process on a free port (``--port 0``); requests
go over HTTP with urllib.  Index changes (a commit, a rebuild, damage, an index
that appears later) are made with the library while the app keeps running.
"""
import configparser
import fnmatch
import json
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from tests.drivers.browser import REPO, Server
from ydsearch import bundled_seeds
from ydsearch.engine.index import Index
from ydsearch.web import create_app


def fetch(url):
    """(status, headers, text) of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


def raw_get(url, target: bytes):
    """(status, body) of a request whose target is sent byte for byte (curl sends
    Chinese in a URL as raw UTF-8; browsers %-escape it)."""
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: " + host.encode() + b"\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8")


def ydsearch(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "ydsearch", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_serve_prints_its_url_answers_and_stops_cleanly(seed_index_path):
    server = Server(seed_index_path)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        status, headers, body = fetch(server.url + "/?q=" + quote("生态绿色"))
        assert status == 200 and "<mark>生态绿色</mark>" in body
        status, headers, body = fetch(server.url + "/api/search?q=" + quote("生态绿色"))
        assert status == 200 and headers.get_content_type() == "application/json"
        with Index.open(seed_index_path) as ix:
            assert json.loads(body)["total"] == ix.search("生态绿色").total
        status, body = raw_get(server.url, "/api/search?q=生态绿色&speaker=车俊".encode())
        assert status == 200 and json.loads(body)["parsed"] == \
            'AND(TEXT("生态绿色"), FIELD(speaker=车俊))'
        with ThreadPoolExecutor(8) as pool:        # requests at once, one index
            pages = list(pool.map(fetch, [server.url + "/?q=" + quote("一体化")] * 16))
        assert {p[0] for p in pages} == {200} and len({p[2] for p in pages}) == 1
    finally:
        code = server.stop()
    assert code == 0
    assert any(line.startswith("index: ") for line in server.lines)
    assert server.lines[-1] == "stopped"
    assert not any("Traceback" in line for line in server.lines), server.lines


def test_sigterm_stops_the_server_cleanly(seed_index_path):
    server = Server(seed_index_path)
    server.proc.terminate()
    assert server.proc.wait(timeout=15) == 0
    server.stop()
    assert server.lines[-1] == "stopped"


def test_serve_says_when_it_listens_beyond_this_machine(seed_index_path):
    server = Server(seed_index_path, "--host", "0.0.0.0")
    try:
        assert any("warning: listening on 0.0.0.0" in line for line in server.lines)
        assert fetch(server.url.replace("0.0.0.0", "127.0.0.1") + "/meetings")[0] == 200
    finally:
        assert server.stop() == 0


def test_serve_expands_queries_with_the_lexicon_given(seed_index_path, tmp_path):
    lexicon = tmp_path / "mine.txt"
    lexicon.write_text("青绿带 = 生态绿色一体化\n", encoding="utf-8")
    url = "/api/search?q=" + quote("青绿带")
    plain = Server(seed_index_path)
    try:
        assert json.loads(fetch(plain.url + url)[2])["total"] == 0
    finally:
        plain.stop()
    server = Server(seed_index_path, before=("--lexicon", lexicon))
    try:
        assert json.loads(fetch(server.url + url)[2])["total"] > 0
    finally:
        server.stop()


def test_a_busy_port_is_one_error_line(seed_index_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        p = ydsearch("--index", seed_index_path, "serve", "--port", port)
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.strip().splitlines()[-1] == \
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another " \
        f"--port (or --port 0 for any free one)"


def test_a_bad_port_is_a_usage_error():
    p = ydsearch("serve", "--port", "70000")
    assert p.returncode == 2 and p.stderr.startswith("Error: ") and "70000" in p.stderr


def test_a_missing_index_is_a_page_until_it_is_built(tmp_path):
    path = tmp_path / "later"
    server = Server(path)
    try:
        assert any("no index at" in line for line in server.lines)
        status, headers, body = fetch(server.url + "/?q=" + quote("一体化"))
        assert status == 503 and headers["Retry-After"] == "5"
        assert 'http-equiv="refresh"' in body and "Traceback" not in body
        status, _, body = fetch(server.url + "/api/search?q=x")
        assert status == 503 and json.loads(body)["status"] == 503
        ix = Index.create(path)
        ix.add(bundled_seeds())
        ix.close()
        status, _, body = fetch(server.url + "/?q=" + quote("一体化"))
        assert status == 200 and "<mark>一体化</mark>" in body
    finally:
        assert server.stop() == 0


# -- the index changes while the app runs ------------------------------------------------
def _seed_files(tmp_path, n):
    folder = tmp_path / f"seeds{n}"
    folder.mkdir()
    for f in sorted(Path(bundled_seeds()).glob("*.txt"))[:n]:
        shutil.copy(f, folder / f.name)
    return folder


def test_commits_and_rebuilds_are_picked_up_and_the_index_opened_once_per_change(tmp_path):
    path = tmp_path / "ix"
    with Index.create(path) as ix:
        ix.add(_seed_files(tmp_path, 3))
    app = create_app(path)
    c = app.test_client()
    holder = app.extensions["ydsearch"].holder

    def total():
        return json.loads(c.get("/api/search", query_string={"q": "一体化"}).data)["total"]

    before = total()
    first = holder.get()
    assert total() == before and holder.get() is first          # unchanged: kept open
    with Index.open(path) as writer:                             # a commit by someone else
        writer.add(bundled_seeds())
    after = total()
    assert after > before and holder.get() is not first
    with Index.create(path) as writer:                           # a rebuild with less
        writer.add(_seed_files(tmp_path, 1))
    assert total() < after


def test_a_damaged_index_is_a_503_page_and_recovers_when_rebuilt(tmp_path, seed_index_path):
    path = tmp_path / "ix"
    shutil.copytree(seed_index_path, path)
    c = create_app(path).test_client()
    assert c.get("/?q=一体化").status_code == 200
    for seg in path.glob("paragraphs_*.sub"):     # the segments' substring indexes
        seg.write_bytes(seg.read_bytes()[:100])
    (path / "ydsearch.json").touch()          # a rewritten folder: the app looks again
    r = c.get("/?q=一体化")
    assert r.status_code == 503 and "damaged" in r.get_data(as_text=True)
    with Index.create(path) as ix:
        ix.add(bundled_seeds())
    assert c.get("/?q=一体化").status_code == 200


def test_every_template_and_asset_is_package_data():
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg", encoding="utf-8")
    assert "ydsearch.web" in cfg["options"]["packages"].split()
    patterns = [p.strip() for p in cfg["options.package_data"]["ydsearch.web"].split(",")]
    web = REPO / "ydsearch" / "web"
    files = [f.relative_to(web).as_posix() for d in ("templates", "static")
             for f in (web / d).rglob("*") if f.is_file()]
    assert files
    for f in files:
        assert any(fnmatch.fnmatch(f, p) for p in patterns), f


def test_an_empty_index_says_so_on_the_first_page(tmp_path):
    Index.create(tmp_path / "ix").close()
    c = create_app(tmp_path / "ix").test_client()
    r = c.get("/")
    assert r.status_code == 200 and "索引是空的" in r.get_data(as_text=True)
    r = c.get("/nowhere")
    assert r.status_code == 404 and "no page at /nowhere" in r.get_data(as_text=True)
