#!/usr/bin/env python3
"""Side-by-side engine speed: `infill bench` against llama.cpp (llama-cpp-python 0.3.36) on the same
GGUF, same thread count, same prompt lengths, in one run. Prints both and the ratios.

Usage: ~/.cache/infill/llama-venv/bin/python Benchmarks/engine-vs-llamacpp.py [MODEL ...]
       [--threads 2] [--prompts 128,512,1024] [--decode 64] [--decode-context 128] [--rounds 1]
       [--infill .build/release/infill]
MODEL is a pinned name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m) or a GGUF path.
llama.cpp runs with its defaults (f16 KV cache) apart from threads and batch 512; both sides report
the best of 2 timed runs after a warm-up, with deterministic token ids (speed does not depend on them).
`--rounds N` runs the two sides N times in turn (infill, llama.cpp, infill, ...) and keeps each side's best:
on a shared machine a burst of other work then cannot fall on one side only.
Decode also shows the weight bytes each token reads (every tensor but the embedding table, which a
token only looks up, unless the classifier is tied to it) and the read bandwidth that implies.
"""
import argparse
import json
import os
import subprocess
import time

import llama_cpp
from gguf import GGUFReader

CACHE = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))


def resolve(model):
    return model if os.path.exists(model) else os.path.join(CACHE, "models", f"{model}.gguf")


def bytes_per_token(path):
    """Weight bytes one decoded token reads."""
    reader = GGUFReader(path)
    sizes = {t.name: int(t.n_bytes) for t in reader.tensors}
    tied = "output.weight" not in sizes
    return sum(sizes.values()) - (0 if tied else sizes.get("token_embd.weight", 0))


def llama_model(path, threads, lengths, decode, context):
    longest = max(max(lengths), context + decode + 1)
    return llama_cpp.Llama(model_path=path, n_ctx=max(2048, longest), n_batch=512, n_ubatch=512, n_threads=threads,
                           n_threads_batch=threads, verbose=False)


def llama_bench(llm, lengths, decode, context, repetitions=2):
    longest = max(max(lengths), context + decode + 1)
    vocab = llm.n_vocab()
    tokens = [100 + (i * 7919) % max(1, vocab - 200) for i in range(longest)]
    llm.reset(); llm.eval(tokens[:64])  # warm-up
    out = {}
    for n in lengths:
        best = float("inf")
        for _ in range(repetitions):
            llm.reset()
            t = time.perf_counter(); llm.eval(tokens[:n]); best = min(best, time.perf_counter() - t)
        out[f"prefill_{n}_tok_s"] = n / best
    best = float("inf")
    for _ in range(repetitions):
        llm.reset(); llm.eval(tokens[:context])
        t = time.perf_counter()
        for i in range(decode):
            llm.eval([tokens[context + i]])
        best = min(best, time.perf_counter() - t)
    out["decode_tok_s"] = decode / best
    return out


def infill_bench(binary, path, threads, lengths, decode, context):
    cmd = [binary, "bench", "--model", path, "--threads", str(threads),
           "--prompts", ",".join(map(str, lengths)), "--decode", str(decode), "--decode-context", str(context), "--json"]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("models", nargs="*", default=["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--prompts", default="128,512,1024")
    p.add_argument("--decode", type=int, default=64)
    p.add_argument("--decode-context", type=int, default=128,
                   help="prompt tokens before the timed decode (completion prompts are about 1,600)")
    p.add_argument("--rounds", type=int, default=1, help="runs of both sides in turn; each side's best is kept")
    p.add_argument("--infill", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                    ".build", "release", "infill"))
    args = p.parse_args()
    lengths = [int(x) for x in args.prompts.split(",")]
    for model in args.models:
        path = resolve(model)
        load_before = os.getloadavg()[0]
        llm = llama_model(path, args.threads, lengths, args.decode, args.decode_context)
        ours, theirs = {}, {}
        for _ in range(args.rounds):
            for best, run in [(ours, lambda: infill_bench(args.infill, path, args.threads, lengths, args.decode,
                                                          args.decode_context)),
                              (theirs, lambda: llama_bench(llm, lengths, args.decode, args.decode_context))]:
                for key, value in run().items():
                    best[key] = max(best.get(key, 0), value) if isinstance(value, (int, float)) else value
        del llm
        # llama.cpp's threads spin while they wait: with other work on the cores its numbers collapse.
        print(f"\n{model} ({args.threads} threads; 1-minute load average {load_before:.2f} before, "
              f"{os.getloadavg()[0]:.2f} after: other work on the machine makes the ratios meaningless)")
        print(f"{'':18}{'infill':>10}{'llama.cpp':>12}{'ratio':>8}   (decode after {args.decode_context} prompt tokens)")
        for key in [f"prefill_{n}_tok_s" for n in lengths] + ["decode_tok_s"]:
            print(f"{key:18}{ours[key]:10.1f}{theirs[key]:12.1f}{ours[key] / theirs[key]:8.2f}x")
        per_token = bytes_per_token(path)
        print(f"{'decode_GB_s':18}{ours['decode_tok_s'] * per_token / 1e9:10.1f}"
              f"{theirs['decode_tok_s'] * per_token / 1e9:12.1f}   ({per_token / 1e6:.0f} MB of weights per token)")


if __name__ == "__main__":
    main()
