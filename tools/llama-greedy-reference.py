#!/usr/bin/env python3
"""Write llama.cpp's greedy generations from short text prompts for the engine parity tests (issue 22).

For each model, runs llama-server (current llama.cpp from Debian, scripts/install-llama-cpp) and writes
Tests/LlamaEngineTests/Fixtures/greedy-NAME.json with, per prompt: the text, the token ids llama.cpp
makes of it (with BOS where the model's GGUF asks for one), and the greedy continuation of up to 16
tokens (or fewer, where it ends with an end-of-generation token) with llama.cpp's margin (top-1 minus
top-2 logit) at each step. The test tokenizes the text itself and generates as `infill generate`
does, so it covers the tokenizer, BOS handling, short-batch prefill and decoding from position 0,
which tools/llama-reference.py's fixtures (llama.cpp's token ids, long prompts) do not.

llama.cpp settings are the engine's (see tools/llama-reference.py): 2 threads, f32 KV cache, flash
attention off, no weight repacking. These matter: llama.cpp's own defaults (f16 KV cache, and flash
attention in its tools) round keys, values and attention weights to f16, and SmolLM2-135M's short
prompts have top-2 margins down to 0.003, so with them llama.cpp's greedy text differs from the
engine's (and from llama.cpp's with these settings) for half the prompts.

Usage: tools/llama-greedy-reference.py [NAME ...]   (needs scripts/install-llama-cpp; no Python packages)
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "LlamaEngineTests", "Fixtures")
CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))
PORT = int(os.environ.get("INFILL_REFERENCE_PORT", "18931"))
TOKENS = 16
TOP = 2

MODELS = ["smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "synthetic-codellama"]

# Short code prompts, the first from issue 22; each ends where a model would continue.
PROMPTS = [
    "func greet(name: String) -> String {\n",
    "def fibonacci(n):\n",
    "#include <stdio.h>\n\nint main() {\n",
    "function add(a, b) {\n",
    "// Sort an array of integers\n",
    "SELECT name FROM users WHERE",
]

SERVER_ARGS = ["--threads", "2", "--threads-batch", "2", "--ctx-size", "2048", "--parallel", "1",
               "--flash-attn", "off", "--cache-type-k", "f32", "--cache-type-v", "f32", "--no-repack",
               "--no-warmup", "--no-cache-prompt", "--cache-ram", "0"]


def model_path(name):
    if name == "synthetic-codellama":
        return os.path.join(FIXTURES, "synthetic-codellama.gguf")
    return os.path.join(CACHE, "models", f"{name}.gguf")


def post(path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def wait_until_ready(server):
    for _ in range(600):
        if server.poll() is not None:
            sys.exit(f"llama-server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=5) as response:
                if json.load(response).get("status") == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("llama-server did not become ready")


def record(name, version):
    cases = []
    for prompt in PROMPTS:
        tokens = post("/tokenize", {"content": prompt, "add_special": True})["tokens"]
        result = post("/completion", {"prompt": tokens, "n_predict": TOKENS, "temperature": 0, "n_probs": TOP,
                                      "cache_prompt": False, "return_tokens": True})
        steps = result["completion_probabilities"]
        generated = [step["id"] for step in steps]
        margins = [round(step["top_logprobs"][0]["logprob"] - step["top_logprobs"][1]["logprob"], 4)
                   for step in steps]
        # At an end-of-generation token llama-server stops without listing it (stop_type "eos").
        cases.append({"text": prompt, "prompt": tokens, "tokens": generated, "margins": margins,
                      "stopped": result.get("stop_type") == "eos", "content": result["content"]})
        print(f"{name}: {prompt!r}: {len(tokens)} prompt tokens -> {result['content']!r} "
              f"(smallest margin {min(margins):.4f})", file=sys.stderr)
    return {
        "model": name,
        "reference": f"llama.cpp {version} (Debian, scripts/install-llama-cpp) llama-server, greedy, "
                     + " ".join(SERVER_ARGS),
        "max_tokens": TOKENS,
        "cases": cases,
    }


def main(names):
    bin_dir = subprocess.run([os.path.join(ROOT, "scripts", "install-llama-cpp")], check=True,
                             capture_output=True, text=True).stdout.strip()
    server_path = os.path.join(bin_dir, "llama-server")
    version = subprocess.run([server_path, "--version"], capture_output=True, text=True).stderr
    version = next((line.split(":", 1)[1].strip() for line in version.splitlines() if line.startswith("version")),
                   "unknown version")
    env = dict(os.environ, GGML_CPU_TILED_MM="0")
    for name in names or MODELS:
        server = subprocess.Popen([server_path, "--model", model_path(name), "--host", "127.0.0.1",
                                   "--port", str(PORT)] + SERVER_ARGS,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            wait_until_ready(server)
            fixture = record(name, version)
        finally:
            server.terminate()
            server.wait()
        out = os.path.join(FIXTURES, f"greedy-{name}.json")
        with open(out, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
