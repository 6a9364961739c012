#!/usr/bin/env python3
"""Trimming development loop: record the model's raw middles once, then re-score trimming changes in
seconds. Not the benchmark of record (run.py goes through the real LSP server); same prompt, same
hole (the masked lines replaced by one empty line), same trimming, no time limit.

  python3 Benchmarks/humaneval/replay.py record --model qwen2.5-coder-0.5b --out /tmp/raw-05b.json
  python3 Benchmarks/humaneval/replay.py score /tmp/raw-05b.json [--show-failures]
  INFILL_BINARY=/tmp/infill-main python3 Benchmarks/humaneval/replay.py score /tmp/raw-05b.json   (another build's trimming)
"""
import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tasks as T  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("INFILL_BINARY", os.path.join(ROOT, ".build", "release", "infill"))


def hole(task):
    text, offset = task.document
    return {"prefix": text[:offset], "suffix": text[offset:], "path": "/tmp/humaneval/task.py",
            "languageId": "python"}


def fim_batch(model, requests, max_tokens):
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    out = subprocess.run([BINARY, "fim-batch", "--model", model, "--max-tokens", str(max_tokens)],
                         input=lines, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def load_tasks(kind, limit):
    return T.tasks_of_kind(kind, limit)


def record(args):
    tasks = load_tasks(args.kind, args.limit)[:args.first or None]
    max_tokens = args.max_tokens or (64 if args.kind in ("single", "midline") else 256)
    responses = []
    for n in range(0, len(tasks), 20):  # in chunks, to show progress
        responses += fim_batch(args.model, [hole(t) for t in tasks[n:n + 20]], max_tokens)
        print(f"{len(responses)}/{len(tasks)}", file=sys.stderr, flush=True)
    with open(args.out, "w") as f:
        json.dump({"model": args.model, "kind": args.kind, "limit": args.limit, "first": args.first, "max_tokens": max_tokens,
                   "raw": [{"pieces": r["pieces"], "finish": r["finish"], "retry": r.get("retry")} for r in responses]}, f)
    score_file(args.out, show_failures=False)


def completed(task, response):
    """The file after accepting the response: the middle replaces `replaced` characters right of the
    cursor, and the completion's indentation of the code below is applied (`indentBelow`: lines
    counted from the cursor's line)."""
    text, offset = task.document
    suffix = indented_suffix(text[offset:], response.get("indentBelow"), task.task_id)
    return text[:offset] + (response.get("middle") or "") + suffix[response.get("replaced", 0):]


def indented_suffix(suffix, indent, task_id):
    if not indent:
        return suffix
    lines = suffix.split("\n")
    for k, expected in enumerate(indent["lines"]):
        n = indent["firstLine"] + k
        assert lines[n] == expected, (task_id, lines[n], expected)
        if expected.strip():
            lines[n] = indent["indentation"] + lines[n]
    return "\n".join(lines)


def score_file(path, show_failures):
    data = json.load(open(path))
    tasks = load_tasks(data["kind"], data["limit"])[:data.get("first") or None]
    requests = [dict(hole(t), pieces=r["pieces"], finish=r["finish"], retry=r.get("retry")) for t, r in zip(tasks, data["raw"])]
    responses = fim_batch(data["model"], requests, data["max_tokens"])
    middles = [r.get("middle") or "" for r in responses]
    documents = [completed(t, r) for t, r in zip(tasks, responses)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        oks = list(pool.map(lambda td: T.document_passes(*td), zip(tasks, documents)))
    raw_first = [T.first_line(t, "".join(r["pieces"])) for t, r in zip(tasks, data["raw"])]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        first_oks = list(pool.map(lambda tm: T.passes(*tm), zip(tasks, raw_first)))
    # The raw middle as the model wrote it (Infill's engine, its prompt): where it passes and the
    # trimmed one does not, the trimming lost the task.
    raws = ["".join(r["pieces"]) for r in data["raw"]]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        raw_oks = list(pool.map(lambda tm: T.passes(*tm), zip(tasks, raws)))
    if show_failures:
        for t, raw, m, ok, raw_ok in zip(tasks, raws, middles, oks, raw_oks):
            if not ok:
                lost = " (the raw middle passes: lost by trimming)" if raw_ok else ""
                print(f"--- {t.task_id}{lost}\n  raw:  {raw[:300]!r}\n  got:  {m!r}\n  want: {t.middle!r}")
    print(json.dumps({"model": data["model"], "kind": data["kind"], "tasks": len(tasks),
                      "pass_rate": round(100 * sum(oks) / len(tasks), 1),
                      "raw_rate": round(100 * sum(raw_oks) / len(tasks), 1),
                      "raw_first_line_rate": round(100 * sum(first_oks) / len(tasks), 1),
                      "lost_by_trimming": sum(r and not o for r, o in zip(raw_oks, oks))}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record")
    r.add_argument("--model", default="qwen2.5-coder-1.5b")
    r.add_argument("--kind", choices=sorted(T.KINDS), default="single")
    r.add_argument("--limit", type=int, default=200)
    r.add_argument("--max-tokens", type=int, default=0)
    r.add_argument("--first", type=int, default=0, help="only the first N tasks of the subset")
    r.add_argument("--out", required=True)
    s = sub.add_parser("score")
    s.add_argument("file")
    s.add_argument("--show-failures", action="store_true")
    args = ap.parse_args()
    if args.command == "record":
        record(args)
    else:
        score_file(args.file, args.show_failures)


if __name__ == "__main__":
    main()
