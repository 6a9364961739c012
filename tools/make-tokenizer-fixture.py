#!/usr/bin/env python3
"""Writes Tests/TokenizerTests/Fixtures/llama-cpp-token-ids.json: the token ids llama.cpp
(through llama-cpp-python) gives for sample texts with the pinned models' vocabularies, so the
Swift tokenizer can be checked against it without llama.cpp installed.

Usage: ~/.cache/infill/llama-venv/bin/python tools/make-tokenizer-fixture.py
"""
import json
import os
import sys

import llama_cpp
from llama_cpp import Llama

CACHE = os.environ.get("INFILL_CACHE") or os.path.expanduser("~/.cache/infill")
MODELS = ["qwen2.5-coder-0.5b", "smollm2-135m"]
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TokenizerTests", "Fixtures", "llama-cpp-token-ids.json")

TEXTS = [
    "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    "import Foundation\n\nstruct Point: Hashable { var x, y: Double }\nlet p = Point(x: 1.5, y: -2)\n",
    "#include <stdio.h>\r\nint main(void) {\r\n\tprintf(\"%d\\n\", 42);\r\n\treturn 0;\r\n}\r\n",
    "const xs = [1, 22, 333, 4444].map((x) => x ** 2); // 🚀 done\n",
    "fn main() { println!(\"{:?}\", \"日本語のテキスト\"); }\n",
    "<!-- café --><p class='x'>crème brûlée &amp; naïve</p>\n",
    "Немного русского текста. 中文也可以。 😀😶‍🌫️✅ \u00a0nbsp\u2003emsp\n",
    "a  b   c    d\t\te\n\n\n  \n\t \r\n  x  \n     ",
    "3 33 333 3333 33333 1234567890 3.14159 1e10 0xDEADBEEF ½ ² ٣",
    "It's we're they've I'm you'll he'd DON'T SHE'S",
    "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n<|fim_middle|>",
    "<|endoftext|><|im_start|>user\nhi<|im_end|>\n<tool_call> <reponame> <file_sep>",
    "    if (x) {\n        return y;\n    }\n",
    "",
    " ",
    "\n",
]


def main():
    cases = []
    vocabularies = {}
    for name in MODELS:
        path = os.path.join(CACHE, "models", name + ".gguf")
        llm = Llama(model_path=path, vocab_only=True, verbose=False)
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        n = llama_cpp.llama_vocab_n_tokens(vocab)
        info = {k: getattr(llama_cpp, "llama_vocab_" + k)(vocab)
                for k in ["bos", "eos", "fim_pre", "fim_suf", "fim_mid", "fim_pad", "fim_rep", "fim_sep"]}
        info["add_bos"] = bool(llama_cpp.llama_vocab_get_add_bos(vocab))
        info["n_tokens"] = n
        info["eog"] = [i for i in range(n) if llama_cpp.llama_vocab_is_eog(vocab, i)]
        info["control"] = [i for i in range(n) if llama_cpp.llama_vocab_is_control(vocab, i)]
        vocabularies[name] = info
        for text in TEXTS:
            for add_special in (False, True):
                for special in (False, True):
                    ids = llm.tokenize(text.encode("utf-8"), add_bos=add_special, special=special)
                    cases.append({"model": name, "text": text, "add_special": add_special,
                                  "parse_special": special, "ids": ids})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:  # one case per line, for readable diffs
        generator = json.dumps("llama-cpp-python " + __import__("llama_cpp").__version__)
        f.write('{"generator": ' + generator + ',\n"vocabularies": ' + json.dumps(vocabularies) + ',\n"cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]}\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
