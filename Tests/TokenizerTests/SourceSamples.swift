/// Source text in several languages and shapes for round-trip and fixture tests.
enum SourceSamples {
    static let all: [(name: String, text: String)] = [
        ("swift", """
        import Foundation

        /// Greets `name` — politely.
        public struct Greeter<T: CustomStringConvertible>: Sendable {
            let prefix = "Hello, "
            func greet(_ name: T) -> String { prefix + name.description + "!" }
        }
        let xs = [1, 22, 333, 4444, 55555].map { $0 * 2 } // 👋
        if xs.count >= 3 && xs[0] != 0 { print("ok\\t\\(xs)") }

        """),
        ("python", """
        def fib(n: int) -> int:
            \"\"\"Return the n-th Fibonacci number.\"\"\"
            a, b = 0, 1
            for _ in range(n):
                a, b = b, a + b
            return a


        if __name__ == "__main__":
            print(f"{fib(30)=}")  # 832040
            d = {'key': [1.5e-3, 0x1F, 0b1010], "ünïcödé": None}
        """),
        ("c", "#include <stdio.h>\r\n\r\nint main(int argc, char **argv) {\r\n\tfor (int i = 0; i < argc; ++i)\r\n\t\tprintf(\"%s\\n\", argv[i]);\r\n\treturn 0;\r\n}\r\n"),
        ("javascript", """
        const add = (a, b) => a + b;
        export default class Store {
          #items = new Map();
          get(key) { return this.#items.get(key) ?? null; }
        }
        console.log(`sum=${add(2, 40)}`);   /* trailing spaces */    
        """),
        ("rust", """
        fn main() {
            let v: Vec<u32> = (0..10).filter(|x| x % 2 == 0).collect();
            println!("{:?} — {}", v, "日本語のテキスト");
            let s = r#"raw "string""#;
        }
        """),
        ("go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tch := make(chan int, 3)\n\tgo func() { ch <- 42 }()\n\tfmt.Println(<-ch)\n}\n"),
        ("html", "<!DOCTYPE html>\n<html lang=\"en\">\n  <body>\n    <p class='x'>Caf\u{E9} &amp; cr\u{E8}me br\u{FB}l\u{E9}e</p>\n  </body>\n</html>\n"),
        ("markdown", "# Title\n\n- item one\n- item **two**\n\n```sh\n$ make test\n```\n\nНемного русского текста. 中文也可以。 😀😶‍🌫️✅ \u{A0}nbsp\u{2003}emsp\n"),
        ("specials", "text with <|fim_prefix|> and <|endoftext|> and <tool_call> inside\n<|im_start|>user\nhi<|im_end|>\n"),
        ("whitespace", "a  b   c    d\t\te\n\n\n  \n\t \r\n  x  \n     "),
        ("numbers", "3 33 333 3333 33333 1234567890 3.14159 1e10 0xDEADBEEF ½ ² ٣"),
    ]
}
