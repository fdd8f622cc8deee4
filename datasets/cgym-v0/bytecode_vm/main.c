/* bytecode_vm: a stack-based virtual machine with about 60 opcodes, a
 * two-pass assembler (labels, constants, data directives), a disassembler,
 * a stack-depth verifier, and a switch-dispatched interpreter, running a set
 * of sample programs (recursion, sieve, sorting, matrix product, string
 * handling) and error cases; results are cross-checked against C reference
 * implementations. Part of the cgym-v0 benchmark suite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

static uint32_t fnv(uint32_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static uint32_t vm_hash(uint32_t h, int64_t v)
{
    return (uint32_t)((((uint64_t)h ^ (uint64_t)v) * 16777619u) & 0xFFFFFFFFu);
}

/* C reference implementations of some sample programs */
static void ref_sieve(char *out, size_t cap)
{
    static char comp[5000];
    memset(comp, 0, sizeof comp);
    int count = 0;
    uint32_t h = 0;
    for (int i = 2; i < 5000; i++) {
        if (comp[i])
            continue;
        count++;
        h = vm_hash(h, i);
        for (long j = (long)i * i; j < 5000; j += i)
            comp[j] = 1;
    }
    snprintf(out, cap, "%d %u\n", count, (unsigned)h);
}

static void ref_bubble(char *out, size_t cap)
{
    int64_t a[100];
    uint64_t seed = 12345;
    for (int i = 0; i < 100; i++) {
        seed = (seed * 1103515245u + 12345u) & 0x7FFFFFFFu;
        a[i] = (int64_t)(seed % 1000u);
    }
    for (int i = 99; i >= 1; i--)
        for (int j = 0; j < i; j++)
            if (a[j] > a[j + 1]) {
                int64_t t = a[j];
                a[j] = a[j + 1];
                a[j + 1] = t;
            }
    uint32_t h = 0;
    for (int i = 0; i < 99; i++)
        h = vm_hash(h, a[i]);
    snprintf(out, cap, "%lld %lld %lld %u\n", (long long)a[0], (long long)a[1], (long long)a[99],
             (unsigned)h);
}

static void ref_gcd(char *out, size_t cap)
{
    long sum = 0;
    for (long i = 1; i <= 40; i++)
        for (long j = 1; j <= 40; j++) {
            long a = i, b = j;
            while (b) {
                long t = a % b;
                a = b;
                b = t;
            }
            sum += a;
        }
    snprintf(out, cap, "%ld\n", sum);
}

static void ref_matmul(char *out, size_t cap)
{
    int64_t A[8][8], B[8][8], C[8][8];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            A[i][j] = i + j;
            B[i][j] = 2 * i - j;
        }
    int64_t trace = 0;
    uint32_t h = 0;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            C[i][j] = 0;
            for (int k = 0; k < 8; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
    for (int i = 0; i < 64; i++)
        h = vm_hash(h, C[i / 8][i % 8]);
    for (int i = 0; i < 8; i++)
        trace += C[i][i];
    snprintf(out, cap, "%lld %u\n", (long long)trace, (unsigned)h);
}

static program prog;
static vm machine;

int main(void)
{
    char ref[4][128];
    ref_sieve(ref[0], sizeof ref[0]);
    ref_bubble(ref[1], sizeof ref[1]);
    ref_gcd(ref[2], sizeof ref[2]);
    ref_matmul(ref[3], sizeof ref[3]);
    static const char *const ref_names[4] = {"sieve", "bubble", "gcd", "matmul"};

    uint32_t checksum = 2166136261u;
    uint64_t total_counts[OP_COUNT];
    memset(total_counts, 0, sizeof total_counts);
    int mismatches = 0;
    for (int i = 0; i < nsamples; i++) {
        const sample_program *sp = &samples[i];
        printf("[%s] ", sp->name);
        if (!assemble(sp->source, &prog)) {
            printf("assembly error, line %d: %s\n", prog.error_line, prog.error);
            checksum = fnv(checksum, prog.error);
            continue;
        }
        char err[128];
        int depth;
        if (!verify(&prog, err, sizeof err, &depth)) {
            printf("%d instructions, %zu bytes; verifier: %s\n", prog.instructions, prog.len, err);
            checksum = fnv(checksum, err);
            continue;
        }
        vm_status st = vm_run(&machine, &prog, 5000000u);
        printf("%d instructions, %zu bytes, %d data words, max stack %d; %s after %llu steps",
               prog.instructions, prog.len, (int)prog.data_used, depth, vm_status_name(st),
               (unsigned long long)machine.steps);
        if (st == VM_ERR_TRAP)
            printf(" (code %lld)", (long long)machine.trap_code);
        printf("\n");
        /* indent the program's own output */
        const char *o = machine.out;
        while (*o) {
            const char *nl = strchr(o, '\n');
            size_t n = nl ? (size_t)(nl - o) : strlen(o);
            printf("    | %.*s\n", (int)n, o);
            o += n + (nl ? 1 : 0);
        }
        const char *expect = sp->expect;
        for (int r = 0; r < 4; r++)
            if (strcmp(sp->name, ref_names[r]) == 0)
                expect = ref[r];
        if (expect && strcmp(expect, machine.out) != 0) {
            printf("    output differs from the reference: %s", expect);
            mismatches++;
        }
        checksum = fnv(checksum, machine.out);
        checksum = vm_hash(checksum, (int64_t)machine.steps);
        for (int k = 0; k < OP_COUNT; k++)
            total_counts[k] += machine.op_counts[k];
    }

    /* disassembly of the first sample */
    assemble(samples[0].source, &prog);
    printf("disassembly of %s:\n", samples[0].name);
    char line[96];
    for (size_t pc = 0; pc < prog.len;) {
        size_t n = disassemble_one(&prog, pc, line, sizeof line);
        printf("  %s\n", line);
        checksum = fnv(checksum, line);
        if (n == 0)
            break;
        pc += n;
    }

    /* most executed opcodes */
    printf("most executed opcodes:");
    for (int rank = 0; rank < 6; rank++) {
        int best = -1;
        for (int k = 0; k < OP_COUNT; k++)
            if (total_counts[k] > 0 && (best < 0 || total_counts[k] > total_counts[best]))
                best = k;
        if (best < 0)
            break;
        printf(" %s=%llu", op_table[best].name, (unsigned long long)total_counts[best]);
        total_counts[best] = 0;
    }
    printf("\n");
    printf("reference mismatches: %d\n", mismatches);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
