"""The real model path: `infill lsp --model NAME` loads the GGUF from $INFILL_CACHE/models while
`initialize` returns at once, reports $/progress, then answers completions from the engine."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from wire_client import WireClient  # noqa: E402

BIN = os.environ.get("INFILL_BIN", ".build/release/infill")
MODEL = os.environ.get("INFILL_E2E_MODEL", "qwen2.5-coder-0.5b")
CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))


def test_model_loads_with_progress_and_completes():
    path = os.path.join(CACHE, "models", MODEL + ".gguf")
    assert os.path.exists(path), f"{path} is missing: run scripts/fetch-models {MODEL}"
    c = WireClient([BIN, "lsp", "--model", MODEL, "--threads", "2"])
    init = c.request("initialize", {"capabilities": {"general": {"positionEncodings": ["utf-16"]},
                                                     "window": {"workDoneProgress": True}}}, timeout=10)
    assert "result" in init
    c.notify("initialized", {})
    end = c.wait_notification(lambda n: n["method"] == "$/progress" and n["params"]["value"]["kind"] == "end", 120)
    begin = next(n for n in c.notifications if n["method"] == "$/progress")
    assert begin["params"]["value"]["kind"] == "begin"
    message = end["params"]["value"].get("message", "")
    assert message.endswith("ready"), f"model load failed: {message}"
    text = "def fibonacci(n):\n    if n < 2:\n        return n\n    return \n"
    c.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///fib.py", "languageId": "python", "version": 1, "text": text}})
    r = c.request("textDocument/inlineCompletion", {"textDocument": {"uri": "file:///fib.py"},
                                                    "position": {"line": 3, "character": 11},
                                                    "context": {"triggerKind": 1}}, timeout=120)
    items = r["result"]["items"] if r.get("result") else []
    assert items and "fibonacci(n - 1)" in items[0]["insertText"].replace("n-1", "n - 1"), r
    c.request("shutdown")
    c.notify("exit")
    assert c.proc.wait(30) == 0


def test_docstring_and_menu_completion_with_the_model():
    c = WireClient([BIN, "lsp", "--model", MODEL, "--threads", "2", "--time-limit-ms", "20000"])
    # No resolve support: the command path with workspace/applyEdit.
    c.request("initialize", {"capabilities": {"workspace": {"applyEdit": True}}}, timeout=10)
    c.notify("initialized", {})
    text = "import math\n\n\ndef circle_area(radius):\n    return math.pi * radius ** 2\n"
    c.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///geo.py", "languageId": "python", "version": 1, "text": text}})
    r = c.request("textDocument/codeAction", {"textDocument": {"uri": "file:///geo.py"},
                                              "range": {"start": {"line": 4, "character": 8}, "end": {"line": 4, "character": 8}},
                                              "context": {"diagnostics": []}}, timeout=120)
    command = r["result"][0]["command"]
    assert c.request("workspace/executeCommand", command, timeout=180)["result"] is None
    edit = next(m for m in c.server_requests if m["method"] == "workspace/applyEdit")["params"]["edit"]
    change = edit["changes"]["file:///geo.py"][0]
    assert change["range"]["start"] == {"line": 4, "character": 0}
    assert change["newText"].startswith('    """') and change["newText"].rstrip().endswith('"""'), change
    # Helix-style menu completion: the typed word is replaced by word + middle.
    c.notify("textDocument/didChange", {"textDocument": {"uri": "file:///geo.py", "version": 2},
                                        "contentChanges": [{"text": text + "\n\nprint(circle_ar"}]})
    r = c.request("textDocument/completion", {"textDocument": {"uri": "file:///geo.py"},
                                              "position": {"line": 7, "character": 15}}, timeout=120)
    items = r["result"]["items"]
    assert items and items[0]["textEdit"]["newText"].startswith("circle_area"), r
    assert items[0]["filterText"].startswith("circle_ar")
    c.request("shutdown")
    c.notify("exit")
    assert c.proc.wait(30) == 0
