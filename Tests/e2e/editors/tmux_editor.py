"""A terminal editor in a private tmux server, driven with send-keys and read with capture-pane.

Shared by the Helix test and the screen captures for docs/editors.md. Waits poll the screen (or a
file) with a timeout; there are no fixed sleeps standing in for assertions.
"""
import os
import shlex
import subprocess
import time


class Timeout(AssertionError):
    pass


def wait_for(what, pred, timeout, interval=0.1, nudge=None, nudge_every=15.0):
    """Polls pred() until it returns something truthy; `nudge` runs every `nudge_every` seconds."""
    start = last_nudge = time.monotonic()
    while True:
        value = pred()
        if value:
            return value
        now = time.monotonic()
        if now - start > timeout:
            raise Timeout(f"timed out after {timeout:.0f} s waiting for {what}")
        if nudge and now - last_nudge > nudge_every:
            last_nudge = now
            nudge()
        time.sleep(interval)


class TmuxEditor:
    def __init__(self, name, argv, cwd, env, width=110, height=36):
        # A socket in the work folder (not tmux's shared /tmp/tmux-UID/) goes away with the folder.
        self.socket = os.path.join(cwd, f".tmux-{name}.sock")
        self.target = "editor"
        command = "exec " + " ".join(shlex.quote(a) for a in argv)
        # The editor may capture its own screen (the Neovim driver does, for the docs).
        env_args = [f"{k}={v}" for k, v in {**env, "INFILL_TMUX_SOCKET": self.socket}.items()]
        self._tmux("new-session", "-d", "-s", self.target, "-x", str(width), "-y", str(height),
                   "-c", cwd, "env", *env_args, "sh", "-c", command)

    def _tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

    def keys(self, *keys):
        """tmux key names (Escape, Enter, Tab, C-x, Space) or literal text."""
        self._tmux("send-keys", "-t", self.target, *keys)

    def text(self, s):
        self._tmux("send-keys", "-t", self.target, "-l", s)

    def screen(self):
        return self._tmux("capture-pane", "-p", "-t", self.target)

    def wait_screen(self, what, pred, timeout, **kw):
        return wait_for(what, lambda: pred(self.screen()), timeout, **kw)

    def alive(self):
        return subprocess.run(["tmux", "-S", self.socket, "has-session", "-t", self.target],
                              capture_output=True).returncode == 0

    def close(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
        if os.path.exists(self.socket):
            os.remove(self.socket)
