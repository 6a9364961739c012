#!/usr/bin/env python3
"""Real-editor test: Helix 25.07 under tmux with editors/helix/languages.toml and the real `infill lsp`.

Run by scripts/test-editors. Environment: INFILL_HX (the hx wrapper from scripts/install-editors),
INFILL_BIN (server binary: a path, or a name Helix finds on PATH), INFILL_MODEL, INFILL_WORK (a copy of
fixtures/), INFILL_TIMEOUT_S, INFILL_EDITORS_DIR (where helix/ is, default editors/ of this checkout).
Prints `ok NAME` / `FAIL NAME: why` lines and `helix: N passed, N failed`; exits 1 if any failed.
Helix runs with a private HOME/XDG_CONFIG_HOME holding only Infill's config (Helix ignores an
untrusted project-local .helix/), and each language lists Infill alone so that other installed
servers (the Swift toolchain's sourcekit-lsp) cannot answer instead. With `-v`, Helix logs every
LSP message, which tells the test exactly which completion items Infill sent.
"""
import json
import os
import re
import sys
import tomllib
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmux_editor import TmuxEditor, wait_for  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HX = os.environ["INFILL_HX"]
BIN = os.environ["INFILL_BIN"]
EDITORS = os.environ.get("INFILL_EDITORS_DIR") or os.path.join(REPO, "editors")
MODEL = os.environ.get("INFILL_MODEL", "qwen2.5-coder-0.5b")
WORK = os.environ["INFILL_WORK"]
TIMEOUT = float(os.environ.get("INFILL_TIMEOUT_S", "120"))
SCREENS = os.path.join(WORK, "screens")

results = {"passed": 0, "failed": 0}


def say(line):
    print(line, flush=True)


def write_config(home, args=None):
    """The shipped languages.toml, pointed at the binary under test, with Infill as the only server
    (started with `args`, by default the model under test)."""
    shipped = tomllib.load(open(os.path.join(EDITORS, "helix", "languages.toml"), "rb"))
    server = shipped["language-server"]["infill"]
    assert server["command"] == "infill" and server["args"][0] == "lsp", "unexpected shipped server block"
    python = next(lang for lang in shipped["language"] if lang["name"] == "python")
    entry = next(s for s in python["language-servers"] if isinstance(s, dict) and s["name"] == "infill")
    features = ", ".join(json.dumps(f) for f in entry["only-features"])
    config_dir = os.path.join(home, "config", "helix")
    os.makedirs(config_dir, exist_ok=True)
    with open(os.path.join(config_dir, "languages.toml"), "w") as f:
        f.write(f'[language-server.infill]\ncommand = {json.dumps(BIN)}\n'
                # A generous time limit (the default ends generation at a line boundary after ~1.5 s)
                # keeps the text independent of how busy the machine is.
                f'args = {json.dumps(args or ["lsp", "--model", MODEL, "--time-limit-ms", "60000"])}\n'
                f'timeout = {max(120, server.get("timeout", 20))}\n')
        for lang in ("python", "swift"):
            f.write(f'\n[[language]]\nname = "{lang}"\n'
                    f'language-servers = [{{ name = "infill", only-features = [{features}] }}]\n')
    with open(os.path.join(EDITORS, "helix", "config.toml")) as src:
        shipped_editor_config = src.read()
    with open(os.path.join(config_dir, "config.toml"), "w") as f:
        f.write(shipped_editor_config)


