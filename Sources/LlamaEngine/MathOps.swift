import CKernels
import Foundation

/// Small f32 vector operations of the forward pass (the big matrix products live in `Linear`, attention
/// in ck_attention). Each does llama.cpp's float steps in its order, so results match it bit for bit.
enum MathOps {
    /// y += x
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] += x[i] }
    }

    /// out = x / rms(x) * weight. The sum of squares is accumulated in Double, as llama.cpp does.
    static func rmsNorm(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                        _ weight: UnsafePointer<Float>, _ n: Int, epsilon: Float) {
        var sum = 0.0
        for i in 0..<n { sum += Double(x[i] * x[i]) }
        let scale = 1 / (Float(sum / Double(n)) + epsilon).squareRoot()
        for i in 0..<n { out[i] = x[i] * scale * weight[i] }
    }

    /// In-place softmax of x[0..<n] (libm exp; only the OpenBLAS attention path uses it).
    static func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        var maxValue = -Float.infinity
        for i in 0..<n where x[i] > maxValue { maxValue = x[i] }
        var sum = 0.0
        for i in 0..<n {
            let e = expf(x[i] - maxValue)
            x[i] = e
            sum += Double(e)
        }
        let inv = Float(1 / sum)
        for i in 0..<n { x[i] *= inv }
    }

    /// gate = silu(gate) * up (SwiGLU), with llama.cpp's exp (ck_swiglu) so the bits match it.
    static func swiGLU(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        switch KernelPath.active {
        case .avx512: ck_swiglu_avx512(Int64(n), gate, up)
        case .avx2: ck_swiglu_avx2(Int64(n), gate, up)
        case .scalar: ck_swiglu_scalar(Int64(n), gate, up)
        }
    }
}
