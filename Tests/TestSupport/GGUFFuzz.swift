import Foundation
import GGUF

/// Small valid GGUF models and mutations of them (byte-level and field-level), for tests that
/// check that a corrupt file ends in a thrown error and never in a trap, a hang or a huge
/// allocation. The same generators serve the bounded CI tests and `Benchmarks/fuzz/gguf.sh`.
public enum GGUFFuzz {
    // MARK: Seeds

    /// Iterations for a fuzz test: `INFILL_FUZZ_ITERATIONS` when set (the long runs), else `ci`.
    public static func iterations(ci: Int) -> Int {
        ProcessInfo.processInfo.environment["INFILL_FUZZ_ITERATIONS"].flatMap(Int.init) ?? ci
    }

    /// The base seed: `INFILL_FUZZ_SEED` when set (the long runs use a new one per chunk), else `ci`.
    public static func seed(ci: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment["INFILL_FUZZ_SEED"].flatMap { UInt64($0) } ?? ci
    }

    /// Where mutated files go; the long runs point it at a folder they keep, so the input that
    /// killed the process is still there afterwards.
    public static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["INFILL_FUZZ_DIR"], !dir.isEmpty { return dir }
        // Memory-backed where there is one: rewriting a file in place on ext4 waits for the disk.
        return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
    }

    /// The seed of input `i` of a run with base seed `seed`.
    public static func inputSeed(_ seed: UInt64, _ i: Int) -> UInt64 {
        var g = SplitMix64(seed: seed ^ (UInt64(i) &* 0xD1B5_4A32_D192_ED03))
        return g.next()
    }

    // MARK: Small valid models

    /// The shape of the fuzzed model: small enough that a load takes microseconds.
    public enum Flavor: CaseIterable, Sendable {
        /// llama architecture, SentencePiece ("llama") vocabulary with scores and token types.
        case llamaSentencePiece
        /// qwen2 architecture (q/k/v biases), byte-level BPE ("gpt2") vocabulary with merges, one
        /// Q8_0 matrix, tied output.
        case qwen2BytePairs
    }

    public static let dim = 32, hidden = 64, heads = 2, kvHeads = 1, layers = 1, context = 64

    /// The metadata of a small valid model of `flavor`, in file order.
    public static func metadata(_ flavor: Flavor) -> [(key: String, value: GGUFValue)] {
        let a = flavor == .llamaSentencePiece ? "llama" : "qwen2"
        var m: [(String, GGUFValue)] = [
            ("general.architecture", .string(a)),
            ("general.name", .string("fuzz")),
            ("\(a).block_count", .uint32(UInt32(layers))),
            ("\(a).context_length", .uint32(UInt32(context))),
            ("\(a).embedding_length", .uint32(UInt32(dim))),
            ("\(a).feed_forward_length", .uint32(UInt32(hidden))),
            ("\(a).attention.head_count", .uint32(UInt32(heads))),
            ("\(a).attention.head_count_kv", .uint32(UInt32(kvHeads))),
            ("\(a).rope.freq_base", .float32(10_000)),
            ("\(a).rope.dimension_count", .uint32(UInt32(dim / heads))),
            ("\(a).attention.layer_norm_rms_epsilon", .float32(1e-6)),
        ]
        let tokens = vocabulary(flavor)
        switch flavor {
        case .llamaSentencePiece:
            m += [
                ("tokenizer.ggml.model", .string("llama")),
                ("tokenizer.ggml.tokens", .array(tokens.map { .string($0) })),
                ("tokenizer.ggml.scores", .array(tokens.indices.map { .float32(-Float($0)) })),
                ("tokenizer.ggml.token_type", .array(tokens.indices.map { .int32($0 == 0 ? 2 : $0 < 3 ? 3 : $0 < 5 ? 6 : 1) })),
                ("tokenizer.ggml.bos_token_id", .uint32(1)),
                ("tokenizer.ggml.eos_token_id", .uint32(2)),
                ("tokenizer.ggml.add_bos_token", .bool(true)),
            ]
        case .qwen2BytePairs:
            m += [
                ("tokenizer.ggml.model", .string("gpt2")),
                ("tokenizer.ggml.pre", .string("qwen2")),
                ("tokenizer.ggml.tokens", .array(tokens.map { .string($0) })),
                ("tokenizer.ggml.token_type", .array(tokens.indices.map { .int32($0 >= tokens.count - 4 ? 3 : 1) })),
                ("tokenizer.ggml.merges", .array(["Ġ a", "Ġ b", "a b", "Ġa b", "c d", "e f"].map { .string($0) })),
                ("tokenizer.ggml.eos_token_id", .uint32(UInt32(tokens.count - 4))),
                ("tokenizer.ggml.fim_pre_token_id", .uint32(UInt32(tokens.count - 3))),
                ("test.nested", .array([.array([.uint8(1), .uint8(2)]), .array([.int64(-3)])])),
            ]
        }
        return m
    }

    static func vocabulary(_ flavor: Flavor) -> [String] {
        switch flavor {
        case .llamaSentencePiece:
            return ["<unk>", "<s>", "</s>", "<0x0A>", "<0x20>", "▁a", "▁b", "a", "b", "▁ab", "c", "d", "▁cd",
                    "e", "f", "▁"]
        case .qwen2BytePairs:
            return ["a", "b", "c", "d", "e", "f", "Ġ", "Ġa", "ab", "Ġab", "cd", "ef",
                    "<|endoftext|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"]
        }
    }

    public struct TensorSpec: Sendable {
        public var name: String
        public var dimensions: [Int]
        public var type: GGMLType
        public var data: [UInt8]
    }

    /// The tensors of a small valid model of `flavor`, values from `seed`.
    public static func tensors(_ flavor: Flavor, seed: UInt64 = 1) -> [TensorSpec] {
        var rng = SplitMix64(seed: seed)
        let vocab = vocabulary(flavor).count
        let kvDim = dim / heads * kvHeads
        func f32(_ name: String, _ dims: [Int], scale: Float = 0.2, offset: Float = 0) -> TensorSpec {
            var bytes: [UInt8] = []
            for _ in 0..<dims.reduce(1, *) {
                let x = (Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1) * scale + offset
                withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            return TensorSpec(name: name, dimensions: dims, type: .f32, data: bytes)
        }
        /// Q8_0 blocks: an f16 scale of 1/64 (0x2400), then 32 signed bytes.
        func q8(_ name: String, _ dims: [Int]) -> TensorSpec {
            var bytes: [UInt8] = []
            for _ in 0..<(dims.reduce(1, *) / 32) {
                bytes += [0x00, 0x24]
                for _ in 0..<32 { bytes.append(UInt8(truncatingIfNeeded: rng.next() % 64) &- 32) }
            }
            return TensorSpec(name: name, dimensions: dims, type: .q8_0, data: bytes)
        }
        var t = [f32("token_embd.weight", [dim, vocab], scale: 1)]
        for l in 0..<layers {
            let p = "blk.\(l)."
            t.append(f32(p + "attn_norm.weight", [dim], offset: 1))
            t.append(f32(p + "attn_q.weight", [dim, dim]))
            t.append(f32(p + "attn_k.weight", [dim, kvDim]))
            t.append(flavor == .qwen2BytePairs ? q8(p + "attn_v.weight", [dim, kvDim]) : f32(p + "attn_v.weight", [dim, kvDim]))
            if flavor == .qwen2BytePairs {
                t.append(f32(p + "attn_q.bias", [dim]))
                t.append(f32(p + "attn_k.bias", [kvDim]))
                t.append(f32(p + "attn_v.bias", [kvDim]))
            }
            t.append(f32(p + "attn_output.weight", [dim, dim]))
            t.append(f32(p + "ffn_norm.weight", [dim], offset: 1))
            t.append(f32(p + "ffn_gate.weight", [dim, hidden]))
            t.append(f32(p + "ffn_up.weight", [dim, hidden]))
            t.append(f32(p + "ffn_down.weight", [hidden, dim]))
        }
        t.append(f32("output_norm.weight", [dim], offset: 1))
        if flavor == .llamaSentencePiece { t.append(f32("output.weight", [dim, vocab], scale: 0.5)) }
        return t
    }

    public static func serialize(_ metadata: [(key: String, value: GGUFValue)], _ tensors: [TensorSpec]) -> [UInt8] {
        var w = GGUFWriter()
        for (key, value) in metadata { w.set(key, value) }
        for t in tensors { w.addTensor(name: t.name, dimensions: t.dimensions, type: t.type, data: t.data) }
        return w.serialized()
    }

    /// A small valid model file's bytes.
    public static func model(_ flavor: Flavor) -> [UInt8] { serialize(metadata(flavor), tensors(flavor)) }

    // MARK: The file's fields

    /// One field of a GGUF file: where it is and what it means, for mutations that aim at it.
    public struct Field: Sendable {
        public enum Role: Sendable, Equatable {
            case tensorCount, keyValueCount, stringLength, valueType, arrayElementType, arrayCount
            case scalar, dimensionCount, dimension, tensorType, tensorOffset
        }
        public var offset: Int
        public var width: Int
        public var role: Role
    }

    /// The fields of a valid GGUF file and the offset where tensor data starts.
    public static func fields(of bytes: [UInt8]) -> (fields: [Field], dataOffset: Int, names: [Range<Int>]) {
        var fields: [Field] = []
        var names: [Range<Int>] = []
        var at = 8
        func u64() -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * i) }
            return v
        }
        func u32() -> UInt32 {
            var v: UInt32 = 0
            for i in 0..<4 { v |= UInt32(bytes[at + i]) << (8 * i) }
            return v
        }
        func field(_ role: Field.Role, _ width: Int) { fields.append(Field(offset: at, width: width, role: role)); at += width }
        func string(isName: Bool = false) {
            let n = Int(u64())
            field(.stringLength, 8)
            if isName { names.append(at..<at + n) }
            at += n
        }
        func value(_ type: UInt32) {
            switch type {
            case 8: string()
            case 9:
                let element = u32()
                field(.arrayElementType, 4)
                let count = Int(u64())
                field(.arrayCount, 8)
                for _ in 0..<count { value(element) }
            default:
                let widths: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
                field(.scalar, widths[type] ?? 0)
            }
        }
        let tensorCount = Int(u64())
        field(.tensorCount, 8)
        let kvCount = Int(u64())
        field(.keyValueCount, 8)
        for _ in 0..<kvCount {
            string()
            let type = u32()
            field(.valueType, 4)
            value(type)
        }
        for _ in 0..<tensorCount {
            string(isName: true)
            let n = Int(u32())
            field(.dimensionCount, 4)
            for _ in 0..<n { field(.dimension, 8) }
            field(.tensorType, 4)
            field(.tensorOffset, 8)
        }
        let dataOffset = (at + GGUFFile.defaultAlignment - 1) / GGUFFile.defaultAlignment * GGUFFile.defaultAlignment
        return (fields, dataOffset, names)
    }

    // MARK: Mutations

    /// A valid file with its field map, to mutate many times.
    public struct Target: Sendable {
        public let bytes: [UInt8]
        public let fields: [Field]
        public let dataOffset: Int
        public let names: [Range<Int>]
        public init(_ bytes: [UInt8]) {
            self.bytes = bytes
            (fields, dataOffset, names) = GGUFFuzz.fields(of: bytes)
        }
    }

    static let interesting64: [UInt64] = [
        0, 1, 2, 3, 4, 7, 8, 31, 32, 33, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 1 << 22, (1 << 22) + 1, 1 << 40, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
        0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF,
    ]
    static let interesting32: [UInt32] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 29, 30, 31, 33, 34, 35, 36, 39, 40, 0x7F, 0xFF,
        0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
    ]

    /// One to four mutations of `target`, chosen by `seed`; the text says which, for messages.
    public static func mutate(_ target: Target, seed: UInt64) -> (bytes: [UInt8], what: String) {
        var rng = SplitMix64(seed: seed)
        var bytes = target.bytes
        var what: [String] = []
        let steps = 1 + Int(rng.next() % 4 == 0 ? rng.next() % 4 : 0)
        // A mutation that does not apply (a field already cut off, names of unequal length) is
        // skipped and another drawn, so every input differs from the valid file.
        var attempts = 0
        while what.count < steps, attempts < 64 {
            attempts += 1
            guard !bytes.isEmpty else { break }
            // Most mutations aim at the header and tensor table, where the reader makes decisions.
            func offset() -> Int {
                let limit = rng.next() % 8 == 0 ? bytes.count : min(bytes.count, target.dataOffset)
                return Int(rng.next() % UInt64(max(limit, 1)))
            }
            func put(_ value: UInt64, at o: Int, width: Int) {
                for i in 0..<width where o + i < bytes.count { bytes[o + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            }
            func read(at o: Int, width: Int) -> UInt64 {
                var v: UInt64 = 0
                for i in 0..<width where o + i < bytes.count { v |= UInt64(bytes[o + i]) << (8 * UInt64(i)) }
                return v
            }
            let field = target.fields[Int(rng.next() % UInt64(target.fields.count))]
            switch rng.next() % 10 {
            case 0:
                let o = offset(), bit = rng.next() % 8
                bytes[o] ^= 1 << bit
                what.append("flip bit \(bit) at \(o)")
            case 1:
                let o = offset(), v: UInt8 = [0x00, 0xFF, 0x7F, 0x80][Int(rng.next() % 4)]
                bytes[o] = v
                what.append("byte \(o) = \(v)")
            case 2:
                // Cut at a field's start or inside it, or anywhere.
                let cut = rng.next() % 2 == 0 ? field.offset + Int(rng.next() % UInt64(field.width + 1)) : offset()
                bytes = Array(bytes.prefix(cut))
                what.append("truncate at \(cut)")
            case 3, 4:
                guard field.offset + field.width <= bytes.count else { continue }
                if field.width == 8 {
                    let old = read(at: field.offset, width: 8)
                    let candidates = interesting64 + [old &+ 1, old &- 1, old &* 2, UInt64(bytes.count), UInt64(bytes.count + 1),
                                                      UInt64(bytes.count - min(field.offset, bytes.count))]
                    let v = candidates[Int(rng.next() % UInt64(candidates.count))]
                    put(v, at: field.offset, width: 8)
                    what.append("\(field.role) at \(field.offset) = \(v)")
                } else {
                    let v = interesting32[Int(rng.next() % UInt64(interesting32.count))]
                    put(UInt64(v), at: field.offset, width: field.width)
                    what.append("\(field.role) at \(field.offset) = \(v) (\(field.width) bytes)")
                }
            case 5:
                // A tensor's data offset: past the end, unaligned, or another tensor's.
                let offsets = target.fields.filter { $0.role == .tensorOffset }
                guard let f = offsets.randomElement(using: &rng), f.offset + 8 <= bytes.count else { continue }
                let other = offsets.randomElement(using: &rng).map { read(at: $0.offset, width: 8) } ?? 0
                let dataSize = UInt64(max(0, bytes.count - target.dataOffset))
                let v = [dataSize, dataSize + 32, dataSize - min(dataSize, 32), other, other &+ 1, other &+ 16,
                         UInt64.max - 31, 1 << 63][Int(rng.next() % 8)]
                put(v, at: f.offset, width: 8)
                what.append("tensor offset at \(f.offset) = \(v)")
            case 6:
                // Two tensors of one name: copy a name over another of the same length.
                let a = target.names.randomElement(using: &rng)!, b = target.names.randomElement(using: &rng)!
                guard a.count == b.count, a != b, b.upperBound <= bytes.count else { continue }
                bytes.replaceSubrange(b, with: target.bytes[a])
                what.append("name at \(b.lowerBound) = name at \(a.lowerBound)")
            case 7:
                // Type ids out of range (value types, array element types, ggml types).
                let types = target.fields.filter { [.valueType, .arrayElementType, .tensorType].contains($0.role) }
                guard let f = types.randomElement(using: &rng), f.offset + 4 <= bytes.count else { continue }
                let v = [UInt32(13), 14, 9, 8, 0xFFFF_FFFF, 31, 32, 33, 36, 40, 0x8000_0000][Int(rng.next() % 11)]
                put(UInt64(v), at: f.offset, width: 4)
                what.append("type at \(f.offset) = \(v)")
            case 8:
                // Insert or delete a few bytes: every later field shifts.
                let o = offset(), n = 1 + Int(rng.next() % 8)
                if rng.next() % 2 == 0 {
                    bytes.insert(contentsOf: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: o)
                    what.append("insert \(n) at \(o)")
                } else {
                    bytes.removeSubrange(o..<min(o + n, bytes.count))
                    what.append("delete \(n) at \(o)")
                }
            default:
                // A random run of bytes.
                let o = offset(), n = 1 + Int(rng.next() % 16)
                for i in o..<min(o + n, bytes.count) { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
                what.append("random \(n) at \(o)")
            }
        }
        return (bytes, what.joined(separator: ", "))
    }

    /// A structurally valid file whose metadata or tensor table lies (wrong types, absurd values,
    /// missing or reshaped tensors, arrays of the wrong length): what a loader must catch after
    /// the reader accepts the file.
    public static func mutateModel(_ flavor: Flavor, seed: UInt64) -> (bytes: [UInt8], what: String) {
        var rng = SplitMix64(seed: seed)
        var metadata = metadata(flavor)
        var tensors = tensors(flavor)
        var what: [String] = []
        let values: [GGUFValue] = [
            .int32(-1), .int32(0), .int32(1), .int32(3), .int32(Int32.max), .int32(Int32.min), .uint32(0), .uint32(7),
            .uint32(UInt32.max), .uint64(UInt64.max), .uint64(1 << 32), .int64(Int64.min), .int64(-2), .int64(Int64.max),
            .float32(.nan), .float32(-1), .float32(0), .float32(.infinity), .float64(1e300), .bool(false),
            .string(""), .string("llama"), .string("gpt2"), .array([]), .array([.string("x")]), .array([.uint8(1)]),
            .array([.array([.string("a")])]), .uint8(2), .int16(-7),
        ]
        let steps = 1 + Int(rng.next() % 3)
        var attempts = 0
        while what.count < steps, attempts < 64 {
            attempts += 1
            switch rng.next() % 8 {
            case 0, 1:
                let i = Int(rng.next() % UInt64(metadata.count))
                let v = values[Int(rng.next() % UInt64(values.count))]
                metadata[i].value = v
                what.append("\(metadata[i].key) = \(v)")
            case 2:
                let i = Int(rng.next() % UInt64(metadata.count))
                what.append("drop \(metadata[i].key)")
                metadata.remove(at: i)
            case 3:
                // An array one shorter, one longer, or of another element type.
                let arrays = metadata.indices.filter { metadata[$0].value.array != nil }
                guard let i = arrays.randomElement(using: &rng), var items = metadata[i].value.array else { continue }
                switch rng.next() % 3 {
                case 0: if !items.isEmpty { items.removeLast() }
                case 1: items.append(items.last ?? .uint8(0))
                default: items = items.map { _ in .int32(-1) }
                }
                metadata[i].value = .array(items)
                what.append("resize or retype \(metadata[i].key)")
            case 4:
                let i = Int(rng.next() % UInt64(tensors.count))
                what.append("drop tensor \(tensors[i].name)")
                tensors.remove(at: i)
            case 5:
                // Same bytes, other shape: swapped, flattened or with a dimension of 1 added.
                let i = Int(rng.next() % UInt64(tensors.count))
                let d = tensors[i].dimensions
                switch rng.next() % 3 {
                case 0: tensors[i].dimensions = d.reversed()
                case 1: tensors[i].dimensions = [d.reduce(1, *)]
                default: tensors[i].dimensions = d + [1]
                }
                what.append("reshape \(tensors[i].name) to \(tensors[i].dimensions)")
            case 6:
                // Another type with the bytes that type needs (values are noise).
                let i = Int(rng.next() % UInt64(tensors.count))
                let type = GGMLType.allCases[Int(rng.next() % UInt64(GGMLType.allCases.count))]
                let count = tensors[i].dimensions.reduce(1, *)
                guard let bytes = type.rowBytes(count), tensors[i].dimensions[0] % type.blockSize == 0 else { continue }
                tensors[i].type = type
                tensors[i].data = (0..<bytes).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                what.append("retype \(tensors[i].name) to \(type)")
            default:
                // One tensor under another's name.
                let i = Int(rng.next() % UInt64(tensors.count)), j = Int(rng.next() % UInt64(tensors.count))
                tensors[i].name = tensors[j].name
                what.append("rename tensor \(i) to \(tensors[j].name)")
            }
        }
        return (serialize(metadata, tensors), what.joined(separator: ", "))
    }

    // MARK: Running

    /// What a run saw: inputs, how many were accepted, and the errors by their first words.
    public struct Tally: CustomStringConvertible, Sendable {
        public var inputs = 0
        public var accepted = 0
        public var rejected = 0
        public var slowestSeconds = 0.0
        public var slowestInput = ""
        public var errorKinds: [String: Int] = [:]
        public init() {}

        public var description: String {
            let kinds = errorKinds.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key): \($0.value)" }
            return "inputs \(inputs), accepted \(accepted), errors thrown \(rejected), slowest input "
                + String(format: "%.1f ms", slowestSeconds * 1000) + " (\(slowestInput)); errors by kind: "
                + kinds.joined(separator: ", ")
        }
    }

    /// Writes `bytes` to the fuzz input file (kept at one path, so after a crash it is the input
    /// that crashed) and returns its path.
    public static func writeInput(_ bytes: [UInt8], name: String) -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        // In place, not FileManager's write-and-rename: tens of thousands of inputs per run.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write fuzz input \(path): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write of fuzz input \(path)")
        return path
    }

    /// A short name for an error, to count errors by kind: the enum case for GGUF and engine
    /// errors, the type otherwise.
    public static func kind(of error: any Error) -> String {
        if let e = error as? GGUFError { return "\(e.kind)".prefix { $0 != "(" }.description }
        let mirror = Mirror(reflecting: error)
        if mirror.displayStyle == .enum { return mirror.children.first?.label ?? "\(error)" }
        return "\(type(of: error))"
    }
}