class LspLog:
    """Reads Helix's `-v` log: `infill -> {json}` (sent) and `infill <- {json}` (received) lines."""

    def __init__(self, path):
        self.path = path

    def messages(self):
        out = []
        if not os.path.exists(self.path):
            return out
        for line in open(self.path, errors="replace"):
            m = re.search(r"\binfill (->|<-) (\{.*\})\s*$", line)
            if m:
                try:
                    out.append((m.group(1), json.loads(m.group(2))))
                except json.JSONDecodeError:
                    pass
        return out

    def wait_did_open(self, file):
        """Helix sends didOpen once the server is initialized; typing earlier races it."""
        def opened():
            return any(d == "->" and m.get("method") == "textDocument/didOpen"
                       and m["params"]["textDocument"]["uri"].endswith("/" + file) for d, m in self.messages())
        wait_for(f"Helix to send didOpen for {file} to infill", opened, 60)

    def code_action_titles(self):
        """Titles in the latest answer to textDocument/codeAction, in the server's order."""
        ids, titles = set(), []
        for direction, msg in self.messages():
            if direction == "->" and msg.get("method") == "textDocument/codeAction":
                ids.add(msg["id"])
            elif direction == "<-" and msg.get("id") in ids and "method" not in msg and msg.get("result"):
                titles = [a.get("title") for a in msg["result"]]
        return titles

    def unanswered(self, method):
        """Requests of `method` sent to Infill and not answered yet."""
        pending = set()
        for direction, msg in self.messages():
            if direction == "->" and msg.get("method") == method and "id" in msg:
                pending.add(msg["id"])
            elif direction == "<-" and "method" not in msg:
                pending.discard(msg.get("id"))
        return pending

    def completion_items(self):
        """Items of the latest non-empty answer to textDocument/completion."""
        ids = set()
        latest = None
        for direction, msg in self.messages():
            if direction == "->" and msg.get("method") == "textDocument/completion":
                ids.add(msg["id"])
            elif direction == "<-" and msg.get("id") in ids and "method" not in msg:
                result = msg.get("result")
                items = result.get("items") if isinstance(result, dict) else result
                if items:
                    latest = items
        return latest


def test(name, fn):
    try:
        fn()
        results["passed"] += 1
        say(f"ok   helix: {name}")
    except Exception as e:  # noqa: BLE001 - report any failure and go on
        results["failed"] += 1
        detail = str(e) if isinstance(e, AssertionError) else traceback.format_exc().replace("\n", "\n     ")
        say(f"FAIL helix: {name}: {detail}")


def save_screen(name, screen):
    os.makedirs(SCREENS, exist_ok=True)
    with open(os.path.join(SCREENS, name), "w") as f:
        f.write(screen)


def new_text(item):
    return (item.get("textEdit") or {}).get("newText") or item.get("insertText") or item["label"]


def normal_mode(hx):
    """Escape, then wait for Helix to show normal mode: a key that follows Escape too closely reads as
    Alt+key to a terminal program."""
    hx.keys("Escape")
    hx.wait_screen("normal mode", lambda s: " NOR " in s, 10)


def ask_for_completion(hx, log):
    """C-x, as a user would if the answer was empty (say, null while the model loaded); never while a
    request is still generating, which a new one would only supersede."""
    if not log.unanswered("textDocument/completion"):
        hx.keys("C-x")


def write_file(hx):
    normal_mode(hx)
    hx.text(":w")
    hx.keys("Enter")


def read_lines(file):
    with open(os.path.join(WORK, file)) as f:
        return f.read().split("\n")


def read_lines_while_saving(file):
    """read_lines, or None while Helix's save has the file replaced (it writes a new file and renames it)."""
    try:
        return read_lines(file)
    except FileNotFoundError:
        return None


