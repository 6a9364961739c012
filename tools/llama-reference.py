#!/usr/bin/env python3
"""Write llama.cpp reference fixtures for the engine parity tests (issue 3).

Runs llama.cpp through llama-cpp-python 0.3.36 (the llama venv; see scripts/ or the issue for how it
is built) on each model and writes Tests/LlamaEngineTests/Fixtures/reference-NAME.json with:
  - sequences: token ids of real source text (C, C++, Python, Swift, JavaScript from the
    llama-cpp-python sdist), each run from position 0, and the top-K logits llama.cpp computes at
    every position;
  - continuations: fill-in-the-middle prompts (plain code prompts for models without FIM) and the
    greedy continuation of up to 32 tokens, stopped at the model's end-of-generation tokens, with
    llama.cpp's margin (top-1 minus top-2 logit) at each step, so a test can tell a near tie.
The Swift tests read only the token ids and numbers, so CI needs neither llama.cpp nor the sources.

llama.cpp settings (kept equal to the engine's defaults so differences are numerical only):
2 threads, f32 KV cache, no flash attention, batch 512, and llama.cpp's plain x86 kernels for every
weight type: no repacking of Q4_K into interleaved rows (use_extra_bufts off) and no tiled K-quant
mat-mul for batches (GGML_CPU_TILED_MM=0). With those, llama.cpp multiplies each matrix the same way
for one token as for a batch, and the engine reproduces its arithmetic bit for bit; with them on,
llama.cpp disagrees with itself (batch 1 against batch 512) at about 1.3% of positions.

Usage: ~/.cache/infill/llama-venv/bin/python tools/llama-reference.py [NAME ...]
"""
import json
import os
import sys
import tarfile

os.environ["GGML_CPU_TILED_MM"] = "0"  # read when the first mat-mul runs

import numpy as np
import llama_cpp
import llama_cpp.llama_cpp as llama_cpp_lib

# llama-cpp-python has no option for use_extra_bufts: start from defaults that turn it off.
_default_model_params = llama_cpp_lib.llama_model_default_params


def _model_params_without_repacking():
    params = _default_model_params()
    params.use_extra_bufts = False
    return params


llama_cpp_lib.llama_model_default_params = _model_params_without_repacking

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "LlamaEngineTests", "Fixtures")
CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))
SDIST = os.path.join(CACHE, "sdist", "llama_cpp_python-0.3.36.tar.gz")
TOP_K = 5
CHUNK = 512
CONTINUATION_TOKENS = 32

# name: (chunks of real text, FIM format)
MODELS = {
    "qwen2.5-coder-1.5b": (4, "qwen"),
    "qwen2.5-coder-0.5b": (4, "qwen"),
    "smollm2-135m": (4, None),
    "synthetic-codellama": (4, "codellama"),
}

SOURCES = [
    "llama_cpp_python-0.3.36/vendor/llama.cpp/src/llama-vocab.cpp",
    "llama_cpp_python-0.3.36/llama_cpp/llama.py",
    "llama_cpp_python-0.3.36/vendor/llama.cpp/ggml/src/ggml-quants.c",
    "llama_cpp_python-0.3.36/vendor/llama.cpp/examples/llama.swiftui/llama.cpp.swift/LibLlama.swift",
    "llama_cpp_python-0.3.36/vendor/llama.cpp/gguf-py/gguf/gguf_reader.py",
]


def model_path(name):
    if name == "synthetic-codellama":
        return os.path.join(FIXTURES, "synthetic-codellama.gguf")
    return os.path.join(CACHE, "models", f"{name}.gguf")


def read_sources():
    with tarfile.open(SDIST) as tar:
        return [tar.extractfile(path).read().decode("utf-8") for path in SOURCES]


