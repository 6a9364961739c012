"""Line-completion tasks from real code nobody here wrote, in seven languages, from files Debian and
the toolchain ship (install: apt-get install libstb-dev golang-github-spf13-pflag-dev
librust-itertools-dev node-semver node-acorn; Neovim's runtime is in ~/.cache/infill/editors, the
swift-argument-parser mirror in /opt/swift-packages).

A task is a cursor in a line of code: a quarter at the line's first character of code, the others at a
random character inside it (at least one character of code left and right of it). The rest of the
line is removed (its line break stays); the prompt sees a window of the file around the cursor
(40 lines before, 20 after). Seeded: the same tasks on every run and for every backend.
"""
import glob
import os
import random
import subprocess
import tempfile
from dataclasses import dataclass

CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))


def _swift_sources():
    out = os.path.join(tempfile.gettempdir(), "infill-multilang-swift-argument-parser")
    if not os.path.isdir(out):
        os.makedirs(out)
        archive = subprocess.run(["git", "-C", "/opt/swift-packages/apple/swift-argument-parser.git", "archive",
                                  "HEAD", "Sources"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", out], input=archive, check=True)
    return glob.glob(os.path.join(out, "Sources", "**", "*.swift"), recursive=True)


# language: (LSP languageId, file extension, files)
LANGUAGES = {
    "python": ("python", "py", lambda: glob.glob("/usr/lib/python3.11/*.py")),
    "rust": ("rust", "rs", lambda: glob.glob("/usr/share/cargo/registry/**/src/**/*.rs", recursive=True)),
    "go": ("go", "go", lambda: glob.glob("/usr/share/gocode/src/**/*.go", recursive=True)),
    "javascript": ("javascript", "js", lambda: [p for d in ("semver", "acorn", "acorn-walk", "acorn-loose", "lru-cache", "yallist")
                                               for p in glob.glob(f"/usr/share/nodejs/{d}/**/*.js", recursive=True)
                                               if ".min." not in p]),
    "lua": ("lua", "lua", lambda: glob.glob(os.path.join(CACHE, "editors", "**", "*.lua"), recursive=True)),
    "c": ("c", "c", lambda: glob.glob("/usr/include/stb/*.h")),
    "swift": ("swift", "swift", _swift_sources),
}


@dataclass
class LineTask:
    language: str
    language_id: str
    path: str       # where the file came from
    line: int       # the cursor's line in the file (0-based)
    prefix: str     # the window before the cursor
    suffix: str     # the window after the cursor, starting with the line break
    expected: str   # the removed rest of the line


def tasks(language, count, seed=0, before=40, after=20):
    language_id, ext, files = LANGUAGES[language]
    paths = sorted(p for p in files() if os.path.getsize(p) > 200)
    if not paths:
        raise SystemExit(f"no {language} files found: install the packages named in {__file__}")
    rng = random.Random(f"{seed}-{language}")
    out = []
    while len(out) < count:
        path = rng.choice(paths)
        try:
            lines = open(path, encoding="utf-8").read().split("\n")
        except (UnicodeDecodeError, OSError):
            continue
        candidates = [i for i, l in enumerate(lines) if 3 <= len(l.strip()) and len(l) <= 160 and l.isascii()]
        if not candidates:
            continue
        i = rng.choice(candidates)
        body = lines[i].rstrip()
        indent = len(body) - len(body.lstrip())
        cursor = indent if rng.random() < 0.25 else rng.randrange(indent + 1, len(body))
        prefix = "\n".join(lines[max(0, i - before):i] + [body[:cursor]])
        suffix = "\n" + "\n".join(lines[i + 1:i + 1 + after])
        out.append(LineTask(language, language_id, path, i, prefix, suffix, body[cursor:]))
    return out


def edit_similarity(a, b):
    """1 - Levenshtein distance / length of the longer (1.0 for two empty strings)."""
    if a == b:
        return 1.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1 - previous[-1] / max(len(a), len(b))
