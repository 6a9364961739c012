#!/usr/bin/env python3
"""Runs nvim_test.lua in a real terminal (tmux) instead of headless, so it can capture the ghost text
as a screen for docs/editors.md: `scripts/test-editors --screens`. Same checks, same report lines.
Usage: nvim_in_tmux.py NVIM ARGS... (the arguments scripts/test-editors gives headless Neovim)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmux_editor import TmuxEditor, wait_for  # noqa: E402

work = os.environ["INFILL_WORK"]
report = os.path.join(work, "nvim-report.txt")
argv = [a for a in sys.argv[1:] if a != "--headless"]
names = ["INFILL_WORK", "INFILL_BIN", "INFILL_MODEL", "INFILL_TIMEOUT_S", "INFILL_CACHE", "PATH", "HOME",
         "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"]
env = {k: os.environ[k] for k in names if k in os.environ}
env.update(INFILL_REPORT=report, TERM="xterm-256color", LANG="C.UTF-8")
nvim = TmuxEditor("nvim", argv, work, env, width=100, height=30)
try:
    timeout = 6 * float(os.environ.get("INFILL_TIMEOUT_S", "120"))
    wait_for("the Neovim driver to finish", lambda: not nvim.alive(), timeout, interval=0.5)
finally:
    nvim.close()
lines = open(report).read().splitlines() if os.path.exists(report) else ["FAIL nvim: no report written"]
print("\n".join(lines))
sys.exit(0 if lines and lines[-1].endswith(" 0 failed") else 1)