def fim_cases(sources):
    """12 deterministic cursor positions: prefix = up to 30 lines before, suffix = 10 lines after."""
    cases = []
    for k in range(12):
        lines = sources[k % len(sources)].split("\n")
        cursor = 60 + (k * 97) % (len(lines) - 120)
        while not lines[cursor].strip():
            cursor += 1
        line = lines[cursor]
        cut = len(line) - len(line.lstrip()) + len(line.strip()) // 2
        prefix = "\n".join(lines[cursor - 30:cursor]) + "\n" + line[:cut]
        suffix = line[cut:] + "\n" + "\n".join(lines[cursor + 1:cursor + 11])
        cases.append((f"{os.path.basename(SOURCES[k % len(SOURCES)])}:{cursor + 1}", prefix, suffix))
    return cases


def main(names):
    sources = read_sources()
    for name in names or MODELS:
        chunks, fim = MODELS[name]
        llm = llama_cpp.Llama(model_path=model_path(name), n_ctx=2048, n_batch=CHUNK, n_ubatch=CHUNK,
                              n_threads=2, n_threads_batch=2, logits_all=True, flash_attn=False,
                              type_k=0, type_v=0, verbose=False, seed=0)
        vocab = llm._model.vocab
        n_vocab = llm.n_vocab()
        stop = [t for t in range(n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, t)]
        add_bos = llama_cpp.llama_vocab_get_add_bos(vocab)
        bos = llama_cpp.llama_vocab_bos(vocab)

        def tok(text):
            return llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)

        def run(tokens):
            llm.reset()
            llm.eval(tokens)
            return llm.scores[:len(tokens)]

        sequences = []
        for c in range(chunks):
            text = sources[c % len(sources)]
            start = text.find("\n", len(text) // 3) + 1
            tokens = ([bos] if add_bos else []) + tok(text[start:start + 8 * CHUNK])
            tokens = tokens[:CHUNK]
            scores = run(tokens)
            top = np.argsort(-scores, axis=1, kind="stable")[:, :TOP_K]
            sequences.append({
                "source": f"{os.path.basename(SOURCES[c % len(SOURCES)])} from char {start}",
                "tokens": tokens,
                "top_ids": top.tolist(),
                "top_logits": np.round(np.take_along_axis(scores, top, axis=1), 4).tolist(),
            })
            print(f"{name}: sequence {c}: {len(tokens)} tokens", file=sys.stderr)

        continuations = []
        for label, prefix, suffix in fim_cases(sources):
            if fim == "qwen":
                special = lambda s: llm.tokenize(s.encode(), add_bos=False, special=True)
                prompt = special("<|fim_prefix|>") + tok(prefix) + special("<|fim_suffix|>") + tok(suffix) \
                    + special("<|fim_middle|>")
            elif fim == "codellama":
                prompt = [bos, 32007] + tok(" " + prefix) + [32008] + tok(suffix) + [32009]
            else:
                prompt = ([bos] if add_bos else []) + tok(prefix)
            generated, margins = [], []
            llm.reset()
            llm.eval(prompt)
            for _ in range(CONTINUATION_TOKENS):
                logits = llm.scores[llm.n_tokens - 1]
                token = int(np.argmax(logits))
                top2 = np.partition(logits, -2)[-2:]
                margins.append(round(float(top2[1] - top2[0]), 4))
                if token in stop:
                    generated.append(token)
                    break
                generated.append(token)
                if len(generated) == CONTINUATION_TOKENS:
                    break
                llm.eval([token])
            continuations.append({"case": label, "prompt": prompt, "tokens": generated, "margins": margins})
            print(f"{name}: {label}: {len(prompt)} prompt tokens -> {len(generated)}", file=sys.stderr)

        fixture = {
            "model": name,
            "reference": f"llama-cpp-python {llama_cpp.__version__}, 2 threads, f32 KV cache, no flash attention, "
                         "batch 512, no repacking, GGML_CPU_TILED_MM=0",
            "vocab_size": n_vocab,
            "top_k": TOP_K,
            "stop": stop,
            "sequences": sequences,
            "continuations": continuations,
        }
        out = os.path.join(FIXTURES, f"reference-{name}.json")
        with open(out, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
        print(f"wrote {out}", file=sys.stderr)
        del llm


if __name__ == "__main__":
    main(sys.argv[1:])
