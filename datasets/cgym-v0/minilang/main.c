/* minilang: a small compiler and interpreter for an imperative language
 * with integers, global arrays, functions, block scoping, if/while/for,
 * break/continue and print. Each sample program is lexed, parsed, analysed,
 * then run twice - by a tree-walking interpreter and by compiling to
 * bytecode for a stack VM - and the two outputs must agree, including for
 * run-time errors. Compile errors are reported with line numbers.
 * Part of the cgym-v0 benchmark suite. */
#include <stdio.h>
#include <string.h>

#include "ml.h"

typedef struct {
    const char *name;
    const char *src;
} sample;

static const sample samples[] = {
    {"fibonacci",
     "// recursive and iterative Fibonacci\n"
     "fn fib(n) { if (n < 2) { return n; } return fib(n - 1) + fib(n - 2); }\n"
     "fn fib_iter(n) {\n"
     "  var a = 0; var b = 1;\n"
     "  for (var i = 0; i < n; i += 1) { var t = a + b; a = b; b = t; }\n"
     "  return a;\n"
     "}\n"
     "fn main() {\n"
     "  for (var i = 0; i <= 15; i += 5) { print(\"fib\", i, fib(i), fib_iter(i)); }\n"
     "  print(\"fib 90 =\", fib_iter(90));\n"
     "}\n"},
    {"primes",
     "var sieve[2000];\n"
     "var count;\n"
     "fn main() {\n"
     "  for (var i = 2; i < 2000; i += 1) {\n"
     "    if (sieve[i]) { continue; }\n"
     "    count += 1;\n"
     "    for (var j = i * i; j < 2000; j += i) { sieve[j] = 1; }\n"
     "  }\n"
     "  print(\"primes below 2000:\", count);\n"
     "  var shown = 0;\n"
     "  for (var i = 1999; i > 1 && shown < 4; i -= 1) {\n"
     "    if (!sieve[i]) { print(\"  prime\", i); shown += 1; }\n"
     "  }\n"
     "}\n"},
    {"quicksort",
     "var a[300];\n"
     "var seed;\n"
     "fn rand() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; }\n"
     "fn swap(i, j) { var t = a[i]; a[i] = a[j]; a[j] = t; }\n"
     "fn partition(lo, hi) {\n"
     "  var pivot = a[(lo + hi) / 2];\n"
     "  var i = lo - 1; var j = hi + 1;\n"
     "  while (1) {\n"
     "    i += 1; while (a[i] < pivot) { i += 1; }\n"
     "    j -= 1; while (a[j] > pivot) { j -= 1; }\n"
     "    if (i >= j) { return j; }\n"
     "    swap(i, j);\n"
     "  }\n"
     "}\n"
     "fn qsort(lo, hi) {\n"
     "  if (lo < hi) { var p = partition(lo, hi); qsort(lo, p); qsort(p + 1, hi); }\n"
     "}\n"
     "fn main() {\n"
     "  seed = 42;\n"
     "  for (var i = 0; i < 300; i += 1) { a[i] = rand() % 1000; }\n"
     "  qsort(0, 299);\n"
     "  var ok = 1; var h = 0;\n"
     "  for (var i = 1; i < 300; i += 1) { if (a[i - 1] > a[i]) { ok = 0; } }\n"
     "  for (var i = 0; i < 300; i += 1) { h = (h * 31 + a[i]) % 1000000007; }\n"
     "  print(\"sorted:\", ok, \"min\", a[0], \"max\", a[299], \"hash\", h);\n"
     "}\n"},
    {"queens",
     "var col[8]; var d1[16]; var d2[16];\n"
     "var n; var solutions;\n"
     "fn place(r) {\n"
     "  if (r == n) { solutions += 1; return 0; }\n"
     "  for (var c = 0; c < n; c += 1) {\n"
     "    if (col[c] || d1[r + c] || d2[r - c + n - 1]) { continue; }\n"
     "    col[c] = 1; d1[r + c] = 1; d2[r - c + n - 1] = 1;\n"
     "    place(r + 1);\n"
     "    col[c] = 0; d1[r + c] = 0; d2[r - c + n - 1] = 0;\n"
     "  }\n"
     "  return 0;\n"
     "}\n"
     "fn main() {\n"
     "  for (n = 4; n <= 7; n += 1) { solutions = 0; place(0); print(\"queens\", n, solutions); }\n"
     "}\n"},
    {"arith",
     "fn gcd(a, b) { while (b != 0) { var t = a % b; a = b; b = t; } return a; }\n"
     "fn collatz(n) {\n"
     "  var steps = 0;\n"
     "  while (n != 1) { if (n % 2 == 0) { n = n / 2; } else { n = 3 * n + 1; } steps += 1; }\n"
     "  return steps;\n"
     "}\n"
     "fn main() {\n"
     "  var best = 0; var arg = 0;\n"
     "  for (var i = 1; i < 300; i += 1) { var s = collatz(i); if (s > best) { best = s; arg = i; } }\n"
     "  print(\"longest collatz below 300:\", arg, best);\n"
     "  var g = 0;\n"
     "  for (var i = 1; i <= 30; i += 1) { for (var j = 1; j <= 30; j += 1) { g += gcd(i, j); } }\n"
     "  print(\"sum of gcds:\", g);\n"
     "  var x = 7; x *= 6; x -= -3; print(\"x =\", x, -x, !x, !0);\n"
     "  print(\"ops\", 17 / 5, -17 / 5, 17 % 5, -17 % 5, 1 < 2, 2 <= 1, 3 == 3, 3 != 3);\n"
     "  print(\"wrap\", 9223372036854775807 + 1, 4611686018427387904 * 4);\n"
     "}\n"},
    {"scopes",
     "var g;\n"
     "fn bump() { g += 1; return g; }\n"
     "fn main() {\n"
     "  var x = 1;\n"
     "  { var x = 2; print(\"inner\", x); }\n"
     "  print(\"outer\", x);\n"
     "  var found = 0;\n"
     "  for (var a = 1; a < 30; a += 1) {\n"
     "    for (var b = a; b < 30; b += 1) {\n"
     "      var c2 = a * a + b * b;\n"
     "      var c = 1;\n"
     "      while (c * c < c2) { c += 1; }\n"
     "      if (c * c == c2 && c < 30) { found += 1; if (found > 5) { break; } print(\"triple\", a, b, c); }\n"
     "    }\n"
     "  }\n"
     "  print(\"triples found\", found);\n"
     "  var s = 0;\n"
     "  for (var i = 0; i < 10; i += 1) { if (i % 3 == 0) { continue; } s += i; }\n"
     "  print(\"sum skip3\", s);\n"
     "  print(\"short circuit\", 0 && bump(), 1 || bump(), g, bump() && bump(), g);\n"
     "}\n"},
    {"div-by-zero",
     "fn f(n) { return 100 / n; }\n"
     "fn main() { print(\"before\"); print(f(5), f(0)); print(\"after\"); }\n"},
    {"out-of-range",
     "var a[5];\n"
     "fn main() { for (var i = 0; i < 10; i += 1) { a[i] = i; print(\"stored\", i); } }\n"},
    {"deep-recursion",
     "fn r(n) { return r(n + 1) + 1; }\n"
     "fn main() { print(r(0)); }\n"},
    {"endless-loop",
     "fn main() { var i = 0; while (1) { i += 1; } }\n"},
    {"syntax-error",
     "fn main() {\n"
     "  var x = ;\n"
     "}\n"},
    {"undefined-variable",
     "fn main() {\n"
     "  var x = 1;\n"
     "  print(x + y);\n"
     "}\n"},
    {"bad-arity",
     "fn f(a, b) { return a + b; }\n"
     "fn main() { print(f(1)); }\n"},
    {"stray-break",
     "fn main() { break; }\n"},
    {"no-main",
     "fn helper() { return 1; }\n"},
    {"array-as-scalar",
     "var v[3];\n"
     "fn main() { v = 1; }\n"},
};

