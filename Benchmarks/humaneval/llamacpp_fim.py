"""The llama.cpp baseline of the quality benchmarks: the raw FIM prompt, greedy, no trimming.

Two ways to run llama.cpp, same answers where their arithmetic agrees:
- `llama-server` from `scripts/install-llama-cpp` (current llama.cpp, Debian's packages, no build;
  the default): started on a free loopback port with the settings under which llama.cpp computes what
  Infill's engine does (f32 KV cache, flash attention off, no repacking; docs/architecture.md);
- llama-cpp-python 0.3.36 when it is importable (`~/.cache/infill/llama-venv`, see README).
Stand-alone: standard library only.
"""
import json
import os
import socket
import subprocess
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STOP_TEXTS = ["<|endoftext|>", "<|im_end|>", "<|fim_pad|>", "<|file_sep|>"]


def fim_prompt(prefix, suffix):
    return "<|fim_prefix|>" + prefix + "<|fim_suffix|>" + suffix + "<|fim_middle|>"


class RawFIM:
    """`generate(prefix, suffix, max_tokens, first_line=False) -> (middle, ms)`; `close()` when done."""

    def __init__(self, model_path, threads=0, engine="auto"):
        self.server = None
        if engine in ("auto", "python"):
            try:
                from llama_cpp import Llama  # noqa: F401
                engine = "python"
            except ImportError:
                if engine == "python":
                    raise
                engine = "server"
        self.engine = engine
        if engine == "python":
            self._start_python(model_path, threads)
        else:
            self._start_server(model_path, threads)

    # llama-cpp-python in process.
    def _start_python(self, model_path, threads):
        from llama_cpp import Llama
        self.llm = Llama(model_path=model_path, n_ctx=4096, n_threads=threads or os.cpu_count(), n_batch=512, verbose=False)
        self.eos = {self.llm.token_eos()}
        for text in STOP_TEXTS:
            ids = self.llm.tokenize(text.encode(), add_bos=False, special=True)
            if len(ids) == 1:
                self.eos.add(ids[0])

    # llama-server on loopback.
    def _start_server(self, model_path, threads):
        bindir = subprocess.run([os.path.join(ROOT, "scripts", "install-llama-cpp")], check=True,
                                capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        argv = [os.path.join(bindir, "llama-server"), "-m", model_path, "--host", "127.0.0.1", "--port", str(port),
                "-c", "4096", "-np", "1", "-fa", "off", "-ctk", "f32", "-ctv", "f32", "--no-repack"]
        if threads:
            argv += ["-t", str(threads)]
        self.server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.server.poll() is not None:
                raise RuntimeError(f"llama-server exited with {self.server.returncode}")
            time.sleep(0.25)
        raise RuntimeError("llama-server did not become healthy in 120 s")

    def _post(self, path, body):
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as r:
            return json.loads(r.read())

    def generate(self, prefix, suffix, max_tokens, first_line=False):
        t0 = time.perf_counter()
        if self.engine == "python":
            toks = self.llm.tokenize(fim_prompt(prefix, suffix).encode(), add_bos=False, special=True)
            out = []
            for tok in self.llm.generate(toks, temp=0.0, top_k=1):
                if tok in self.eos or len(out) >= max_tokens:
                    break
                out.append(tok)
                if first_line and b"\n" in self.llm.detokenize(out):
                    break
            middle = self.llm.detokenize(out).decode("utf-8", errors="replace")
        else:
            body = {"prompt": fim_prompt(prefix, suffix), "n_predict": max_tokens, "temperature": 0, "top_k": 1,
                    "cache_prompt": True, "stop": STOP_TEXTS + (["\n"] if first_line else [])}
            middle = self._post("/completion", body)["content"]
        return middle, (time.perf_counter() - t0) * 1000

    def close(self):
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                self.server.kill()
