import CKernels

/// Element type of the KV cache.
public enum KVCacheType: String, Sendable, CaseIterable {
    case f32, f16
}

/// All activations and the KV cache, allocated once (llama2.c's `RunState`). Batch buffers hold up to
/// `maxBatch` token rows, row-major.
final class RunState: @unchecked Sendable {
    let maxBatch: Int
    let contextLength: Int
    let logitRows: Int
    let kvType: KVCacheType

    let x: UnsafeMutablePointer<Float>       // (maxBatch, dim) residual stream
    let xb: UnsafeMutablePointer<Float>      // (maxBatch, dim) normed input / sublayer output
    let xb2: UnsafeMutablePointer<Float>     // (maxBatch, dim) attention output before wo
    let q: UnsafeMutablePointer<Float>       // (maxBatch, dim)
    let k: UnsafeMutablePointer<Float>       // (maxBatch, kvDim)
    let v: UnsafeMutablePointer<Float>       // (maxBatch, kvDim)
    let hb: UnsafeMutablePointer<Float>      // (maxBatch, hiddenDim) gate, then SwiGLU output
    let hb2: UnsafeMutablePointer<Float>     // (maxBatch, hiddenDim) up
    let attention: UnsafeMutablePointer<Float>  // (threads, attentionScratch) scores and sums of one head
    let attentionScratch: Int
    let ropeCos: UnsafeMutablePointer<Float> // (maxBatch, ropeDimensions / 2)
    let ropeSin: UnsafeMutablePointer<Float> // (maxBatch, ropeDimensions / 2)
    let logits: UnsafeMutablePointer<Float>  // (logitRows, vocab)
    let batchScores: UnsafeMutablePointer<Float>  // (threads, maxBatch, contextLength) prefill attention, BLAS only
    /// KV cache, (layers, contextLength, kvDim) each, as `kvType` (raw storage).
    let keyCache: UnsafeMutableRawPointer
    let valueCache: UnsafeMutableRawPointer

    private var owned: [UnsafeMutableRawPointer] = []

    /// Bytes `RunState` would allocate for this configuration (checked against memory before loading).
    /// Saturates at Int.max: the sizes come from the model file, and a size that does not fit is
    /// refused as too large rather than trapping.
    static func byteCount(config c: LlamaConfig, contextLength: Int, maxBatch: Int, logitRows: Int,
                          threads: Int, kvType: KVCacheType) -> Int {
        func mul(_ values: Int...) -> Int {
            values.reduce(1) { a, b in
                let (r, overflow) = a.multipliedReportingOverflow(by: b)
                return overflow ? Int.max : r
            }
        }
        func add(_ values: Int...) -> Int {
            values.reduce(0) { a, b in
                let (r, overflow) = a.addingReportingOverflow(b)
                return overflow ? Int.max : r
            }
        }
        let perRow = add(mul(4, c.dim), mul(2, c.kvDim), mul(2, c.hiddenDim), c.ropeDimensions)
        let floats = add(mul(maxBatch, perRow), mul(threads, RunState.attentionScratch(c, contextLength)),
                         mul(logitRows, c.vocabSize),
                         maxBatch >= Linear.blasMinBatch ? mul(threads, maxBatch, contextLength) : 0)
        let kvElement = kvType == .f32 ? 4 : 2
        return add(mul(floats, 4), mul(2, c.layerCount, contextLength, c.kvDim, kvElement))
    }

    init(config c: LlamaConfig, contextLength: Int, maxBatch: Int, logitRows: Int, threads: Int,
         kvType: KVCacheType) {
        self.maxBatch = maxBatch
        self.contextLength = contextLength
        self.logitRows = logitRows
        self.kvType = kvType
        var owned: [UnsafeMutableRawPointer] = []
        func floats(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(1, n) * 4, alignment: 64)
            p.initializeMemory(as: Float.self, repeating: 0, count: max(1, n))
            owned.append(p)
            return p.assumingMemoryBound(to: Float.self)
        }
        x = floats(maxBatch * c.dim)
        xb = floats(maxBatch * c.dim)
        xb2 = floats(maxBatch * c.dim)
        q = floats(maxBatch * c.dim)
        k = floats(maxBatch * c.kvDim)
        v = floats(maxBatch * c.kvDim)
        hb = floats(maxBatch * c.hiddenDim)
        hb2 = floats(maxBatch * c.hiddenDim)
        attentionScratch = RunState.attentionScratch(c, contextLength)
        attention = floats(threads * attentionScratch)
        ropeCos = floats(maxBatch * c.ropeDimensions / 2)
        ropeSin = floats(maxBatch * c.ropeDimensions / 2)
        logits = floats(logitRows * c.vocabSize)
        batchScores = floats(maxBatch >= Linear.blasMinBatch ? threads * maxBatch * contextLength : 0)
        let kvBytes = c.layerCount * contextLength * c.kvDim * (kvType == .f32 ? 4 : 2)
        keyCache = .allocate(byteCount: kvBytes, alignment: 64)
        valueCache = .allocate(byteCount: kvBytes, alignment: 64)
        keyCache.initializeMemory(as: UInt8.self, repeating: 0, count: kvBytes)
        valueCache.initializeMemory(as: UInt8.self, repeating: 0, count: kvBytes)
        owned += [keyCache, valueCache]
        self.owned = owned
    }

    deinit { owned.forEach { $0.deallocate() } }

    /// Floats of attention scratch per thread (see ck_attention_scratch): one query group's heads, for
    /// ck_attention_group.
    static func attentionScratch(_ c: LlamaConfig, _ contextLength: Int) -> Int {
        Int(ck_attention_scratch(Int64(contextLength), Int64(c.headDim))) * max(1, c.headCount / c.kvHeadCount)
    }
}
