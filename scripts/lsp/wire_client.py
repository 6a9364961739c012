"""A minimal LSP client over pipes, standard library only: frames, requests, notifications,
answers to the server's own requests. Used by scripts/test-lsp (and handy by hand)."""
import json
import os
import select
import subprocess
import time


class WireClient:
    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        self.buf = b""
        self.next_id = 1
        self.notifications = []
        self.server_requests = []

    def write_raw(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.write_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def request(self, method, params=None, timeout=60):
        rid = self.next_id
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.wait_response(rid, timeout)

    def wait_response(self, rid, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.read_message(deadline - time.time())
            if msg is None:
                break
            if "method" in msg and "id" in msg:  # a request from the server
                self.server_requests.append(msg)
                self.send({"jsonrpc": "2.0", "id": msg["id"],
                           "result": {"applied": True} if msg["method"] == "workspace/applyEdit" else None})
            elif "method" in msg:
                self.notifications.append(msg)
            elif msg.get("id") == rid:
                return msg
        raise TimeoutError(f"no response to request {rid}")

    def wait_notification(self, predicate, timeout=60):
        deadline = time.time() + timeout
        for n in self.notifications:
            if predicate(n):
                return n
        while time.time() < deadline:
            msg = self.read_message(deadline - time.time())
            if msg is None:
                break
            if "method" in msg and "id" in msg:
                self.server_requests.append(msg)
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif "method" in msg:
                self.notifications.append(msg)
                if predicate(msg):
                    return msg
        raise TimeoutError("notification not seen")

    def read_message(self, timeout):
        deadline = time.time() + timeout
        while True:
            sep = self.buf.find(b"\r\n\r\n")
            if sep >= 0:
                headers = self.buf[:sep].decode()
                length = None
                for line in headers.split("\r\n"):
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                assert length is not None, f"frame without Content-Length: {headers!r}"
                if len(self.buf) >= sep + 4 + length:
                    body = self.buf[sep + 4: sep + 4 + length]
                    self.buf = self.buf[sep + 4 + length:]
                    return json.loads(body)
            remaining = deadline - time.time()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buf += chunk

    def wait_exit(self, timeout=30):
        self.proc.stdin.close()
        return self.proc.wait(timeout)
