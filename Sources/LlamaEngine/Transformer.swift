import CKernels
import Foundation
import GGUF

/// The forward pass: config + weights + run state (llama2.c's `Transformer`).
///
/// `forward` runs a batch of tokens at consecutive positions through every layer, appends their keys
/// and values to the KV cache, and leaves logits in `state.logits`. It allocates nothing.
final class Transformer: @unchecked Sendable {
    let config: LlamaConfig
    let weights: Weights
    let state: RunState
    let linear: Linear
    let pool: ThreadPool

    init(config: LlamaConfig, weights: Weights, contextLength: Int, maxBatch: Int, logitRows: Int,
         pool: ThreadPool, kvType: KVCacheType, blas: OpenBLAS?, blasTypes: Set<GGMLType>) {
        self.config = config
        self.weights = weights
        self.pool = pool
        state = RunState(config: config, contextLength: contextLength, maxBatch: maxBatch,
                         logitRows: logitRows, threads: pool.threadCount, kvType: kvType)
        linear = Linear(pool: pool, maxCols: max(config.dim, config.hiddenDim), maxBatch: maxBatch, blas: blas,
                        blasTypes: blasTypes, blasScratchCount: Linear.blasScratchCount(config))
    }

    /// Which positions of a batch get logits.
    enum LogitsWanted { case last, all }

    /// Runs `tokens` at positions `startPos...`; `tokens.count <= state.maxBatch`, and for `.all`
    /// `<= state.logitRows`. Logits land in `state.logits`, one row per requested position.
    /// `decodeOrder`: attention sums each row as a one-token step does (llama.cpp's batched and
    /// single-token orders differ in the last bits), so checking guessed tokens in one pass gives the
    /// logits that decoding them one by one would.
    /// `interrupt`, asked before each layer, abandons the pass (false is returned): a request that
    /// supersedes the running one waits for a layer, not for a whole batch. The cache entries of the
    /// abandoned positions are then partly written; the caller does not count them as cached.
    @discardableResult
    func forward(_ tokens: UnsafeBufferPointer<Int32>, startPos: Int, logits wanted: LogitsWanted,
                 decodeOrder: Bool = false, interrupt: (() -> Bool)? = nil) -> Bool {
        let c = config, s = state, w = weights
        let n = tokens.count
        let dim = c.dim, kvDim = c.kvDim, hidden = c.hiddenDim, headDim = c.headDim
        precondition(n > 0 && n <= s.maxBatch && startPos + n <= s.contextLength)

        // Token embeddings.
        for b in 0..<n {
            Linear.dequantizeRow(w.tokenEmbedding.type, w.tokenEmbedding.row(Int(tokens[b])), s.x + b * dim,
                                 count: dim)
        }
        computeRopeTables(startPos: startPos, count: n)

        for l in 0..<c.layerCount {
            if let interrupt, interrupt() { return false }
            let layer = w.layers[l]

            // Attention: xb = rmsnorm(x); q, k, v = W·xb (+ bias); RoPE on q and k; cache k and v.
            pool.parallelFor(n) { b in
                MathOps.rmsNorm(s.xb + b * dim, s.x + b * dim, layer.attentionNorm, dim, epsilon: c.rmsEpsilon)
            }
            linear.multiply(s.xb, batch: n, layer.wq, s.q, layer.wk, s.k, layer.wv, s.v)
            for b in 0..<n {
                if let bias = layer.bq { MathOps.add(bias, s.q + b * dim, dim) }
                if let bias = layer.bk { MathOps.add(bias, s.k + b * kvDim, kvDim) }
                if let bias = layer.bv { MathOps.add(bias, s.v + b * kvDim, kvDim) }
                for h in 0..<c.headCount { applyRope(s.q + b * dim + h * headDim, row: b) }
                for h in 0..<c.kvHeadCount { applyRope(s.k + b * kvDim + h * headDim, row: b) }
                storeKV(layer: l, position: startPos + b, key: s.k + b * kvDim, value: s.v + b * kvDim)
            }
            attention(layer: l, startPos: startPos, count: n, decodeOrder: decodeOrder)
            linear.multiply(layer.wo, s.xb2, batch: n, s.xb)
            MathOps.add(s.xb, s.x, n * dim)

            // Feed-forward: x += down(silu(gate·xb) * up·xb), xb = rmsnorm(x).
            pool.parallelFor(n) { b in
                MathOps.rmsNorm(s.xb + b * dim, s.x + b * dim, layer.ffnNorm, dim, epsilon: c.rmsEpsilon)
            }
            linear.multiply(s.xb, batch: n, layer.gate, s.hb, layer.up, s.hb2)
            if n == 1 {
                MathOps.swiGLU(s.hb, s.hb2, hidden)  // too small to be worth a pool job
            } else {
                pool.parallelChunks(n * hidden, alignment: 64) { range in
                    MathOps.swiGLU(s.hb + range.lowerBound, s.hb2 + range.lowerBound, range.count)
                }
            }
            linear.multiply(layer.down, s.hb, batch: n, s.xb)
            MathOps.add(s.xb, s.x, n * dim)
        }

        // Final norm and classifier, only for the rows whose logits are wanted.
        let first = wanted == .all ? 0 : n - 1
        let rows = n - first
        precondition(rows <= s.logitRows)
        for b in first..<n {
            MathOps.rmsNorm(s.xb + (b - first) * dim, s.x + b * dim, w.outputNorm, dim, epsilon: c.rmsEpsilon)
        }
        linear.multiply(w.output, s.xb, batch: rows, s.logits)
        return true
    }

