#!/usr/bin/env python3
"""Docstring action through the real `infill lsp`: functions with their docstring removed, the
"Generate docstring" code action run on the def line; the result must parse (`ast`) with a docstring
as the function's first statement, and the program must still pass its tests. Also reports how
often the docstring names every parameter.

  python3 Benchmarks/humaneval/docstrings.py --model qwen2.5-coder-1.5b --limit 50
  python3 Benchmarks/humaneval/docstrings.py --model qwen2.5-coder-1.5b --source stdlib --limit 30

humaneval: the entry point's docstring removed from each problem's prompt + canonical solution.
stdlib:    top-level functions with a docstring from Python's standard library (the multi-language
           corpus's Python files), seeded; the function alone is the file.
"""
import argparse
import ast
import glob
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import tasks as T  # noqa: E402
from lsp_client import LSPClient, apply_edits  # noqa: E402


def without_docstring(source, name):
    """`source` with the docstring of function `name` removed; (text, def line, parameters) or None."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name and ast.get_docstring(node):
            doc = node.body[0]
            if len(node.body) < 2:
                return None
            lines = source.split("\n")
            kept = lines[:doc.lineno - 1] + lines[doc.end_lineno:]
            params = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]
            return "\n".join(kept), node.lineno - 1, params
    return None


def humaneval_cases():
    out = []
    for p in T.problems():
        case = without_docstring(p["prompt"] + p["canonical_solution"], p["entry_point"])
        if case:
            out.append((p["task_id"], p["entry_point"], *case, p))
    return out


def stdlib_cases(count, seed=0):
    rng = random.Random(seed)
    out = []
    for path in sorted(glob.glob("/usr/lib/python3.11/*.py")):
        try:
            source = open(path, encoding="utf-8").read()
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and ast.get_docstring(node) and len(node.body) > 1 and node.end_lineno - node.lineno < 60:
                text = "\n".join(source.split("\n")[node.lineno - 1 - len(node.decorator_list):node.end_lineno]) + "\n"
                case = without_docstring(text, node.name)
                if case:
                    out.append((f"{os.path.basename(path)}:{node.name}", node.name, *case, None))
    return rng.sample(out, min(count, len(out)))


def check(document, name, params, problem):
    try:
        tree = ast.parse(document)
    except SyntaxError:
        return False, False, False
    fn = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name), None)
    doc = ast.get_docstring(fn) if fn else None
    if not doc:
        return False, False, False
    names = all(re.search(r"\b" + re.escape(p) + r"\b", doc) for p in params)
    runs = T.document_passes(T.Task(problem["task_id"], "", "", "", problem["test"], problem["entry_point"]), document) if problem else True
    return True, names, runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--source", choices=["humaneval", "stdlib"], default="humaneval")
    ap.add_argument("--limit", type=int, default=50)
    ap.add_argument("--binary", default="")
    ap.add_argument("--out", default="")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    cases = humaneval_cases() if args.source == "humaneval" else stdlib_cases(args.limit)
    cases = T.subset(cases, args.limit)
    binary = args.binary or os.path.join(ROOT, ".build", "release", "infill")
    client = LSPClient([binary, "lsp", "--model", args.model])
    client.initialize({})
    rows = []
    for n, (case_id, name, text, def_line, params, problem) in enumerate(cases):
        uri = f"file:///tmp/docstrings/{n}.py"
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        t0 = time.perf_counter()
        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": {"start": {"line": def_line, "character": 0}, "end": {"line": def_line, "character": 0}},
            "context": {"diagnostics": []}}) or []
        applied = []

        def apply_edit(params_):
            applied.extend(params_["edit"].get("changes", {}).get(uri, []))
            return {"applied": True}
        client.server_request_handlers["workspace/applyEdit"] = apply_edit
        for action in actions[:1]:
            command = action.get("command") or {}
            client.request("workspace/executeCommand", {"command": command.get("command"), "arguments": command.get("arguments", [])})
        del client.server_request_handlers["workspace/applyEdit"]
        ms = (time.perf_counter() - t0) * 1000
        document = apply_edits(text, applied)
        valid, names, runs = check(document, name, params, problem) if applied else (False, False, False)
        rows.append({"case": case_id, "valid": valid, "names_params": names, "still_passes": runs, "ms": ms,
                     "edit": [e["newText"] for e in applied]})
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        if args.verbose or not valid:
            print(f"{n:3d} {case_id} valid={valid} names={names} runs={runs} {ms:.0f} ms {rows[-1]['edit']!r:.300}", flush=True)
    client.shutdown()
    k = len(rows)
    summary = {"model": args.model, "source": args.source, "functions": k,
               "valid_placed": round(100 * sum(r["valid"] for r in rows) / k, 1),
               "names_every_parameter": round(100 * sum(r["names_params"] for r in rows) / k, 1),
               "still_passes": round(100 * sum(r["still_passes"] for r in rows) / k, 1),
               "p50_ms": round(sorted(r["ms"] for r in rows)[k // 2])}
    print(json.dumps(summary))
    if args.out:
        json.dump({"summary": summary, "results": rows}, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()
