#!/usr/bin/env python3
"""Write a small synthetic Code Llama-shaped GGUF for engine parity tests.

llama architecture, the real SentencePiece vocabulary of llama.cpp's ggml-vocab-llama-spm.gguf
(32000 tokens) extended to Code Llama's 32016 with ▁<PRE>, ▁<SUF>, ▁<MID>, ▁<EOT> at ids
32007-32010, rope base 1e6, grouped-query attention, and deterministic random weights stored as
Q8_0, Q4_0, Q4_K, Q6_K and F16 (each type used by several tensors), output tied to token_embd.
The weights are random: the file exists to compare our engine with llama.cpp bit-path by bit-path,
not to produce sensible text.

Usage: tools/make-synthetic-codellama.py OUT.gguf [--vocab PATH]
Needs numpy and gguf (both in the llama venv: ~/.cache/infill/llama-venv/bin/python).
"""
import argparse
import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T

DIM, HIDDEN, HEADS, KV_HEADS, LAYERS, CONTEXT = 256, 768, 4, 2, 2, 16384
FIM = {32007: "▁<PRE>", 32008: "▁<SUF>", 32009: "▁<MID>", 32010: "▁<EOT>"}

# Tensor types per layer: every quantized type appears in attention and in the FFN.
LAYER_TYPES = [
    {"attn_q": T.Q8_0, "attn_k": T.Q4_0, "attn_v": T.F16, "attn_output": T.Q4_K,
     "ffn_gate": T.Q6_K, "ffn_up": T.Q4_K, "ffn_down": T.Q6_K},
    {"attn_q": T.Q4_K, "attn_k": T.Q6_K, "attn_v": T.Q8_0, "attn_output": T.F16,
     "ffn_gate": T.Q4_0, "ffn_up": T.Q8_0, "ffn_down": T.Q4_K},
]


def random_kquant(rng, qtype, rows, cols):
    """Random K-quant blocks with scales chosen so weights have std about 1/sqrt(cols)."""
    nblocks = rows * cols // 256
    target = 1.0 / np.sqrt(cols)
    if qtype == T.Q4_K:  # d f16, dmin f16, scales[12], qs[128]
        blocks = rng.integers(0, 256, size=(nblocks, 144), dtype=np.uint8)
        d = np.float16(target / 150.0)
        dmin = np.float16(target / 150.0 * 7.5)
        blocks[:, 0:2] = np.frombuffer(d.tobytes(), dtype=np.uint8)
        blocks[:, 2:4] = np.frombuffer(dmin.tobytes(), dtype=np.uint8)
    elif qtype == T.Q6_K:  # ql[128], qh[64], scales[16] int8, d f16
        blocks = rng.integers(0, 256, size=(nblocks, 210), dtype=np.uint8)
        blocks[:, 192:208] = rng.integers(-40, 41, size=(nblocks, 16)).astype(np.int8).view(np.uint8)
        d = np.float16(target / 430.0)
        blocks[:, 208:210] = np.frombuffer(d.tobytes(), dtype=np.uint8)
    else:
        raise ValueError(qtype)
    return blocks.reshape(rows, -1)


def weights(rng, qtype, rows, cols):
    if qtype in (T.Q4_K, T.Q6_K):
        return random_kquant(rng, qtype, rows, cols), qtype
    w = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)
    if qtype == T.F16:
        return w.astype(np.float16), None
    return gguf.quants.quantize(w, qtype), qtype


def main():
    cache = os.environ.get("INFILL_CACHE", os.path.expanduser("~/.cache/infill"))
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--vocab", default=os.path.join(cache, "vocab", "ggml-vocab-llama-spm.gguf"))
    args = p.parse_args()

    reader = gguf.GGUFReader(args.vocab)
    def field(key):
        f = reader.fields[key]
        if f.types[0] == gguf.GGUFValueType.ARRAY:
            if f.types[-1] == gguf.GGUFValueType.STRING:
                return [bytes(f.parts[i]).decode("utf-8") for i in f.data]
            return [f.parts[i][0].item() for i in f.data]
        return f.parts[f.data[0]][0].item()

    tokens = field("tokenizer.ggml.tokens")
    scores = field("tokenizer.ggml.scores")
    types = field("tokenizer.ggml.token_type")
    assert len(tokens) == 32000, len(tokens)
    for i in range(32000, 32016):
        tokens.append(FIM.get(i, f"<unused_{i - 32000}>"))
        scores.append(0.0)
        types.append(3)  # CONTROL: produced only when special tokens are parsed

    w = gguf.GGUFWriter(args.out, "llama")
    w.add_name("synthetic-codellama")
    w.add_context_length(CONTEXT)
    w.add_embedding_length(DIM)
    w.add_block_count(LAYERS)
    w.add_feed_forward_length(HIDDEN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_rope_dimension_count(DIM // HEADS)
    w.add_rope_freq_base(1e6)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_uint32("tokenizer.ggml.fim_pre_token_id", 32007)
    w.add_uint32("tokenizer.ggml.fim_suf_token_id", 32008)
    w.add_uint32("tokenizer.ggml.fim_mid_token_id", 32009)
    w.add_eot_token_id(32010)

    rng = np.random.default_rng(20261122)
    emb = rng.standard_normal((len(tokens), DIM)).astype(np.float32)
    w.add_tensor("token_embd.weight", gguf.quants.quantize(emb, T.Q4_0), raw_dtype=T.Q4_0)
    kv_dim = DIM // HEADS * KV_HEADS
    shapes = {"attn_q": (DIM, DIM), "attn_k": (kv_dim, DIM), "attn_v": (kv_dim, DIM),
              "attn_output": (DIM, DIM), "ffn_gate": (HIDDEN, DIM), "ffn_up": (HIDDEN, DIM),
              "ffn_down": (DIM, HIDDEN)}
    for layer, layer_types in enumerate(LAYER_TYPES):
        norm = (1 + 0.1 * rng.standard_normal(DIM)).astype(np.float32)
        w.add_tensor(f"blk.{layer}.attn_norm.weight", norm)
        for name, (rows, cols) in shapes.items():
            data, raw = weights(rng, layer_types[name], rows, cols)
            w.add_tensor(f"blk.{layer}.{name}.weight", data, raw_dtype=raw)
        norm = (1 + 0.1 * rng.standard_normal(DIM)).astype(np.float32)
        w.add_tensor(f"blk.{layer}.ffn_norm.weight", norm)
    w.add_tensor("output_norm.weight", (1 + 0.1 * rng.standard_normal(DIM)).astype(np.float32))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