    // MARK: RoPE

    /// cos/sin of every rotated pair for each batch row, computed as llama.cpp does (theta multiplied
    /// up in f32 from the position), so the rotation matches it to the last bit where possible.
    /// Rows `row..<row+count` of the RoPE tables: the angles of positions `startPos...`.
    private func computeRopeTables(startPos: Int, count: Int, row: Int = 0) {
        let half = config.ropeDimensions / 2
        let thetaScale = powf(config.ropeBase, -2 / Float(config.ropeDimensions))
        for b in 0..<count {
            var theta = Float(startPos + b)
            for i in 0..<half {
                state.ropeCos[(row + b) * half + i] = cosf(theta)
                state.ropeSin[(row + b) * half + i] = sinf(theta)
                theta *= thetaScale
            }
        }
    }

    /// Places runs of cached positions elsewhere in the cache, turning each key by its position change
    /// (RoPE: R(p + d) = R(d)·R(p)), so text the cache holds can be reused where a new prompt has it
    /// (lines added or cut before it). Every source is read before any destination is written, so
    /// runs may overlap one another. The moved entries keep what they attended to before: close to,
    /// not equal to, a fresh run.
    func moveCache(_ moves: [CacheMove]) {
        let moves = moves.filter { $0.count > 0 && $0.source != $0.destination }
        guard !moves.isEmpty else { return }
        precondition(moves.count <= state.maxBatch, "one RoPE row per move")
        precondition(moves.allSatisfy { max($0.source, $0.destination) + $0.count <= state.contextLength })
        for (row, move) in moves.enumerated() { computeRopeTables(startPos: move.destination - move.source, count: 1, row: row) }
        let kvDim = config.kvDim, headDim = config.headDim, kvHeads = config.kvHeadCount
        let total = moves.reduce(0) { $0 + $1.count }
        pool.parallelFor(config.layerCount) { layer in
            let keys = UnsafeMutablePointer<Float>.allocate(capacity: total * kvDim)
            let values = UnsafeMutablePointer<Float>.allocate(capacity: total * kvDim)
            defer { keys.deallocate(); values.deallocate() }
            var row = 0
            for move in moves {
                for p in 0..<move.count {
                    self.loadKV(layer: layer, position: move.source + p, key: keys + row * kvDim, value: values + row * kvDim)
                    row += 1
                }
            }
            row = 0
            for (index, move) in moves.enumerated() {
                for p in 0..<move.count {
                    let key = keys + row * kvDim
                    for h in 0..<kvHeads { self.applyRope(key + h * headDim, row: index) }
                    self.storeKV(layer: layer, position: move.destination + p, key: key, value: values + row * kvDim)
                    row += 1
                }
            }
        }
    }

