"""A stand-in engine node for haproxy_loopback.sh: answers on 127.0.0.1:<port> with its name. /health/ready answers
200 or, with --unready, 503; /flaky answers 503 on this node when started with --flaky (to see the load balancer retry a
GET elsewhere and not retry a POST). Stops by itself after --seconds."""
import argparse
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--name", required=True)
p.add_argument("--unready", action="store_true")
p.add_argument("--flaky", action="store_true")
p.add_argument("--seconds", type=float, default=60)
a = p.parse_args()


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status = 200
        if self.path == "/health/ready" and a.unready:
            status = 503
        elif self.path == "/flaky" and a.flaky:
            status = 503
        body = f"{a.name} {self.command} {self.path} xff={self.headers.get('X-Forwarded-For')}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = answer

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # health checks close the connection once they have the status line


server = Server(("127.0.0.1", a.port), Handler)
threading.Timer(a.seconds, server.shutdown).start()
server.serve_forever()
