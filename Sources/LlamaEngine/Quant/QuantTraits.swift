import CKernels
import GGUF

/// How activations are laid out for a weight type's dot product.
public enum ActivationFormat: Sendable, Equatable {
    case f32   // plain floats (F32/F16/BF16 weights)
    case q8a   // 32-element int8 blocks with f32 scale and sum (ck_block_q8a), for the 32-element types
    case q8K   // 256-element int8 super-blocks with f32 scale and sums of 16 (ck_block_q8_K), for K-quants

    /// Elements per activation block.
    public var blockSize: Int {
        switch self {
        case .f32: return 1
        case .q8a: return 32
        case .q8K: return 256
        }
    }

    /// Bytes per activation block.
    public var blockBytes: Int {
        switch self {
        case .f32: return MemoryLayout<Float>.size
        case .q8a: return MemoryLayout<ck_block_q8a>.size
        case .q8K: return MemoryLayout<ck_block_q8_K>.size
        }
    }

    /// Bytes for one activation row of `cols` elements.
    public func rowBytes(_ cols: Int) -> Int { cols / blockSize * blockBytes }

    /// The quantizer on `path`; every path writes identical bytes.
    func quantize(_ path: KernelPath) -> ck_quant_act_fn {
        let simd = path == .avx512
        switch self {
        case .f32: return ck_quantize_f32
        case .q8a: return simd ? ck_quantize_q8a_avx512 : ck_quantize_q8a
        case .q8K: return simd ? ck_quantize_q8_K_avx512 : ck_quantize_q8_K
        }
    }
}

/// Per-type kernel traits, as ggml's type_traits: adding a weight type is one block struct and one
/// reference kernel in CKernels, one SIMD kernel per path, and one row in `QuantTraits.all`.
public struct QuantTraits: Sendable {
    public let type: GGMLType
    /// The activation layout the dot product pairs with.
    public let activation: ActivationFormat
    let dequantize: ck_dequant_fn
    /// Mat-vec kernel per path (indexed by KernelPath.rawValue); nil where the path has none.
    let matVecs: [ck_matvec_fn?]
    /// Dedicated mat-mul kernel per path; nil: the path's mat-vec over cache-sized row tiles.
    let matMuls: [ck_matmul_fn?]

    public var blockSize: Int { type.blockSize }
    public var blockBytes: Int { type.blockBytes }

    func matVec(_ path: KernelPath) -> ck_matvec_fn {
        // A path without its own kernel for this type runs the next slower one.
        var index = path.rawValue
        while index > 0, matVecs[index] == nil { index -= 1 }
        return matVecs[index]!
    }

    func matMul(_ path: KernelPath) -> ck_matmul_fn? { matMuls[path.rawValue] }

    init(_ type: GGMLType, _ activation: ActivationFormat, _ dequantize: ck_dequant_fn,
         scalar: ck_matvec_fn, avx2: ck_matvec_fn?, avx512: ck_matvec_fn?, avx512MatMul: ck_matmul_fn? = nil) {
        self.type = type
        self.activation = activation
        self.dequantize = dequantize
        self.matVecs = [scalar, avx2, avx512]
        self.matMuls = [nil, nil, avx512MatMul]
    }

    /// The table: every weight type the engine can multiply. (The SIMD symbols exist on every
    /// architecture; off x86-64 they are never selected, see ck_cpu_supports.)
    public static let all: [QuantTraits] = [
        QuantTraits(.f32, .f32, ck_dequant_f32,
                    scalar: ck_matvec_f32_scalar, avx2: ck_matvec_f32_avx2, avx512: ck_matvec_f32_avx512),
        QuantTraits(.f16, .f32, ck_dequant_f16,
                    scalar: ck_matvec_f16_scalar, avx2: ck_matvec_f16_avx2, avx512: ck_matvec_f16_avx512),
        QuantTraits(.bf16, .f32, ck_dequant_bf16,
                    scalar: ck_matvec_bf16_scalar, avx2: ck_matvec_bf16_avx2, avx512: ck_matvec_bf16_avx512),
        QuantTraits(.q8_0, .q8a, ck_dequant_q8_0,
                    scalar: ck_matvec_q8_0_scalar, avx2: ck_matvec_q8_0_avx2, avx512: ck_matvec_q8_0_avx512,
                    avx512MatMul: ck_matmul_q8_0_avx512),
        QuantTraits(.q4_0, .q8a, ck_dequant_q4_0,
                    scalar: ck_matvec_q4_0_scalar, avx2: ck_matvec_q4_0_avx2, avx512: ck_matvec_q4_0_avx512,
                    avx512MatMul: ck_matmul_q4_0_avx512),
        QuantTraits(.q4_1, .q8a, ck_dequant_q4_1,
                    scalar: ck_matvec_q4_1_scalar, avx2: ck_matvec_q4_1_avx2, avx512: ck_matvec_q4_1_avx512,
                    avx512MatMul: ck_matmul_q4_1_avx512),
        QuantTraits(.q5_0, .q8a, ck_dequant_q5_0,
                    scalar: ck_matvec_q5_0_scalar, avx2: ck_matvec_q5_0_avx2, avx512: ck_matvec_q5_0_avx512,
                    avx512MatMul: ck_matmul_q5_0_avx512),
        QuantTraits(.q5_1, .q8a, ck_dequant_q5_1,
                    scalar: ck_matvec_q5_1_scalar, avx2: ck_matvec_q5_1_avx2, avx512: ck_matvec_q5_1_avx512,
                    avx512MatMul: ck_matmul_q5_1_avx512),
        QuantTraits(.q4_K, .q8K, ck_dequant_q4_K,
                    scalar: ck_matvec_q4_K_scalar, avx2: ck_matvec_q4_K_avx2, avx512: ck_matvec_q4_K_avx512,
                    avx512MatMul: ck_matmul_q4_K_avx512),
        QuantTraits(.q5_K, .q8K, ck_dequant_q5_K,
                    scalar: ck_matvec_q5_K_scalar, avx2: ck_matvec_q5_K_avx2, avx512: ck_matvec_q5_K_avx512,
                    avx512MatMul: ck_matmul_q5_K_avx512),
        QuantTraits(.q6_K, .q8K, ck_dequant_q6_K,
                    scalar: ck_matvec_q6_K_scalar, avx2: ck_matvec_q6_K_avx2, avx512: ck_matvec_q6_K_avx512,
                    avx512MatMul: ck_matmul_q6_K_avx512),
    ]

    /// Traits of `type`, or nil when the engine has no kernels for it.
    public static func of(_ type: GGMLType) -> QuantTraits? {
        let index = Int(type.rawValue)
        return index < byRawValue.count ? byRawValue[index] : nil
    }

    /// The supported types, for error messages ("supported: F32, F16, ...").
    public static var supportedTypes: [GGMLType] { all.map(\.type) }

    private static let byRawValue: [QuantTraits?] = {
        var table = [QuantTraits?](repeating: nil, count: Int(GGMLType.allCases.map(\.rawValue).max()!) + 1)
        for traits in all { table[Int(traits.type.rawValue)] = traits }
        return table
    }()
}
