#!/usr/bin/env python3
"""Cold start while typing (not a test): the server loads the model, the file is opened, and one line is
typed at one keystroke per --interval seconds with an automatic inlineCompletion per keystroke, never
waiting for answers, as an editor sends them. Nothing is in the KV cache yet, so the first prompt (about
1,500 tokens) must run while newer keystrokes supersede the requests. Reports how much of the prompt the
requests got through while typing, how many keystrokes got ghost text, and when the last answer came.
With --read SECONDS the user reads that long (after the model is ready) before typing: idle time the server
may spend on the opened file.
  python3 Benchmarks/typing/cold_start.py --model qwen2.5-coder-0.5b [--interval 0.2] [--read 3]
"""
import argparse
import json
import os
import sys
import textwrap
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "humaneval"))
from lsp_client import LSPClient  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-0.5b")
    ap.add_argument("--file", default=textwrap.__file__)
    ap.add_argument("--interval", type=float, default=0.2, help="seconds between keystrokes")
    ap.add_argument("--read", type=float, default=0, help="seconds between the model being ready and the first keystroke")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "infill"))
    args = ap.parse_args()
    text = open(args.file).read()
    lines = text.split("\n")
    client = LSPClient([args.binary, "lsp", "--model", args.model])
    client.initialize({"multiline": "never"})
    client.notify("$/setTrace", {"value": "verbose"})  # each finished generation in window/logMessage
    uri = "file://" + os.path.abspath(args.file)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    while client.request("infill/status", {})["modelState"] != "ready":
        time.sleep(0.2)
    line = [i for i, body in enumerate(lines) if i >= len(lines) // 2 and len(body.strip()) >= 30][0]
    body = lines[line]
    indent = len(body) - len(body.lstrip())

    # Responses come out of order (a superseded request answers null when it stops): read them all here.
    answers, logs = {}, []
    def read():
        while (msg := client.inbox.get()) is not None:
            if "id" in msg and "method" not in msg:
                answers[msg["id"]] = (time.perf_counter(), msg.get("result"))
            elif msg.get("method") == "window/logMessage":
                logs.append(msg["params"]["message"])
    threading.Thread(target=read, daemon=True).start()
    time.sleep(args.read)

    t0 = time.perf_counter()
    sent, doc = {}, list(lines)
    for version, k in enumerate(range(indent + 1, len(body) + 1), start=2):
        doc[line] = body[:k]
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"text": "\n".join(doc)}]})
        rid = client.request_async("textDocument/inlineCompletion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": k}, "context": {"triggerKind": 2}})
        sent[rid] = k
        time.sleep(args.interval)
    typed = time.perf_counter()
    while any(r not in answers for r in sent) and time.perf_counter() - typed < 300:
        time.sleep(0.05)
    shown = [(sent[r], round(answers[r][0] - t0, 1)) for r in sorted(sent)
             if r in answers and isinstance(answers[r][1], dict) and answers[r][1].get("items")]
    status = client.request_async("infill/status", {})
    while status not in answers:
        time.sleep(0.05)
    s = answers[status][1]
    print(json.dumps({"model": args.model, "keystrokes": len(sent), "typing_s": round(typed - t0, 1),
                      "prompt_tokens": s["lastPromptTokens"], "cached_when_typing_ended": s["lastReusedTokens"],
                      "answers_with_text": len(shown), "first_text": shown[0] if shown else None,
                      "first_text_after_typing_s": round(shown[0][1] - (typed - t0), 1) if shown else None,
                      "last_answer_after_typing_s": round(max(a[0] for a in answers.values()) - typed, 1)}))
    client.proc.kill()


if __name__ == "__main__":
    main()
