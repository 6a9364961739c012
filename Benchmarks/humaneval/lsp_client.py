"""A minimal synchronous LSP client over a subprocess's stdio, for benchmarks and e2e checks."""
import json
import subprocess
import threading
import queue


class LSPClient:
    def __init__(self, argv, env=None, stderr=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr if stderr is not None else subprocess.DEVNULL, env=env)
        self.next_id = 1
        self.inbox = queue.Queue()
        self.notifications = []
        self.responses = {}  # responses that came while waiting for another id
        # Server→client requests by method: handler(params) -> result; others are answered null.
        self.server_request_handlers = {}
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    def _read_loop(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode().partition(":")
                if k.lower() == "content-length":
                    length = int(v.strip())
            body = out.read(length)
            self.inbox.put(json.loads(body))

    def _send(self, msg):
        data = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request_async(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid

    def wait(self, rid, timeout=120):
        while True:
            msg = self.responses.pop(rid, None) or self.inbox.get(timeout=timeout)
            if msg is None:
                raise RuntimeError("server closed its output")
            if "id" in msg and "method" not in msg and msg["id"] != rid:
                self.responses[msg["id"]] = msg  # answered out of order: kept for its own wait
                continue
            if msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    raise RuntimeError(f"error from server: {msg['error']}")
                return msg.get("result")
            if "method" in msg and "id" in msg:  # server→client request
                handler = self.server_request_handlers.get(msg["method"])
                result = handler(msg.get("params")) if handler else None
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            self.notifications.append(msg)

    def request(self, method, params, timeout=120):
        return self.wait(self.request_async(method, params), timeout)

    def initialize(self, options=None, encodings=("utf-16",)):
        result = self.request("initialize", {
            "processId": None, "rootUri": None,
            "capabilities": {"general": {"positionEncodings": list(encodings)},
                             "textDocument": {"inlineCompletion": {}, "completion": {}}},
            "initializationOptions": options or {},
        })
        self.notify("initialized", {})
        return result

    def complete_inline(self, uri, language_id, text, offset, trigger=1):
        """Opens `text` as `uri`, asks textDocument/inlineCompletion at `offset` (a code-point index),
        accepts the first item as Neovim does and closes the document. Returns (text afterwards,
        items, milliseconds the request took)."""
        import time
        line = text.count("\n", 0, offset)
        character = offset - (text.rfind("\n", 0, offset) + 1)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}})
        t0 = time.perf_counter()
        res = self.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character},
            "context": {"triggerKind": trigger}})
        ms = (time.perf_counter() - t0) * 1000
        items = res.get("items", []) if isinstance(res, dict) else (res or [])
        document = self.accept_inline_item(uri, text, 1, items[0]) if items else text
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        return document, items, ms

    def accept_inline_item(self, uri, text, version, item):
        """Accepts an inline completion item as Neovim does: its insertText replaces its range, then
        its command runs (workspace/executeCommand; the server's workspace/applyEdit is applied).
        Returns the document's text afterwards. Positions are taken as code points (ASCII here)."""
        start, end = item["range"]["start"], item["range"]["end"]
        insert = item["insertText"]
        if isinstance(insert, dict):
            insert = insert.get("value", "")
        text = apply_edits(text, [{"range": {"start": start, "end": end}, "newText": insert}])
        command = item.get("command")
        if not command:
            return text
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version + 1},
                                               "contentChanges": [{"text": text}]})
        applied = []

        def apply_edit(params):
            applied.extend(params["edit"].get("changes", {}).get(uri, []))
            return {"applied": True}
        self.server_request_handlers["workspace/applyEdit"] = apply_edit
        try:
            self.request("workspace/executeCommand", {"command": command["command"], "arguments": command.get("arguments", [])})
        finally:
            del self.server_request_handlers["workspace/applyEdit"]
        return apply_edits(text, applied)

    def shutdown(self):
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            return self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()
            return -9


def apply_edits(text, edits):
    """Applies LSP text edits (non-overlapping, positions in the text before any of them)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p):
        if p["line"] >= len(lines):
            return len(text)
        return starts[p["line"]] + min(p["character"], len(lines[p["line"]]))
    for e in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        a, b = offset(e["range"]["start"]), offset(e["range"]["end"])
        text = text[:a] + e["newText"] + text[b:]
    return text
