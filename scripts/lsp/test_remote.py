"""The llama-server backend end to end: a real llama-server (scripts/install-llama-cpp) on the 0.5B, run
with the settings under which it matches our engine, and `infill lsp --backend llama-server` driving it:
a completion, then the server killed mid-stream (a logged error and a null answer), then a restarted
server answering the next request. Skips when llama-server is not installed (INFILL_LLAMA_CPP_BIN)."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from wire_client import WireClient  # noqa: E402

BIN = os.environ.get("INFILL_BIN", ".build/release/infill")
CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))
MODEL = os.path.join(CACHE, "models", "qwen2.5-coder-0.5b.gguf")
LLAMA_BIN = os.environ.get("INFILL_LLAMA_CPP_BIN", os.path.join(CACHE, "llama.cpp", "root", "usr", "bin"))
SERVER = os.path.join(LLAMA_BIN, "llama-server")

pytestmark = pytest.mark.skipif(not os.access(SERVER, os.X_OK),
                                reason=f"{SERVER} is missing: run scripts/install-llama-cpp")

FIB = "def fibonacci(n):\n    if n < 2:\n        return n\n    return \n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """llama-server in a process group of its own, killed with the group."""

    def __init__(self, port):
        self.port = port
        self.proc = subprocess.Popen(
            [SERVER, "-m", MODEL, "--host", "127.0.0.1", "--port", str(port), "-c", "4096", "-np", "2",
             "-fa", "off", "-ctk", "f32", "-ctv", "f32", "--no-repack", "-t", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            assert self.proc.poll() is None, "llama-server exited while starting"
            time.sleep(0.2)
        self.kill()
        raise AssertionError("llama-server did not become healthy in 60 s")

    def wait_until_generating(self, timeout=60):
        """Until a slot has written a token of its answer (`/slots`), so a kill lands mid-stream."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/slots", timeout=5) as r:
                slots = json.load(r)
            if any(s.get("is_processing") and (s.get("next_token") or [{}])[0].get("n_decoded", 0) > 0 for s in slots):
                return
            time.sleep(0.05)
        raise AssertionError("llama-server never started generating")

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        server.kill()


def start_lsp(port, *flags):
    c = WireClient([BIN, "lsp", "--backend", "llama-server", "--url", f"http://127.0.0.1:{port}",
                    "--tokenizer-model", MODEL, "--time-limit-ms", "30000", *flags])
    c.request("initialize", {"capabilities": {"window": {"workDoneProgress": True}}}, timeout=10)
    c.notify("initialized", {})
    end = c.wait_notification(lambda n: n["method"] == "$/progress" and n["params"]["value"]["kind"] == "end", 60)
    assert end["params"]["value"].get("message", "").endswith("ready"), end
    return c


def inline(c, text, line, character, uri="file:///fib.py", version=1, timeout=60):
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}})
    return c.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character},
                                                        "context": {"triggerKind": 1}}, timeout=timeout)


def stop(c):
    c.request("shutdown")
    c.notify("exit")
    assert c.proc.wait(30) == 0


def test_completion_through_llama_server(port, servers):
    servers.append(LlamaServer(port))
    c = start_lsp(port)
    r = inline(c, FIB, 3, 11)
    items = r["result"]["items"] if r.get("result") else []
    assert items and "fibonacci(n - 1)" in items[0]["insertText"].replace("n-1", "n - 1"), r
    status = c.request("infill/status", {})["result"]
    assert f"llama-server at http://127.0.0.1:{port}" in status["model"], status
    # Token healing through the server: the prompt ends before "pa", which the answer must write first.
    r = inline(c, "import os\n\ndef read_config(path):\n    with open(pa", 3, 16, uri="file:///config.py")
    items = r["result"]["items"] if r.get("result") else []
    assert items and items[0]["insertText"].startswith("th"), r
    stop(c)


def test_server_killed_mid_stream_then_back(port, servers):
    server = LlamaServer(port)
    servers.append(server)
    c = start_lsp(port, "--max-new-tokens", "1000")
    # A long answer, so the kill lands while tokens stream.
    text = "# all the prime numbers below 1000, one per line, as a python list literal\nPRIMES = [\n"
    c.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///p.py", "languageId": "python", "version": 1, "text": text}})
    c.send({"jsonrpc": "2.0", "id": 900, "method": "textDocument/inlineCompletion",
                  "params": {"textDocument": {"uri": "file:///p.py"}, "position": {"line": 2, "character": 0},
                             "context": {"triggerKind": 1}}})
    server.wait_until_generating()
    server.kill()
    r = c.wait_response(900, 30)
    assert r.get("result") is None, r
    logged = c.wait_notification(lambda n: n["method"] == "window/logMessage" and "completion failed" in n["params"]["message"], 10)
    assert "llama-server" in logged["params"]["message"], logged
    # Down: a clear error, no hang.
    r = inline(c, FIB, 3, 11, uri="file:///fib.py", timeout=30)
    assert r.get("result") is None, r
    # Back on the same port: the next request works.
    servers.append(LlamaServer(port))
    r = inline(c, FIB, 3, 11, uri="file:///fib3.py")
    items = r["result"]["items"] if r.get("result") else []
    assert items and "fibonacci(n - 1)" in items[0]["insertText"].replace("n-1", "n - 1"), r
    stop(c)


def test_a_server_with_another_vocabulary_is_refused(port, servers):
    servers.append(LlamaServer(port))
    # A Code Llama vocabulary with FIM tokens (a test fixture), against the server's Qwen one.
    other = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "LlamaEngineTests", "Fixtures",
                                         "synthetic-codellama.gguf"))
    c = WireClient([BIN, "lsp", "--backend", "llama-server", "--url", f"http://127.0.0.1:{port}", "--tokenizer-model", other])
    c.request("initialize", {"capabilities": {"window": {"workDoneProgress": True}}}, timeout=10)
    c.notify("initialized", {})
    end = c.wait_notification(lambda n: n["method"] == "$/progress" and n["params"]["value"]["kind"] == "end", 60)
    message = end["params"]["value"].get("message", "")
    assert "tokenizes differently" in message and "--tokenizer-model" in message, message
    r = inline(c, FIB, 3, 11, timeout=10)
    assert r.get("result") is None, r
    stop(c)


def test_cancelling_a_request_stops_the_servers_generation(port, servers):
    server = LlamaServer(port)
    servers.append(server)
    c = start_lsp(port, "--max-new-tokens", "1000", "--precompute", "false")
    text = "# all the prime numbers below 1000, one per line, as a python list literal\nPRIMES = [\n"
    c.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///p.py", "languageId": "python", "version": 1, "text": text}})
    c.send({"jsonrpc": "2.0", "id": 901, "method": "textDocument/inlineCompletion",
            "params": {"textDocument": {"uri": "file:///p.py"}, "position": {"line": 2, "character": 0},
                       "context": {"triggerKind": 1}}})
    server.wait_until_generating()
    c.notify("$/cancelRequest", {"id": 901})
    c.wait_response(901, 10)
    # The closed stream stops the slot: llama-server notices when it writes its next token, which on a
    # loaded machine may take seconds; 1000 tokens would take minutes.
    deadline = time.time() + 30
    while time.time() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slots", timeout=5) as r:
            if not any(s.get("is_processing") for s in json.load(r)):
                break
        time.sleep(0.05)
    else:
        raise AssertionError("llama-server still generates after the request was cancelled")
    stop(c)
