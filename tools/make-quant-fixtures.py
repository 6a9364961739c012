#!/usr/bin/env python3
"""Writes the dequantization fixtures for Tests/LlamaEngineTests/QuantKernelTests.swift.

For each weight type the engine supports: a few random-but-valid quantized rows (raw GGUF block bytes,
<TYPE>.bin) and gguf-py's dequantization of them (little-endian float32, <TYPE>.f32). The Swift
kernels must reproduce the floats bit for bit. manifest.json lists type, ggml id, rows and cols.

Run once with a Python that has `gguf` and `numpy` (pip install gguf numpy), e.g.
    ~/.cache/infill/llama-venv/bin/python tools/make-quant-fixtures.py
The output is deterministic (fixed seed); rerunning rewrites identical files.
"""
import json
import pathlib
import sys

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/LlamaEngineTests/Fixtures/quant"
ROWS, COLS = 3, 512  # 512 = two K-quant super-blocks, sixteen 32-blocks

# Byte offsets of f16 scale fields inside each block: random bytes there could be NaN/inf or huge,
# so they are replaced with random finite halves. Everything else is random bits: all valid.
SCALE_FIELDS = {
    T.Q8_0: (34, [0]),
    T.Q4_0: (18, [0]),
    T.Q4_1: (20, [0, 2]),
    T.Q5_0: (22, [0]),
    T.Q5_1: (24, [0, 2]),
    T.Q4_K: (144, [0, 2]),
    T.Q5_K: (176, [0, 2]),
    T.Q6_K: (210, [208]),
}


def random_halves(rng, n):
    # Mostly normal magnitudes around 1e-3..1e-1 (like real scales), some subnormals, both signs.
    mag = 10.0 ** rng.uniform(-4, -1, n)
    sign = np.where(rng.random(n) < 0.3, -1.0, 1.0)
    h = (mag * sign).astype(np.float16)
    sub = rng.random(n) < 0.1
    h[sub] = (rng.integers(1, 1024, sub.sum()).astype(np.uint16)).view(np.float16)  # subnormals
    return h


def quantized_rows(rng, qtype):
    block_bytes, fields = SCALE_FIELDS[qtype]
    nblocks = ROWS * COLS // (256 if qtype in (T.Q4_K, T.Q5_K, T.Q6_K) else 32)
    raw = rng.integers(0, 256, (nblocks, block_bytes), dtype=np.uint8)
    for off in fields:
        raw[:, off:off + 2] = random_halves(rng, nblocks).view(np.uint8).reshape(nblocks, 2)
    return raw.reshape(-1)


def float_rows(rng, qtype):
    n = ROWS * COLS
    if qtype == T.F32:
        return (rng.standard_normal(n).astype(np.float32) * 0.1).view(np.uint8)
    if qtype == T.F16:
        bits = rng.integers(0, 0x7C00, n, dtype=np.uint16)  # finite, incl. subnormals
        bits |= (rng.random(n) < 0.5).astype(np.uint16) << 15
        return bits.view(np.uint8)
    if qtype == T.BF16:
        bits = rng.integers(0, 0x7F80, n, dtype=np.uint16)  # finite bfloat16
        bits |= (rng.random(n) < 0.5).astype(np.uint16) << 15
        return bits.view(np.uint8)
    raise ValueError(qtype)


def main():
    rng = np.random.default_rng(20261122)
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []
    for qtype in (T.F32, T.F16, T.BF16, T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q4_K, T.Q5_K, T.Q6_K):
        raw = float_rows(rng, qtype) if qtype in (T.F32, T.F16, T.BF16) else quantized_rows(rng, qtype)
        floats = dequantize(raw.reshape(ROWS, -1), qtype).astype(np.float32)
        assert floats.shape == (ROWS, COLS), (qtype.name, floats.shape)
        assert np.isfinite(floats).all(), qtype.name
        (OUT / f"{qtype.name}.bin").write_bytes(raw.tobytes())
        (OUT / f"{qtype.name}.f32").write_bytes(floats.astype("<f4").tobytes())
        manifest.append({"type": qtype.name, "id": int(qtype), "rows": ROWS, "cols": COLS})
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(manifest)} types to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
