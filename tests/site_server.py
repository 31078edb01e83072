"""Serve a built website on 127.0.0.1 from a background thread (for the browser test)."""

import contextlib
import functools
import http.server
import threading


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".woff": "font/woff", ".ipynb": "application/json"}

    def log_message(self, format, *args):  # keep the test output readable
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on a free port of 127.0.0.1; yields the base URL, e.g. http://127.0.0.1:41234/."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
