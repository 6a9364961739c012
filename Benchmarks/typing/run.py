#!/usr/bin/env python3
"""Scripted typing session: one textDocument/inlineCompletion per keystroke, as Neovim sends them.

  python3 Benchmarks/typing/run.py --model qwen2.5-coder-0.5b [--file PATH] [--lines 4]
  ~/.cache/infill/llama-venv/bin/python Benchmarks/typing/run.py --backend llamacpp --model qwen2.5-coder-0.5b

Takes a real source file (default: the Python standard library's textwrap.py, about 500 lines), picks
lines in its second half, blanks each (keeping its indentation) and retypes it one character at a
time, waiting for each answer as an editor with automatic triggers does: didChange (incremental) then
inlineCompletion, after one untimed warm-up request (warm: model loaded, the file in the KV cache). Reports latency percentiles over all keystrokes and over those where the model ran
(the others were answered from the completion already shown), and the share of prompt tokens the
engine reused from its KV cache when one character was typed (from `infill/status` totals), and
how often the ghost text was the whole rest of the line (right_answers) or a correct start of it
(right_starts: early answers, `firstAnswerMs`, go on as the user types).
`--upward` types the same lines from the bottom up. Single-line completions by default (`--multiline auto` for the editor default). `--think-ms N` waits N
ms after each answer before the next keystroke, as a typist does (0, the default, is the worst case:
the server never has idle time for its precompute).

With --backend llamacpp the same keystrokes go to llama-cpp-python (its prompt prefix cache on), with
the same prompt layout and budget as Infill builds (file tokens 1536, suffix at most a quarter, the
prefix cut at 16-line steps, the cursor line's text after <|fim_middle|>), greedy, up to the first
line break: the engine side by side, without Infill's typing-through.
"""
import argparse
import json
import os
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "humaneval"))
from lsp_client import LSPClient  # noqa: E402

CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))


def pct(xs, q):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]) if xs else None


def keystrokes(text, n_lines, upward=False):
    """Yields (document text, line, character, typed character, first keystroke of the line)."""
    lines = text.split("\n")
    half = len(lines) // 2
    candidates = [i for i, l in enumerate(lines) if i >= half and len(l.strip()) >= 16][::9][:n_lines]
    if upward:  # the same lines from the bottom up: each move goes up
        candidates.reverse()
    for i in candidates:
        body = lines[i]
        indent = len(body) - len(body.lstrip())
        for k in range(indent + 1, len(body) + 1):
            doc = "\n".join(lines[:i] + [body[:k]] + lines[i + 1:])
            yield doc, i, k, body[k - 1], k == indent + 1


def warmup_position(text, n_lines, upward=False):
    """The end of the first typed line in the untouched file: one untimed request there first, so the
    timings are warm (model loaded, the file in the KV cache), as in an editor after its first request."""
    _, line, _, _, _ = next(keystrokes(text, n_lines, upward))
    return line, len(text.split("\n")[line])


def run_infill(args, text):
    argv = [os.path.join(ROOT, ".build", "release", "infill"), "lsp", "--model", args.model]
    if args.threads:
        argv += ["--threads", str(args.threads)]
    client = LSPClient(argv, stderr=open(args.server_log, "w") if args.server_log else None)
    client.initialize({"multiline": args.multiline, "precompute": not args.no_precompute,
                       "draftTokens": args.draft_tokens,
                       **({} if args.first_answer_ms is None else
                          {"firstAnswerMs": "auto" if args.first_answer_ms == "auto" else int(args.first_answer_ms)})})
    if args.server_log:  # every generation (precomputes too) in the log
        client.notify("$/setTrace", {"value": "verbose"})
    uri = "file://" + os.path.abspath(args.file)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    rows = []
    version = 1
    line, ch = warmup_position(text, args.lines, args.upward)
    client.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri},
                   "position": {"line": line, "character": ch}, "context": {"triggerKind": 2}})
    before = client.request("infill/status", {})
    for doc, line, ch, typed, first in keystrokes(text, args.lines, args.upward):
        version += 1
        time.sleep(args.think_ms / 1000)
        if first:  # blank the line (keep indentation) and type its first character
            change = {"text": doc}
        else:
            change = {"range": {"start": {"line": line, "character": ch - 1}, "end": {"line": line, "character": ch - 1}},
                      "text": typed}
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        t0 = time.perf_counter()
        answer = client.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri},
                                "position": {"line": line, "character": ch}, "context": {"triggerKind": 2}})
        ms = (time.perf_counter() - t0) * 1000
        after = client.request("infill/status", {})
        prompt = after["promptTokens"] - before["promptTokens"]
        reused = after["reusedPromptTokens"] - before["reusedPromptTokens"]
        items = (answer or {}).get("items", []) if isinstance(answer, dict) else (answer or [])
        shown = items[0]["insertText"] if items else ""
        rest = text.split("\n")[line][ch:]  # what the user goes on to type on this line
        rows.append({"ms": ms, "model_ran": prompt > 0, "prompt": prompt, "reused": reused, "first": first,
                     "generated": after["generatedTokens"] - before["generatedTokens"], "shown": shown,
                     "right": bool(rest) and shown.rstrip() == rest.rstrip(),
                     # a correct start of the rest (an early answer that goes on as the user types)
                     "right_start": bool(shown.strip()) and rest.startswith(shown.rstrip())})
        before = after
    client.shutdown()
    return rows