    @inline(__always)
    private func applyRope(_ v: UnsafeMutablePointer<Float>, row: Int) {
        let half = config.ropeDimensions / 2
        let cosTable = state.ropeCos + row * half, sinTable = state.ropeSin + row * half
        switch config.ropeStyle {
        case .adjacentPairs:
            for i in 0..<half {
                let x0 = v[2 * i], x1 = v[2 * i + 1], cs = cosTable[i], sn = sinTable[i]
                v[2 * i] = (-(x1 * sn)).addingProduct(x0, cs)
                v[2 * i + 1] = (x1 * cs).addingProduct(x0, sn)
            }
        case .neox:
            for i in 0..<half {
                let x0 = v[i], x1 = v[i + half], cs = cosTable[i], sn = sinTable[i]
                v[i] = (-(x1 * sn)).addingProduct(x0, cs)
                v[i + half] = (x1 * cs).addingProduct(x0, sn)
            }
        }
    }

    // MARK: KV cache and attention

    private func cacheOffset(layer: Int, position: Int) -> Int {
        (layer * state.contextLength + position) * config.kvDim
    }

    private func storeKV(layer: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let offset = cacheOffset(layer: layer, position: position), n = config.kvDim
        switch state.kvType {
        case .f32:
            (state.keyCache.assumingMemoryBound(to: Float.self) + offset).update(from: key, count: n)
            (state.valueCache.assumingMemoryBound(to: Float.self) + offset).update(from: value, count: n)
        case .f16:
            let k = state.keyCache.assumingMemoryBound(to: Float16.self) + offset
            let v = state.valueCache.assumingMemoryBound(to: Float16.self) + offset
            for i in 0..<n { k[i] = Float16(key[i]); v[i] = Float16(value[i]) }
        }
    }

    private func loadKV(layer: Int, position: Int, key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>) {
        let offset = cacheOffset(layer: layer, position: position), n = config.kvDim
        switch state.kvType {
        case .f32:
            key.update(from: state.keyCache.assumingMemoryBound(to: Float.self) + offset, count: n)
            value.update(from: state.valueCache.assumingMemoryBound(to: Float.self) + offset, count: n)
        case .f16:
            let k = state.keyCache.assumingMemoryBound(to: Float16.self) + offset
            let v = state.valueCache.assumingMemoryBound(to: Float16.self) + offset
            for i in 0..<n { key[i] = Float(k[i]); value[i] = Float(v[i]) }
        }
    }

