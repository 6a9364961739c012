#!/usr/bin/env python3
"""The hostile-client checks of issue 20 against the real `infill lsp` process over stdio: the
crashes the fuzzer found, resynchronisation after each class of framing error, and the memory and
time figures (pipelined requests, a 50 MB params array, 200 documents of 1 MB). Prints one line per
check with its figures; exits non-zero if a check fails. Not a test: the figures are timings.

    python3 Benchmarks/fuzz/stdio.py [--binary .build/release/infill]
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

INIT = {"capabilities": {"general": {"positionEncodings": ["utf-16"]}}}


def frame(obj):
    body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    """`infill lsp` with a reader thread, so pipelined writes never deadlock on a full pipe."""

    def __init__(self, binary, *extra):
        self.proc = subprocess.Popen([binary, "lsp", *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.replies = {}
        self.null_replies = 0
        self.lock = threading.Condition()
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        while True:
            chunk = self.proc.stderr.read(65536)
            if not chunk:
                return
            self.stderr += chunk[-65536:]

    def _read(self):
        buf = b""
        out = self.proc.stdout
        while True:
            chunk = os.read(out.fileno(), 1 << 20)
            if not chunk:
                with self.lock:
                    self.lock.notify_all()
                return
            buf += chunk
            while True:
                sep = buf.find(b"\r\n\r\n")
                if sep < 0:
                    break
                length = int(buf[:sep].split(b":")[1])
                if len(buf) < sep + 4 + length:
                    break
                msg = json.loads(buf[sep + 4: sep + 4 + length])
                buf = buf[sep + 4 + length:]
                if "method" in msg and "id" in msg:
                    self.write(frame({"jsonrpc": "2.0", "id": msg["id"], "result": None}))
                elif "method" not in msg:
                    with self.lock:
                        if msg.get("id") is None:
                            self.null_replies += 1
                        else:
                            self.replies.setdefault(json.dumps(msg["id"]), []).append(msg)
                        self.lock.notify_all()

    def write(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait(self, rid, timeout=60):
        key = json.dumps(rid)
        deadline = time.time() + timeout
        with self.lock:
            while key not in self.replies:
                left = deadline - time.time()
                if left <= 0 or self.proc.poll() is not None:
                    return None
                self.lock.wait(left)
            return self.replies[key][0]

    def request(self, rid, method, params=None, timeout=60):
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.write(frame(msg))
        return self.wait(rid, timeout)

    def status(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) // 1024  # MB
        return 0

    def close(self):
        try:
            self.write(frame({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}))
            self.write(frame({"jsonrpc": "2.0", "method": "exit"}))
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        return self.proc.wait(30)


failures = []


def check(name, ok, figures=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + figures if figures else ''}", flush=True)
    if not ok:
        failures.append(name)


def crashes(binary):
    for raw in ["1e300", "9223372036854775808", "-9.3e18", "10.5"]:
        s = Server(binary, "--scripted-backend")
        s.request(1, "initialize", INIT)
        s.write(frame(f'{{"jsonrpc":"2.0","id":{raw},"method":"infill/status"}}'.encode()))
        s.write(frame(f'{{"jsonrpc":"2.0","method":"$/cancelRequest","params":{{"id":{raw}}}}}'.encode()))
        alive = s.request(2, "infill/status") is not None
        code = s.close()
        check(f"id {raw}", alive and code == 0 and len(s.replies.get("1", [])) == 1,
              f"answered after it, exit {code}, {s.null_replies} reply to id null")
    s = Server(binary, "--scripted-backend")
    s.request(1, "initialize", INIT)
    s.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///a.py", "languageId": "python", "version": 1, "text": "x\n"}}}))
    s.request(2, "workspace/executeCommand", {"command": "infill.indentLines", "arguments": [
        {"uri": "file:///a.py", "line": 9223372036854775807, "lines": ["x"], "indentation": "  "}]})
    s.write(frame({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                   "params": {"settings": {"contextTokens": 4611686018427387904}}}))
    r = s.request(3, "textDocument/inlineCompletion", {"textDocument": {"uri": "file:///a.py"},
                                                       "position": {"line": 0, "character": 1}, "context": {"triggerKind": 1}})
    code = s.close()
    check("indentLines at Int.max, contextTokens 2^62", r is not None and code == 0, f"exit {code}")


def resync(binary):
    body = json.dumps({"jsonrpc": "2.0", "id": "bad", "method": "infill/status"}).encode()
    classes = {
        "length one too large": b"Content-Length: %d\r\n\r\n" % (len(body) + 1) + body,
        "length one too small": b"Content-Length: %d\r\n\r\n" % (len(body) - 1) + body,
        "length -1": b"Content-Length: -1\r\n\r\n" + body,
        "length abc": b"Content-Length: abc\r\n\r\n" + body,
        "header line without a colon": b"Content-Length %d\r\n\r\n" % len(body) + body,
        "NUL before the header": b"\0" + frame(body),
        "BOM before the header": b"\xef\xbb\xbf" + frame(body),
        "garbage before the header": b"garbage!\n" + frame(body),
        "header longer than one read": b"X-Pad: " + b"p" * 100_000 + b"\r\n" + frame(body),
    }
    for name, bad in classes.items():
        s = Server(binary, "--scripted-backend")
        s.request(1, "initialize", INIT)
        s.write(bad)
        answered = sum(s.request(f"after-{i}", "infill/status", timeout=20) is not None for i in range(3))
        s.close()
        check(f"resynchronises after: {name}", answered == 3, f"{answered}/3 later requests answered")


def pipelined(binary, n, method):
    s = Server(binary, "--scripted-backend")
    s.request(0, "initialize", INIT)
    base = s.status("VmRSS")
    doc = {"textDocument": {"uri": "file:///a.py", "languageId": "python", "version": 1,
                            "text": "def f(x):\n    return x\n" * 200}}
    s.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": doc}))
    params = None if method == "infill/status" else {
        "textDocument": {"uri": "file:///a.py"}, "position": {"line": 1, "character": 4}, "context": {"triggerKind": 2}}
    data = b"".join(frame({"jsonrpc": "2.0", "id": i + 1, "method": method, **({"params": params} if params else {})})
                    for i in range(n))
    start = time.time()
    s.write(data)
    last = s.wait(n, 300)
    elapsed = time.time() - start
    time.sleep(0.5)
    peak, kept = s.status("VmHWM"), s.status("VmRSS")
    answered = len(s.replies) - 1
    s.close()
    goal = 24 + n * 2 // 1024
    check(f"{n} pipelined {method}", last is not None and answered == n and peak <= goal,
          f"last answer after {elapsed:.2f} s, {answered} answered, peak RSS {peak} MB (goal ≤ 24 MB + N × 2 KB = {goal}; "
          f"idle {base} MB), {kept} MB after")


def big_params(binary):
    s = Server(binary, "--scripted-backend")
    s.request(0, "initialize", INIT)
    base = s.status("VmRSS")
    zeros = b"[" + b"0," * (25 * 1024 * 1024 - 1) + b"0]"
    body = b'{"jsonrpc":"2.0","id":1,"method":"infill/status","params":' + zeros + b"}"
    start = time.time()
    s.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    alive = s.request(2, "infill/status", timeout=120) is not None
    elapsed = time.time() - start
    r = s.replies.get("1", [None])[0] or ({"error": {"message": "answered to id null"}} if s.null_replies else None)
    peak = s.status("VmHWM")
    s.close()
    mb = len(body) // (1 << 20)
    check(f"{mb} MB params array of zeros", r is not None and alive and peak - base <= 4 * mb,
          f"answered ({r and r.get('error', {}).get('message')}) after {elapsed:.2f} s, peak {peak} MB "
          f"({peak - base} MB over idle; goal ≤ 4 × {mb})")


def many_documents(binary):
    s = Server(binary, "--scripted-backend")
    s.request(0, "initialize", INIT)
    base = s.status("VmRSS")
    text = ("x = 1  # " + "y" * 90 + "\n") * 10_000  # 1 MB
    for i in range(200):
        s.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": f"file:///{i}.py", "languageId": "python", "version": 1, "text": text}}}))
    s.request(1, "infill/status", timeout=120)
    opened = s.status("VmRSS")
    for i in range(200):
        s.write(frame({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": f"file:///{i}.py"}}}))
    s.request(2, "infill/status", timeout=120)
    time.sleep(0.5)
    after = s.status("VmRSS")
    s.close()
    check("200 documents of 1 MB opened then closed", after - base <= 50,
          f"{opened} MB open, {after} MB after closing (idle {base} MB)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=".build/release/infill")
    ap.add_argument("--quick", action="store_true", help="skip the 20,000-request and 50 MB runs")
    args = ap.parse_args()
    crashes(args.binary)
    resync(args.binary)
    pipelined(args.binary, 10_000, "infill/status")
    if not args.quick:
        pipelined(args.binary, 20_000, "infill/status")
    pipelined(args.binary, 10_000, "textDocument/inlineCompletion")
    if not args.quick:
        big_params(args.binary)
    many_documents(args.binary)
    print(f"stdio: {len(failures)} failed" + (f" ({', '.join(failures)})" if failures else ""))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
