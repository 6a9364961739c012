#!/usr/bin/env python3
"""HumanEval infilling pass@1 (greedy) through Infill's LSP server or through llama.cpp.

  python3 Benchmarks/humaneval/run.py --backend infill   --model qwen2.5-coder-1.5b --kind single --limit 200
  python3 Benchmarks/humaneval/run.py --backend infill   --model qwen2.5-coder-1.5b --kind span --limit 100
  ~/.cache/infill/llama-venv/bin/python Benchmarks/humaneval/run.py --backend llamacpp --model qwen2.5-coder-1.5b

infill:   opens the hole's file (the masked lines replaced by one empty line; for span and midline
          the masked characters removed) in the real `infill lsp`, asks textDocument/inlineCompletion
          (invoked, or --trigger 2 automatic) at the hole, applies the item, runs the tests.
llamacpp: raw FIM prompt through llama.cpp (llamacpp_fim.py: llama-server from scripts/install-llama-cpp,
          or llama-cpp-python), greedy, no trimming (the baseline); also reports the pass rate when its
          output is cut after the first line.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tasks as T  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))


def model_path(name):
    return name if os.path.exists(name) else os.path.join(CACHE, "models", name + ".gguf")


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))] if xs else 0.0


def run_infill(tasks, args):
    from lsp_client import LSPClient
    binary = args.binary or os.path.join(ROOT, ".build", "release", "infill")
    argv = [binary, "lsp", "--model", args.model] + (["--threads", str(args.threads)] if args.threads else [])
    client = LSPClient(argv, stderr=open(os.devnull, "w") if not args.verbose else None)
    client.initialize({"maxNewTokens": args.max_tokens, "timeLimitMs": args.time_limit_ms})
    results = []
    for n, task in enumerate(tasks):
        text, offset = task.document
        uri = f"file:///tmp/humaneval/{task.task_id.replace('/', '_')}_{n}.py"
        # Accepted as Neovim accepts it: the item's text, then its command (indenting the code below).
        document, items, ms = client.complete_inline(uri, "python", text, offset, args.trigger)
        ok = T.document_passes(task, document)
        middle = (items[0]["insertText"] if items else "") + ("\n" if task.hole == "line" else "")
        results.append({"task": task.task_id, "ok": ok, "ms": ms, "middle": middle, "expected": task.middle,
                        "indentsBelow": bool(items and items[0].get("command"))})
        if args.verbose:
            print(f"{n:4d} {'PASS' if ok else 'fail'} {ms:7.0f} ms {middle!r}", flush=True)
    client.shutdown()
    return results


def run_llamacpp(tasks, args):
    from llamacpp_fim import RawFIM
    fim = RawFIM(model_path(args.model), args.threads, args.llamacpp)
    results = []
    try:
        for n, task in enumerate(tasks):
            middle, ms = fim.generate(task.prefix, task.suffix, args.max_tokens)
            first = T.first_line(task, middle)
            results.append({"task": task.task_id, "ok": T.passes(task, middle), "ok_first_line": T.passes(task, first),
                            "ms": ms, "middle": middle, "expected": task.middle})
            if args.verbose:
                print(f"{n:4d} {'PASS' if results[-1]['ok'] else 'fail'} {ms:7.0f} ms {middle!r}", flush=True)
    finally:
        fim.close()
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["infill", "llamacpp"], default="infill")
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--kind", choices=sorted(T.KINDS), default="single")
    ap.add_argument("--trigger", type=int, choices=[1, 2], default=1, help="LSP trigger kind: 1 invoked, 2 automatic")
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--first", type=int, default=0, help="only the first N tasks of the subset (as replay.py --first)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--max-tokens", type=int, default=0)
    ap.add_argument("--time-limit-ms", type=int, default=10000)
    ap.add_argument("--binary", default="", help="the infill binary (default: this checkout's release build)")
    ap.add_argument("--llamacpp", choices=["auto", "server", "python"], default="auto",
                    help="llama.cpp side: llama-server from scripts/install-llama-cpp, or llama-cpp-python (auto: python if importable)")
    ap.add_argument("--out", default="")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--min-pass", type=float, default=None, help="exit 1 below this pass rate (smoke use)")
    args = ap.parse_args()
    if not args.max_tokens:
        args.max_tokens = 64 if args.kind in ("single", "midline") else 256
    tasks = T.tasks_of_kind(args.kind, args.limit)[:args.first or None]
    results = (run_infill if args.backend == "infill" else run_llamacpp)(tasks, args)
    passed = sum(r["ok"] for r in results)
    lat = [r["ms"] for r in results]
    summary = {"backend": args.backend, "model": args.model, "kind": args.kind, "tasks": len(results),
               **({"trigger": args.trigger} if args.backend == "infill" else {}),
               "pass": passed, "pass_rate": round(100 * passed / max(1, len(results)), 1),
               "p50_ms": round(pct(lat, 50)), "p95_ms": round(pct(lat, 95))}
    if args.backend == "llamacpp":
        summary["pass_rate_first_line"] = round(100 * sum(r["ok_first_line"] for r in results) / max(1, len(results)), 1)
    print(json.dumps(summary))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"summary": summary, "results": results}, f, indent=1)
    if args.min_pass is not None and summary["pass_rate"] < args.min_pass:
        sys.exit(1)


if __name__ == "__main__":
    main()