    /// xb2[b, head] = softmax(q·K / sqrt(headDim)) · V over positions 0...startPos+b (causal), one
    /// work item per head, or per query group for one-query rows (ck_attention / ck_attention_group:
    /// llama.cpp's f32 order, so its logits come out bit for bit).
    private func attention(layer: Int, startPos: Int, count: Int, decodeOrder: Bool) {
        if let blas = linear.blas, count >= Linear.blasMinBatch, state.kvType == .f32, !decodeOrder {
            return batchedAttention(blas, layer: layer, startPos: startPos, count: count)
        }
        let c = config, s = state
        let headDim = c.headDim, kvDim = c.kvDim, dim = c.dim
        let group = c.headCount / c.kvHeadCount
        let scale = 1 / Float(headDim).squareRoot()
        let elementBytes = s.kvType == .f32 ? 4 : 2
        let base = cacheOffset(layer: layer, position: 0) * elementBytes
        let kernel: ck_attention_fn, groupKernel: ck_attention_group_fn
        switch KernelPath.active {
        case .avx512: (kernel, groupKernel) = (ck_attention_avx512, ck_attention_group_avx512)
        case .avx2: (kernel, groupKernel) = (ck_attention_avx2, ck_attention_group_avx2)
        case .scalar: (kernel, groupKernel) = (ck_attention_scalar, ck_attention_group_scalar)
        }
        let f16: Int32 = s.kvType == .f16 ? 1 : 0
        // In decode order each row is its own one-query call; otherwise one call takes every row.
        let calls = decodeOrder ? count : 1, rows = decodeOrder ? 1 : count
        // One-query rows: the heads that share a KV head go together (the cache is read once for them),
        // when there are enough KV heads to keep every thread busy.
        if rows == 1, group > 1, c.kvHeadCount >= pool.threadCount {
            pool.parallelFor(c.kvHeadCount) { kv, thread in
                let kvOffset = base + kv * headDim * elementBytes
                for call in 0..<calls {
                    groupKernel(f16, s.q + call * dim + kv * group * headDim, Int64(group), Int64(startPos + call),
                                UnsafeRawPointer(s.keyCache + kvOffset), UnsafeRawPointer(s.valueCache + kvOffset),
                                Int64(kvDim), Int64(headDim), scale, s.attention + thread * s.attentionScratch,
                                s.xb2 + call * dim + kv * group * headDim)
                }
            }
            return
        }
        pool.parallelFor(c.headCount) { h, thread in
            let kvOffset = base + (h / group) * headDim * elementBytes
            for call in 0..<calls {
                kernel(f16, s.q + call * dim + h * headDim, Int64(dim), Int64(rows), Int64(startPos + call),
                       UnsafeRawPointer(s.keyCache + kvOffset), UnsafeRawPointer(s.valueCache + kvOffset), Int64(kvDim),
                       Int64(headDim), scale, s.attention + thread * s.attentionScratch,
                       s.xb2 + call * dim + h * headDim, Int64(dim))
            }
        }
    }

    /// Prefill attention as two SGEMMs per head, one head per pool item (single-threaded OpenBLAS
    /// in each): scores (count × length) = Q·Kᵀ, causal mask and softmax per row, then out = P·V.
    private func batchedAttention(_ blas: OpenBLAS, layer: Int, startPos: Int, count: Int) {
        let c = config, s = state
        let headDim = c.headDim, kvDim = c.kvDim, dim = c.dim
        let group = c.headCount / c.kvHeadCount
        let scale = 1 / Float(headDim).squareRoot()
        let length = startPos + count
        let keys = s.keyCache.assumingMemoryBound(to: Float.self) + cacheOffset(layer: layer, position: 0)
        let values = s.valueCache.assumingMemoryBound(to: Float.self) + cacheOffset(layer: layer, position: 0)
        pool.parallelFor(c.headCount) { h, thread in
            let scores = s.batchScores + thread * s.maxBatch * s.contextLength
            blas.sgemm(m: count, n: length, k: headDim, a: s.q + h * headDim, lda: dim,
                       b: keys + (h / group) * headDim, ldb: kvDim, transposeB: true,
                       c: scores, ldc: length, alpha: scale)
            for b in 0..<count {
                let row = scores + b * length
                let valid = startPos + b + 1
                MathOps.softmax(row, valid)
                (row + valid).update(repeating: 0, count: length - valid)
            }
            blas.sgemm(m: count, n: headDim, k: length, a: scores, lda: length,
                       b: values + (h / group) * headDim, ldb: kvDim, transposeB: false,
                       c: s.xb2 + h * headDim, ldc: dim)
        }
    }
}

/// Cached positions `source..<source+count` to be placed at `destination...`.
struct CacheMove: Equatable {
    var source: Int
    var destination: Int
    var count: Int
}
