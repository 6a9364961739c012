#!/usr/bin/env python3
"""Scripted typing session: one textDocument/inlineCompletion per keystroke, as Neovim sends them.

  python3 Benchmarks/typing/run.py --model qwen2.5-coder-0.5b [--file PATH] [--lines 5]

Takes a real source file, blanks a few lines (keeping their indentation) and retypes them one
character at a time: didChange (incremental) then inlineCompletion. Prints p50/p95 latency and the
share of prompt tokens the engine reused from its KV cache (from the server's `infill/status`).
With --backend llamacpp it answers the same FIM prompts through llama-cpp-python (prompt cache on).
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "humaneval"))
from lsp_client import LSPClient  # noqa: E402

CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))] if xs else 0.0


def session(text, n_lines):
    """Yields (document text, line, character) for each keystroke."""
    lines = text.split("\n")
    candidates = [i for i, l in enumerate(lines) if len(l.strip()) >= 12 and i > 20][:: 7][:n_lines]
    for i in candidates:
        body = lines[i]
        indent = len(body) - len(body.lstrip())
        for k in range(indent + 1, len(body) + 1):
            doc = "\n".join(lines[:i] + [body[:k]] + lines[i + 1:])
            yield doc, i, k, body[k - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["infill", "llamacpp"], default="infill")
    ap.add_argument("--model", default="qwen2.5-coder-0.5b")
    ap.add_argument("--file", default=os.path.join(ROOT, "Benchmarks", "humaneval", "run.py"))
    ap.add_argument("--lines", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    text = open(args.file).read()
    lat, reused, total = [], 0, 0
    if args.backend == "infill":
        argv = [os.path.join(ROOT, ".build", "release", "infill"), "lsp", "--model", args.model]
        if args.threads:
            argv += ["--threads", str(args.threads)]
        c = LSPClient(argv)
        c.initialize({})
        uri = "file://" + os.path.abspath(args.file)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        version = 1
        prev_line = None
        for doc, line, ch, typed in session(text, args.lines):
            version += 1
            if line != prev_line:  # blank the line (keep indentation) before typing it
                c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                         "contentChanges": [{"text": doc}]})
                prev_line = line
            else:
                c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                         "contentChanges": [{"range": {"start": {"line": line, "character": ch - 1},
                                                       "end": {"line": line, "character": ch - 1}}, "text": typed}]})
            t0 = time.perf_counter()
            c.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri},
                      "position": {"line": line, "character": ch}, "context": {"triggerKind": 2}})
            lat.append((time.perf_counter() - t0) * 1000)
            st = c.request("infill/status", {}) or {}
            reused += st.get("lastReusedTokens", 0)
            total += st.get("lastPromptTokens", 0)
        c.shutdown()
    else:
        from llama_cpp import Llama
        path = args.model if os.path.exists(args.model) else os.path.join(CACHE, "models", args.model + ".gguf")
        llm = Llama(model_path=path, n_ctx=8192, n_threads=args.threads or os.cpu_count(), verbose=False)
        stop = {llm.token_eos()} | {t[0] for t in (llm.tokenize(s.encode(), add_bos=False, special=True)
                                                  for s in ["<|endoftext|>", "<|file_sep|>"]) if len(t) == 1}
        for doc, line, ch, _ in session(text, args.lines):
            lines = doc.split("\n")
            prefix = "\n".join(lines[:line] + [lines[line][:ch]])
            suffix = lines[line][ch:] + "\n" + "\n".join(lines[line + 1:])
            toks = llm.tokenize(("<|fim_prefix|>" + prefix + "<|fim_suffix|>" + suffix + "<|fim_middle|>").encode(),
                                add_bos=False, special=True)
            t0 = time.perf_counter()
            out = []
            for tok in llm.generate(toks, temp=0.0, top_k=1):
                if tok in stop or len(out) >= 32 or b"\n" in llm.detokenize([tok]) and out:
                    break
                out.append(tok)
            lat.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"backend": args.backend, "model": args.model, "keystrokes": len(lat),
                      "p50_ms": round(pct(lat, 50)), "p95_ms": round(pct(lat, 95)),
                      "reused_share": round(reused / total, 3) if total else None}))


if __name__ == "__main__":
    main()
