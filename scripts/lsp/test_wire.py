"""Wire-level behaviour of the real binary that a well-behaved client never shows: malformed
frames, oversized frames, lifecycle exit codes, stray output. Standard library client."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from wire_client import WireClient  # noqa: E402

BIN = os.environ.get("INFILL_BIN", ".build/release/infill")
INIT = {"capabilities": {"general": {"positionEncodings": ["utf-16"]}, "window": {"workDoneProgress": True}}}


def start(*extra):
    return WireClient([BIN, "lsp", *extra])


def test_bad_frames_do_not_stop_the_server():
    c = start("--scripted-backend", "--max-message-bytes", "2048")
    assert "result" in c.request("initialize", INIT)
    c.write_raw(b"Bogus header\r\n\r\n")  # no Content-Length: logged, skipped
    broken = b'{"jsonrpc":"2.0","id":5,"met'
    c.write_raw(b"Content-Length: %d\r\n\r\n" % len(broken) + broken)  # bad JSON: answered to id null
    assert c.wait_response(None, 10)["error"]["code"] == -32700
    big = json.dumps({"jsonrpc": "2.0", "id": 6, "method": "shutdown", "params": {"x": "y" * 5000}}).encode()
    c.write_raw(b"Content-Length: %d\r\n\r\n" % len(big) + big)  # over the cap: skipped
    c.send({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {}})
    assert c.wait_response(7, 10)["error"]["code"] == -32601
    c.notify("custom/unknownNotification", {})
    assert c.request("shutdown")["result"] is None
    c.notify("exit")
    assert c.proc.wait(10) == 0
    stderr = c.proc.stderr.read().decode()
    assert "over the 2048-byte limit" in stderr, stderr


def test_requests_before_initialize_and_exit_without_shutdown():
    c = start("--scripted-backend")
    assert c.request("shutdown")["error"]["code"] == -32002
    assert "result" in c.request("initialize", INIT)
    c.notify("exit")
    assert c.proc.wait(10) == 1


def test_closing_stdin_ends_the_server():
    c = start("--scripted-backend")
    assert "result" in c.request("initialize", INIT)
    assert c.wait_exit(10) == 1


def test_every_frame_on_stdout_is_valid():
    # Drive a full session and check nothing but frames reached stdout.
    c = start("--scripted-backend")
    c.request("initialize", INIT)
    c.notify("initialized", {})
    c.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///x.go", "languageId": "go", "version": 1,
                                                       "text": "package x\n\nfunc F() int {\n\treturn 1\n}\n"}})
    r = c.request("textDocument/codeAction", {"textDocument": {"uri": "file:///x.go"},
                                              "range": {"start": {"line": 3, "character": 1}, "end": {"line": 3, "character": 1}},
                                              "context": {"diagnostics": []}})
    assert r["result"][0]["command"]["command"] == "infill.generateDocstring", "no resolve support: a command"
    r = c.request("workspace/executeCommand", r["result"][0]["command"])
    assert r["result"] is None
    edit = next(m for m in c.server_requests if m["method"] == "workspace/applyEdit")
    assert edit["params"]["edit"]["changes"]["file:///x.go"][0]["newText"] == "// Scripted docstring.\n"
    c.request("shutdown")
    c.notify("exit")
    assert c.proc.wait(10) == 0
    assert c.buf == b"", f"trailing bytes on stdout: {c.buf[:200]!r}"


def test_server_info_version_is_the_cli_version():
    # One definition: a bug report's `infill --version` and the editor's serverInfo name the same build.
    cli = subprocess.run([BIN, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+ \((unknown commit|[0-9a-f]{7,}(-dirty)?)\)", cli), cli
    c = start("--scripted-backend")
    info = c.request("initialize", INIT)["result"]["serverInfo"]
    assert info == {"name": "infill", "version": cli}
    c.request("shutdown")
    c.notify("exit")
    assert c.proc.wait(10) == 0