static ml_program prog;
static ml_bytecode code;
static ml_output out_tree, out_vm;

static uint32_t fnv(uint32_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static void show_output(const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        printf("    | %.*s\n", (int)n, text);
        text += n + (nl ? 1 : 0);
    }
}

int main(void)
{
    uint32_t checksum = 2166136261u;
    int disagreements = 0;
    const int nsamples = (int)(sizeof samples / sizeof samples[0]);
    for (int i = 0; i < nsamples; i++) {
        printf("[%s] ", samples[i].name);
        if (!ml_parse(&prog, samples[i].src) || !ml_analyze(&prog)) {
            printf("compile error at line %d: %s\n", prog.error_line, prog.error);
            checksum = fnv(checksum, prog.error);
            continue;
        }
        if (!ml_compile(&prog, &code)) {
            printf("codegen error: %s\n", code.error);
            continue;
        }
        ml_interpret(&prog, &out_tree, 1000000u);
        ml_run_bytecode(&prog, &code, &out_vm, 1000000u);
        int same = strcmp(out_tree.text, out_vm.text) == 0 && out_tree.error == out_vm.error &&
                   strcmp(out_tree.message, out_vm.message) == 0;
        disagreements += !same;
        printf("%d nodes, %d functions, %d bytecode words; tree %llu steps, vm %llu steps%s\n",
               prog.nnodes, prog.nfuncs, code.len, (unsigned long long)out_tree.steps,
               (unsigned long long)out_vm.steps, same ? "" : " -- ENGINES DISAGREE");
        show_output(out_tree.text);
        if (out_tree.error)
            printf("    runtime error: %s\n", out_tree.message);
        checksum = fnv(checksum, out_tree.text);
        checksum = fnv(checksum, out_vm.message);
    }

    /* disassemble the start of the first sample's fib function */
    ml_parse(&prog, samples[0].src);
    ml_analyze(&prog);
    ml_compile(&prog, &code);
    printf("bytecode of fib():\n");
    char line[80];
    for (int pc = code.func_start[0], k = 0; k < 14; k++) {
        int n = ml_disasm(&code, pc, line, sizeof line);
        printf("  %s\n", line);
        checksum = fnv(checksum, line);
        if (n == 0)
            break;
        pc += n;
    }
    printf("engine disagreements: %d\n", disagreements);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
