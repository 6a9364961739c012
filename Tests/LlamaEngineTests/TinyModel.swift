import Foundation
import GGUF

/// Writes small random F32 models with GGUFWriter, so engine tests need no download.
enum TinyModel {
    struct Shape {
        var architecture = "llama"
        var layers = 2
        var dim = 64
        var hidden = 96
        var heads = 4
        var kvHeads = 2
        var vocab = 50
        var context = 64
        var ropeBase: Float = 10_000
        var tieOutput = false
    }

    /// Deterministic pseudo-random numbers in [-scale, scale).
    struct Random {
        var state: UInt64
        mutating func next(_ scale: Float) -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
        mutating func array(_ n: Int, _ scale: Float) -> [Float] { (0..<n).map { _ in next(scale) } }
    }

    static func write(_ s: Shape = Shape(), seed: UInt64 = 1, omit: String? = nil,
                      reshape: String? = nil) throws -> String {
        var w = GGUFWriter()
        let a = s.architecture
        w.set("general.architecture", .string(a))
        w.set("\(a).block_count", .uint32(UInt32(s.layers)))
        w.set("\(a).embedding_length", .uint32(UInt32(s.dim)))
        w.set("\(a).feed_forward_length", .uint32(UInt32(s.hidden)))
        w.set("\(a).attention.head_count", .uint32(UInt32(s.heads)))
        w.set("\(a).attention.head_count_kv", .uint32(UInt32(s.kvHeads)))
        w.set("\(a).context_length", .uint32(UInt32(s.context)))
        w.set("\(a).rope.freq_base", .float32(s.ropeBase))
        w.set("\(a).rope.dimension_count", .uint32(UInt32(s.dim / s.heads)))
        w.set("\(a).attention.layer_norm_rms_epsilon", .float32(1e-5))
        // A minimal SentencePiece vocabulary: <unk>, <s>, </s>, then plain pieces.
        let pieces = ["<unk>", "<s>", "</s>"] + (3..<s.vocab).map { "▁t\($0)" }
        w.set("tokenizer.ggml.model", .string("llama"))
        w.set("tokenizer.ggml.tokens", .array(pieces.map { .string($0) }))
        w.set("tokenizer.ggml.scores", .array(pieces.indices.map { .float32(-Float($0)) }))
        w.set("tokenizer.ggml.token_type", .array(pieces.indices.map { .int32($0 == 0 ? 2 : $0 < 3 ? 3 : 1) }))
        w.set("tokenizer.ggml.bos_token_id", .uint32(1))
        w.set("tokenizer.ggml.eos_token_id", .uint32(2))
        var rng = Random(state: seed)
        let kvDim = s.dim / s.heads * s.kvHeads
        func add(_ name: String, _ dims: [Int], scale: Float, offset: Float = 0) {
            if name == omit { return }
            let n = dims.reduce(1, *)
            let values = rng.array(n, scale).map { $0 + offset }
            let shape = name == reshape ? dims.map { $0 + 1 } : dims
            let padded = shape.reduce(1, *) == n ? values : values + [Float](repeating: 0, count: shape.reduce(1, *) - n)
            w.addTensor(name: name, dimensions: shape, floats: padded)
        }
        add("token_embd.weight", [s.dim, s.vocab], scale: 1)
        for l in 0..<s.layers {
            let p = "blk.\(l)."
            add(p + "attn_norm.weight", [s.dim], scale: 0.2, offset: 1)
            add(p + "attn_q.weight", [s.dim, s.dim], scale: 0.3)
            add(p + "attn_k.weight", [s.dim, kvDim], scale: 0.3)
            add(p + "attn_v.weight", [s.dim, kvDim], scale: 0.3)
            if a == "qwen2" {
                add(p + "attn_q.bias", [s.dim], scale: 0.5)
                add(p + "attn_k.bias", [kvDim], scale: 0.5)
                add(p + "attn_v.bias", [kvDim], scale: 0.5)
            }
            add(p + "attn_output.weight", [s.dim, s.dim], scale: 0.2)
            add(p + "ffn_norm.weight", [s.dim], scale: 0.2, offset: 1)
            add(p + "ffn_gate.weight", [s.dim, s.hidden], scale: 0.2)
            add(p + "ffn_up.weight", [s.dim, s.hidden], scale: 0.2)
            add(p + "ffn_down.weight", [s.hidden, s.dim], scale: 0.2)
        }
        add("output_norm.weight", [s.dim], scale: 0.2, offset: 1)
        if !s.tieOutput { add("output.weight", [s.dim, s.vocab], scale: 0.5) }
        let path = NSTemporaryDirectory() + "infill-tiny-\(a)-\(seed)-\(UUID().uuidString).gguf"
        try w.write(to: path)
        return path
    }
}
