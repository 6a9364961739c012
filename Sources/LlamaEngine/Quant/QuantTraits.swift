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
    /// One kernel per path: (scalar, avx2, avx512); nil where a path has none of its own.
    public typealias PerPath<Kernel> = (scalar: Kernel?, avx2: Kernel?, avx512: Kernel?)

    public let type: GGMLType
    /// The activation layout the dot product pairs with.
    public let activation: ActivationFormat
    private let dequantizes: [ck_dequant_fn?]
    private let matVecs: [ck_matvec_fn?]
    private let matMuls: [ck_matmul_fn?]

    public var blockSize: Int { type.blockSize }
    public var blockBytes: Int { type.blockBytes }

    /// Dequantization on `path` (bit-identical on every path); a path without its own uses the next slower.
    func dequantize(_ path: KernelPath) -> ck_dequant_fn { Self.pick(dequantizes, path)! }

    /// Mat-vec kernel on `path`, or the next slower path's.
    func matVec(_ path: KernelPath) -> ck_matvec_fn { Self.pick(matVecs, path)! }

    /// Dedicated mat-mul kernel on exactly `path`; nil: the path's mat-vec over cache-sized row tiles.
    func matMul(_ path: KernelPath) -> ck_matmul_fn? { matMuls[path.rawValue] }

    private static func pick<Kernel>(_ kernels: [Kernel?], _ path: KernelPath) -> Kernel? {
        var index = path.rawValue
        while index > 0, kernels[index] == nil { index -= 1 }
        return kernels[index]
    }

    init(_ type: GGMLType, _ activation: ActivationFormat, dequantize: PerPath<ck_dequant_fn>,
         matVec: PerPath<ck_matvec_fn>, matMul: PerPath<ck_matmul_fn>) {
        precondition(dequantize.scalar != nil && matVec.scalar != nil, "\(type): the scalar reference kernels are required")
        self.type = type
        self.activation = activation
        dequantizes = [dequantize.scalar, dequantize.avx2, dequantize.avx512]
        matVecs = [matVec.scalar, matVec.avx2, matVec.avx512]
        matMuls = [matMul.scalar, matMul.avx2, matMul.avx512]
    }

    /// The table: every weight type the engine can multiply. (The SIMD symbols exist on every
    /// architecture; off x86-64 they are never selected, see ck_cpu_supports.)
    public static let all: [QuantTraits] = [
        QuantTraits(.f32, .f32,
                    dequantize: (ck_dequant_f32, nil, nil),
                    matVec: (ck_matvec_f32_scalar, ck_matvec_f32_avx2, ck_matvec_f32_avx512),
                    matMul: (nil, nil, nil)),
        QuantTraits(.f16, .f32,
                    dequantize: (ck_dequant_f16, nil, ck_dequant_f16_avx512),
                    matVec: (ck_matvec_f16_scalar, ck_matvec_f16_avx2, ck_matvec_f16_avx512),
                    matMul: (nil, nil, nil)),
        QuantTraits(.bf16, .f32,
                    dequantize: (ck_dequant_bf16, nil, ck_dequant_bf16_avx512),
                    matVec: (ck_matvec_bf16_scalar, ck_matvec_bf16_avx2, ck_matvec_bf16_avx512),
                    matMul: (nil, nil, nil)),
        QuantTraits(.q8_0, .q8a,
                    dequantize: (ck_dequant_q8_0, nil, ck_dequant_q8_0_avx512),
                    matVec: (ck_matvec_q8_0_scalar, ck_matvec_q8_0_avx2, ck_matvec_q8_0_avx512),
                    matMul: (nil, ck_matmul_q8_0_avx2, ck_matmul_q8_0_avx512)),
        QuantTraits(.q4_0, .q8a,
                    dequantize: (ck_dequant_q4_0, nil, ck_dequant_q4_0_avx512),
                    matVec: (ck_matvec_q4_0_scalar, ck_matvec_q4_0_avx2, ck_matvec_q4_0_avx512),
                    matMul: (nil, ck_matmul_q4_0_avx2, ck_matmul_q4_0_avx512)),
        QuantTraits(.q4_1, .q8a,
                    dequantize: (ck_dequant_q4_1, nil, ck_dequant_q4_1_avx512),
                    matVec: (ck_matvec_q4_1_scalar, ck_matvec_q4_1_avx2, ck_matvec_q4_1_avx512),
                    matMul: (nil, ck_matmul_q4_1_avx2, ck_matmul_q4_1_avx512)),
        QuantTraits(.q5_0, .q8a,
                    dequantize: (ck_dequant_q5_0, nil, ck_dequant_q5_0_avx512),
                    matVec: (ck_matvec_q5_0_scalar, ck_matvec_q5_0_avx2, ck_matvec_q5_0_avx512),
                    matMul: (nil, ck_matmul_q5_0_avx2, ck_matmul_q5_0_avx512)),
        QuantTraits(.q5_1, .q8a,
                    dequantize: (ck_dequant_q5_1, nil, ck_dequant_q5_1_avx512),
                    matVec: (ck_matvec_q5_1_scalar, ck_matvec_q5_1_avx2, ck_matvec_q5_1_avx512),
                    matMul: (nil, ck_matmul_q5_1_avx2, ck_matmul_q5_1_avx512)),
        QuantTraits(.q4_K, .q8K,
                    dequantize: (ck_dequant_q4_K, nil, ck_dequant_q4_K_avx512),
                    matVec: (ck_matvec_q4_K_scalar, ck_matvec_q4_K_avx2, ck_matvec_q4_K_avx512),
                    matMul: (nil, ck_matmul_q4_K_avx2, ck_matmul_q4_K_avx512)),
        QuantTraits(.q5_K, .q8K,
                    dequantize: (ck_dequant_q5_K, nil, ck_dequant_q5_K_avx512),
                    matVec: (ck_matvec_q5_K_scalar, ck_matvec_q5_K_avx2, ck_matvec_q5_K_avx512),
                    matMul: (nil, ck_matmul_q5_K_avx2, ck_matmul_q5_K_avx512)),
        QuantTraits(.q6_K, .q8K,
                    dequantize: (ck_dequant_q6_K, nil, ck_dequant_q6_K_avx512),
                    matVec: (ck_matvec_q6_K_scalar, ck_matvec_q6_K_avx2, ck_matvec_q6_K_avx512),
                    matMul: (nil, ck_matmul_q6_K_avx2, ck_matmul_q6_K_avx512)),
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