def start_helix(name, file, server_args=None):
    """Helix on `file` with a private home whose config starts Infill with `server_args`; and its LSP log."""
    home = os.path.join(WORK, f"{name}-home")
    write_config(home, server_args)
    log = LspLog(os.path.join(WORK, f"{name}.log"))
    env = {"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, "config"),
           "XDG_DATA_HOME": os.path.join(home, "data"), "XDG_CACHE_HOME": os.path.join(home, "cache"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "PATH": os.environ.get("PATH", "")}
    return TmuxEditor(name, [HX, "-v", "--log", log.path, file], WORK, env), log


def quit_helix(hx):
    if hx.alive():
        try:
            normal_mode(hx)
        except AssertionError:
            pass
        hx.text(":qa!")
        hx.keys("Enter")
        try:
            wait_for("Helix to quit", lambda: not hx.alive(), 10)
        except AssertionError:
            pass
    hx.close()


def indent_below():
    """The scripted server answers a blank line over a line marked `# scripted: indent below` with a
    header whose body that line becomes: the menu item carries that line's new indentation as
    additionalTextEdits, which Helix applies when the item is accepted."""
    hx, log = start_helix("helix-scripted", "brackets.py", ["lsp", "--scripted-backend"])
    try:
        hx.wait_screen("Helix to show brackets.py", lambda s: "def balanced(s):" in s and " NOR " in s, 30)
        log.wait_did_open("brackets.py")
        before = read_lines("brackets.py")
        hole = next(i for i, line in enumerate(before) if "depth += 1" in line) + 1
        body = before[hole + 1]
        assert before[hole].strip() == "" and body.endswith("# scripted: indent below"), "fixture changed"
        hx.keys(f"{hole + 1}G", "A")

        def menu_with_header():
            items = log.completion_items()
            return items if items and any(new_text(i) == "if ready:" for i in items) and "if ready:" in hx.screen() \
                else None

        items = wait_for("Helix's menu to show the scripted header", menu_with_header, TIMEOUT,
                         nudge=lambda: ask_for_completion(hx, log), nudge_every=3.0)
        item = next(i for i in items if new_text(i) == "if ready:")
        assert item.get("additionalTextEdits"), f"the item has no additionalTextEdits: {item!r}"
        for _ in items:  # select the header item (Tab moves through the menu), then accept it
            hx.keys("Tab")
            try:
                hx.wait_screen("the header's preview", lambda s: s if "if ready:" in s.split("\n")[hole] else None, 5)
                break
            except (AssertionError, IndexError):
                continue
        hx.keys("Enter")
        write_file(hx)
        after = wait_for("brackets.py to be saved with the body indented", lambda: (
            lambda now: now if now and now[hole + 1:hole + 2] == ["    " + body] else None)(
                read_lines_while_saving("brackets.py")), 30)
        assert after[hole] == "        if ready:", f"the accepted line: {after[hole]!r}"
        assert after[:hole] == before[:hole], "lines above the header changed"
        assert after[hole + 2:] == before[hole + 2:], "the lines after the body changed"
        say("     indented:\n" + "\n".join("       | " + l for l in after[hole - 1:hole + 3]))
    finally:
        quit_helix(hx)


def main():
    hx, log = start_helix("helix", "primes.py")
    try:
        hx.wait_screen("Helix to show primes.py", lambda s: "def is_prime(n):" in s and " NOR " in s, 30)
        log.wait_did_open("primes.py")

        def completion():
            before = read_lines("primes.py")
            hole = before.index('    """Return True if n is a prime number."""') + 1
            indent = before[hole]
            assert indent.strip() == "", "fixture: the hole line should hold only its indentation"
            hx.keys(f"{hole + 1}G", "A")  # Helix: N G goes to line N; A appends at its end
            hx.text("if")

            def menu_with_infill_item():
                items = log.completion_items()
                if not items:
                    return None
                screen = hx.screen()
                label = items[0]["label"].strip()[:20]
                return (items, screen) if label and label in screen else None

            items, screen = wait_for("Helix's completion menu to show Infill's item", menu_with_infill_item,
                                     TIMEOUT, nudge=lambda: ask_for_completion(hx, log))
            save_screen("helix-completion-menu.txt", screen)
            say(f"     completion items: {[i['label'] for i in items]}")
            def second_line(item):  # index of the first non-blank line after the first, or None
                lines = new_text(item).split("\n")
                return next((j for j in range(1, len(lines)) if lines[j].strip()), None)

            multi = next((i for i in items if second_line(i)), None)
            assert multi is not None, f"Infill sent no multi-line item at an empty function body: {items!r}"
            mlines = new_text(multi).split("\n")
            k = second_line(multi)
            want = mlines[k].strip()[:30]

            def previewing_multi(screen):
                # Helix previews the selected item in the buffer; the multi-line one fills the rows below
                # the hole (the file is short: screen row = line index).
                rows = screen.split("\n")
                return screen if len(rows) > hole + k and want in rows[hole + k] else None

            for _ in items:  # Tab moves through the menu; stop at the multi-line item
                hx.keys("Tab")
                try:
                    screen = hx.wait_screen("the multi-line item's preview", previewing_multi, 5)
                    break
                except AssertionError:
                    continue
            else:
                raise AssertionError("Tab never previewed Infill's multi-line item")
            save_screen("helix-completion-preview.txt", screen)
            hx.keys("Enter")  # accept it
            write_file(hx)
            after = wait_for("primes.py to be saved with the completion", lambda: (
                lambda now: now if now and now != before and len(now) >= len(before) else None)(
                    read_lines_while_saving("primes.py")),
                30)
            tail = len(before) - hole - 1
            assert after[:hole] == before[:hole], "lines above the hole changed"
            assert after[len(after) - tail:] == before[hole + 1:], "the lines after the hole changed"
            inserted = "\n".join(after[hole:len(after) - tail])
            expected = indent + new_text(multi)
            assert inserted.rstrip() == expected.rstrip(), \
                f"the saved hole {inserted!r} is not Infill's multi-line item {expected!r}"
            for line in inserted.split("\n")[1:]:
                assert line == "" or line.startswith(indent), f"inserted line not indented like the hole: {line!r}"
            say("     inserted:\n" + "\n".join("       | " + l for l in inserted.split("\n")))

        def docstring():
            normal_mode(hx)  # whatever the previous test left open
            hx.text(":o Greeter.swift")
            hx.keys("Enter")
            hx.wait_screen("Helix to show Greeter.swift", lambda s: "struct Greeter {" in s, 30)
            log.wait_did_open("Greeter.swift")
            before = read_lines("Greeter.swift")
            func = before.index("    func greeting() -> String {")
            hx.keys(f"{func + 1}G")

            def open_menu():
                # The action list is asked for anew on each `space a`; if the server was not ready,
                # close whatever Helix showed and ask again.
                hx.keys("Space", "a")
                try:
                    return hx.wait_screen("the code-action menu", lambda s: s if "Generate docstring" in s else None,
                                          15)
                except AssertionError:
                    hx.keys("Escape")
                    return None

            screen = wait_for("`space a` to list Generate docstring", open_menu, TIMEOUT, interval=0.5)
            save_screen("helix-code-actions.txt", screen)
            titles = log.code_action_titles()
            index = titles.index("Generate docstring") if "Generate docstring" in titles else 0
            hx.keys(*(["C-n"] * index), "Enter")
            wait_for("the docstring to appear above the function", lambda: "///" in hx.screen(), TIMEOUT)
            write_file(hx)
            after = wait_for("Greeter.swift to be saved", lambda: (
                lambda now: now if now and len(now) > len(before) else None)(read_lines_while_saving("Greeter.swift")), 30)
            new_func = after.index("    func greeting() -> String {")
            assert after[:func] == before[:func], "lines above the docstring changed"
            assert after[new_func:] == before[func:], "the function or what follows changed"
            doc = after[func:new_func]
            assert doc and all(l.startswith("    ///") for l in doc), f"expected `    ///` lines, got {doc!r}"
            say("     docstring:\n" + "\n".join("       | " + l for l in doc))

        test("completion menu shows Infill's item; accepting inserts the multi-line middle", completion)
        test("space a lists Generate docstring; applying it edits the file", docstring)
    finally:
        quit_helix(hx)
    test("accepting a header over the line below indents that line (additionalTextEdits)", indent_below)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # noqa: BLE001
        results["failed"] += 1
        say("FAIL helix: set-up: " + traceback.format_exc().replace("\n", "\n     "))
    say(f"helix: {results['passed']} passed, {results['failed']} failed")
    sys.exit(0 if results["failed"] == 0 else 1)