def run_llamacpp(args, text):
    from llama_cpp import Llama
    path = args.model if os.path.exists(args.model) else os.path.join(CACHE, "models", args.model + ".gguf")
    llm = Llama(model_path=path, n_ctx=4096, n_threads=args.threads or os.cpu_count(), n_batch=512, verbose=False)
    stop = {llm.token_eos()} | {t[0] for t in (llm.tokenize(s.encode(), add_bos=False, special=True)
                                              for s in ["<|endoftext|>", "<|file_sep|>", "<|fim_pad|>"]) if len(t) == 1}
    special = {name: llm.tokenize(name.encode(), add_bos=False, special=True)
               for name in ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"]}
    count = lambda s: len(llm.tokenize(s.encode(), add_bos=False, special=False))  # noqa: E731
    rows = []
    previous = []
    warm_line, warm_ch = warmup_position(text, args.lines, args.upward)
    for doc, line, ch, _, first in [(text, warm_line, warm_ch, "", None)] + list(keystrokes(text, args.lines, args.upward)):
        lines = doc.split("\n")
        cursor_line = lines[line][:ch]
        suffix_lines = [lines[line][ch:]] + lines[line + 1:]
        kept_suffix, used = [], 0
        for s in suffix_lines:  # whole lines up to a quarter of the budget
            n = count(s + "\n")
            if used + n > 1536 // 4:
                break
            kept_suffix.append(s)
            used += n
        body = lines[:line]
        start, budget = len(body), 1536 - used - count(cursor_line) // 64 * 64
        total = 0
        while start > 0 and total + count(body[start - 1] + "\n") <= budget:
            start -= 1
            total += count(body[start] + "\n")
        if start > 0:
            start = min(len(body), (start + 15) // 16 * 16)
        prefix = "".join(l + "\n" for l in body[start:])
        toks = (special["<|fim_prefix|>"] + llm.tokenize(prefix.encode(), add_bos=False, special=False)
                + special["<|fim_suffix|>"] + llm.tokenize("\n".join(kept_suffix).encode(), add_bos=False, special=False)
                + special["<|fim_middle|>"] + llm.tokenize(cursor_line.encode(), add_bos=False, special=False))
        common = next((i for i, (a, b) in enumerate(zip(previous, toks)) if a != b), min(len(previous), len(toks)))
        t0 = time.perf_counter()
        out = []
        for tok in llm.generate(toks, temp=0.0, top_k=1):
            if tok in stop or len(out) >= 64 or (b"\n" in llm.detokenize([tok]) and out):
                break
            out.append(tok)
        if first is not None:  # not the warm-up
            rows.append({"ms": (time.perf_counter() - t0) * 1000, "model_ran": True, "prompt": len(toks),
                         "reused": common, "first": first})
        previous = toks + out
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["infill", "llamacpp"], default="infill")
    ap.add_argument("--model", default="qwen2.5-coder-0.5b")
    ap.add_argument("--file", default=textwrap.__file__)
    ap.add_argument("--lines", type=int, default=4)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--multiline", default="never", choices=["never", "auto", "always"],
                    help="Infill's line policy (the latency goal is for single-line completions)")
    ap.add_argument("--no-precompute", action="store_true", help="turn off the idle precompute (setting precompute)")
    ap.add_argument("--first-answer-ms", default=None,
                    help="auto or N: answer after N ms with the words so far, the rest as the user types (setting firstAnswerMs; default: the server's; 0: off)")
    ap.add_argument("--draft-tokens", type=int, default=8, help="guessed tokens per decode step (setting draftTokens; 0: off)")
    ap.add_argument("--upward", action="store_true", help="type the lines from the bottom up (the cursor moves up between lines)")
    ap.add_argument("--think-ms", type=float, default=0, help="pause before each keystroke (Infill only: llama.cpp does no idle work)")
    ap.add_argument("--verbose", action="store_true", help="one line per keystroke on stderr")
    ap.add_argument("--server-log", default="", help="the server's stderr (its log) to this file")
    args = ap.parse_args()
    text = open(args.file).read()
    rows = (run_infill if args.backend == "infill" else run_llamacpp)(args, text)
    if args.verbose:
        for r in rows:
            print(json.dumps({k: round(v) if isinstance(v, float) else v for k, v in r.items()}), file=sys.stderr)
    ran = [r for r in rows if r["model_ran"]]
    typed = [r for r in ran if not r["first"]]  # one character typed on the same line
    share = lambda rs: round(sum(r["reused"] for r in rs) / max(1, sum(r["prompt"] for r in rs)), 3)  # noqa: E731
    print(json.dumps({
        "backend": args.backend, "model": args.model, "file": os.path.basename(args.file), "keystrokes": len(rows),
        "think_ms": args.think_ms, "upward": args.upward,
        "p50_ms": pct([r["ms"] for r in rows], 50), "p95_ms": pct([r["ms"] for r in rows], 95),
        "model_runs": len(ran), "model_p50_ms": pct([r["ms"] for r in ran], 50),
        "model_p95_ms": pct([r["ms"] for r in ran], 95),
        "reused_share_one_char": share(typed), "reused_share_all_runs": share(ran),
        # Infill only: answers that were exactly the rest of the line the user then typed.
        "right_answers": sum(1 for r in rows if r.get("right")),
        "right_starts": sum(1 for r in rows if r.get("right_start"))}))


if __name__ == "__main__":
    main()
