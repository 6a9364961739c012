#!/usr/bin/env python3
"""Line completion in seven languages (corpus.py): exact match of the rest of the line (trailing
blanks ignored) and edit similarity, per language.

  python3 Benchmarks/multilang/run.py --backend infill --model qwen2.5-coder-1.5b --per-language 30
  ~/.cache/infill/llama-venv/bin/python Benchmarks/multilang/run.py --backend llamacpp --model qwen2.5-coder-1.5b

infill:   opens the window as a file in the real `infill lsp`, asks textDocument/inlineCompletion
          (invoked; --trigger 2 automatic) at the cursor, applies the first item; the prediction is
          the cursor's line after it, right of the cursor.
llamacpp: the raw FIM prompt of the same window through llama.cpp (../humaneval/llamacpp_fim.py),
          greedy, cut at the first line break (the baseline).
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "humaneval"))
import corpus as C  # noqa: E402

CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))


def model_path(name):
    return name if os.path.exists(name) else os.path.join(CACHE, "models", name + ".gguf")


def run_infill(tasks, args):
    from lsp_client import LSPClient
    binary = args.binary or os.path.join(ROOT, ".build", "release", "infill")
    argv = [binary, "lsp", "--model", args.model] + (["--threads", str(args.threads)] if args.threads else [])
    client = LSPClient(argv)
    client.initialize({"maxNewTokens": args.max_tokens, "timeLimitMs": args.time_limit_ms})
    out = []
    for n, t in enumerate(tasks):
        uri = f"file:///tmp/multilang/{n}/{os.path.basename(t.path).rsplit('.', 1)[0]}.{C.LANGUAGES[t.language][1]}"
        text = t.prefix + t.suffix
        line = t.prefix.count("\n")
        character = len(t.prefix) - (t.prefix.rfind("\n") + 1)
        document, items, ms = client.complete_inline(uri, t.language_id, text, len(t.prefix), args.trigger)
        prediction = document.split("\n")[line][character:] if document.startswith(t.prefix) else None
        out.append((prediction if prediction is not None else "", ms, items[0]["insertText"] if items else None))
        if args.verbose:
            print(f"{n:4d} {t.language:10s} {ms:6.0f} ms {out[-1][0]!r} want {t.expected!r}", flush=True)
    client.shutdown()
    return out


def run_llamacpp(tasks, args):
    from llamacpp_fim import RawFIM
    fim = RawFIM(model_path(args.model), args.threads, args.llamacpp)
    out = []
    try:
        for n, t in enumerate(tasks):
            middle, ms = fim.generate(t.prefix, t.suffix, args.max_tokens, first_line=True)
            out.append((middle.split("\n", 1)[0], ms, middle))
            if args.verbose:
                print(f"{n:4d} {t.language:10s} {ms:6.0f} ms {out[-1][0]!r} want {t.expected!r}", flush=True)
    finally:
        fim.close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["infill", "llamacpp"], default="infill")
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--languages", default=",".join(C.LANGUAGES))
    ap.add_argument("--per-language", type=int, default=30)
    ap.add_argument("--trigger", type=int, choices=[1, 2], default=1)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--time-limit-ms", type=int, default=10000)
    ap.add_argument("--binary", default="", help="the infill binary (default: this checkout's release build)")
    ap.add_argument("--llamacpp", choices=["auto", "server", "python"], default="auto",
                    help="llama.cpp side: llama-server from scripts/install-llama-cpp, or llama-cpp-python (auto: python if importable)")
    ap.add_argument("--out", default="")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    tasks = [t for lang in args.languages.split(",") for t in C.tasks(lang, args.per_language)]
    results = (run_infill if args.backend == "infill" else run_llamacpp)(tasks, args)
    per = {}
    rows = []
    for t, (prediction, ms, raw) in zip(tasks, results):
        exact = prediction.rstrip() == t.expected.rstrip()
        sim = C.edit_similarity(prediction.rstrip(), t.expected.rstrip())
        p = per.setdefault(t.language, {"tasks": 0, "exact": 0, "similarity": 0.0, "ms": []})
        p["tasks"] += 1
        p["exact"] += exact
        p["similarity"] += sim
        p["ms"].append(ms)
        rows.append({"language": t.language, "path": t.path, "line": t.line, "exact": exact, "similarity": sim, "ms": ms,
                     "prediction": prediction, "expected": t.expected, "raw": raw, "before": t.prefix.split("\n")[-1]})
    summary = {"backend": args.backend, "model": args.model, "per_language": args.per_language,
               **({"trigger": args.trigger} if args.backend == "infill" else {}), "languages": {}}
    for lang, p in per.items():
        ms = sorted(p["ms"])
        summary["languages"][lang] = {"exact": round(100 * p["exact"] / p["tasks"], 1),
                                      "similarity": round(100 * p["similarity"] / p["tasks"], 1),
                                      "p50_ms": round(ms[len(ms) // 2])}
    n = len(rows)
    summary["all"] = {"exact": round(100 * sum(r["exact"] for r in rows) / n, 1),
                      "similarity": round(100 * sum(r["similarity"] for r in rows) / n, 1)}
    print(json.dumps(summary))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"summary": summary, "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
