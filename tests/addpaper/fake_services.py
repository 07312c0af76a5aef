"""A local stand-in for arXiv, Crossref, DBLP, OpenReview and the ACL Anthology (standard
library http.server on 127.0.0.1, port 0), answering from the files in fixtures/ in each
service's own format. Each service lives under its own path prefix (/arxiv, /crossref, ...),
which is what the DLNOTES_*_API variables point at.

A route is a path plus the query parameters it needs; its answers are played in order, the last
one repeating. An answer can misbehave on purpose: `delay` (to make the client time out) and
`cut` (close the connection without answering). Every request is recorded with its time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


class _QuietServer(ThreadingHTTPServer):
    """A cut connection is a test case here, not an error: the standard server would print its
    traceback on this process's stderr, where the command under test writes its own lines."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    cut: bool = False


def fixture(name: str, status: int = 200) -> Answer:
    path = FIXTURES / name
    kind = {
        ".xml": "application/atom+xml; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".bib": "application/x-bibtex; charset=utf-8",
    }[path.suffix]
    return Answer(status, path.read_bytes(), {"Content-Type": kind})


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


class FakeServices:
    def __init__(self) -> None:
        self.routes: list[tuple[str, dict[str, str], list[Answer]]] = []
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        services = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                with services.lock:
                    services.seen.append(
                        Seen(parts.path, query, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                    )
                    answer = services._answer(parts.path, query)
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.cut:
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                headers = {"Content-Type": "text/plain; charset=utf-8", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                try:
                    self.wfile.write(answer.body)
                except OSError:
                    pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def start(self) -> FakeServices:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, path: str, *answers: Answer, **query: str) -> None:
        """Answer GET `path` (with at least these query values) with `answers` in order."""
        with self.lock:
            self.routes.insert(0, (path, query, list(answers)))

    def _answer(self, path: str, query: dict[str, str]) -> Answer:
        for want_path, want_query, answers in self.routes:
            if path == want_path and all(query.get(k) == v for k, v in want_query.items()):
                return answers.pop(0) if len(answers) > 1 else answers[0]
        return Answer(404, b"Resource not found.")

    def hits(self, prefix: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path.startswith(prefix)]

    def env(self) -> dict[str, str]:
        """The variables that point dlnotes at this server, with a fast pace for tests."""
        return {
            "DLNOTES_ARXIV_API": f"{self.base}/arxiv",
            "DLNOTES_CROSSREF_API": f"{self.base}/crossref",
            "DLNOTES_DBLP_API": f"{self.base}/dblp",
            "DLNOTES_OPENREVIEW_API": f"{self.base}/openreview",
            "DLNOTES_ACL_API": f"{self.base}/acl",
            "DLNOTES_ARXIV_DELAY": "0",
            "DLNOTES_HTTP_BACKOFF": "0.01",
            "DLNOTES_HTTP_RETRIES": "2",
            "DLNOTES_HTTP_TIMEOUT": "2",
            "DLNOTES_CONTACT": "notes@example.org",
        }


def standard_routes(services: FakeServices) -> None:
    """Every paper of fixtures/ where its service has it."""
    arxiv = {
        "1706.03762": "arxiv-1706.03762.xml",
        "cs/0112017": "arxiv-cs-0112017.xml",
        "hep-th/9711200": "arxiv-hep-th-9711200.xml",
        "1810.04805v2": "arxiv-1810.04805v2.xml",
        "2109.00301": "arxiv-2109.00301.xml",
        "2206.04615": "arxiv-2206.04615.xml",
        "1409.0473v7": "arxiv-1409.0473v7.xml",
        "1409.0473v2": "arxiv-1409.0473v7.xml",  # arXiv answers any version with the paper
        "2999.99999": "arxiv-unknown.xml",
        "1234.5678": "arxiv-error.xml",
    }
    for ident, name in arxiv.items():
        services.route("/arxiv/query", fixture(name), id_list=ident)
    for doi, name in {
        "10.1162/neco.1997.9.8.1735": "crossref-10.1162-neco.1997.9.8.1735.json",
        "10.1023/A:1026654312961": "crossref-10.1023-A-1026654312961.json",
        "10.1109/CVPR.2016.90": "crossref-10.1109-CVPR.2016.90.json",
        "10.11897/SP.J.1016.2019.00001": "crossref-10.11897-SP.J.1016.2019.00001.json",
    }.items():
        services.route(f"/crossref/works/{doi}", fixture(name))
    services.route("/dblp/search/publ/api", fixture("dblp-search-empty.json"))
    services.route("/dblp/search/publ/api", fixture("dblp-search-attention.json"), q="Attention Is All You Need")
    services.route(
        "/dblp/search/publ/api",
        fixture("dblp-search-bert.json"),
        q="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    )
    services.route("/dblp/search/publ/api", fixture("dblp-search-infty-former.json"), q="∞-former: Infinite Memory Transformer")
    services.route("/dblp/rec/conf/nips/VaswaniSPUJGKP17.bib", fixture("dblp-conf-nips-VaswaniSPUJGKP17.bib"))
    services.route("/dblp/rec/conf/naacl/DevlinCLT19.bib", fixture("dblp-conf-naacl-DevlinCLT19.bib"))
    services.route("/dblp/rec/conf/cvpr/HuangLMW17.bib", fixture("dblp-conf-cvpr-HuangLMW17.bib"))
    services.route("/acl/P18-1031.bib", fixture("acl-P18-1031.bib"))
    services.route("/openreview/notes", fixture("openreview-empty.json"))
    services.route("/openreview/notes", fixture("openreview-2dnO3LLiJ1.json"), id="2dnO3LLiJ1")
