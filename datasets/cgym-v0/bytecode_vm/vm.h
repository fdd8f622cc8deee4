/* vm.h - private interface of the cgym-v0 "bytecode_vm" benchmark: a stack
 * virtual machine with a two-pass text assembler, a disassembler, a static
 * verifier (operands, jump targets, stack depth) and an interpreter. */
#ifndef CGYM_BYTECODE_VM_H
#define CGYM_BYTECODE_VM_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    OP_HALT, OP_NOP, OP_PUSH, OP_PUSHW, OP_POP, OP_DUP, OP_SWAP, OP_OVER, OP_ROT,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_INC, OP_DEC,
    OP_AND, OP_OR, OP_XOR, OP_NOT, OP_SHL, OP_SHR, OP_SAR,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_LTU, OP_LNOT,
    OP_JMP, OP_JZ, OP_JNZ, OP_JLT, OP_JGE, OP_LOOP,
    OP_CALL, OP_RET, OP_ENTER,
    OP_LLOAD, OP_LSTORE, OP_LINC, OP_LADD,
    OP_LOAD, OP_STORE, OP_GLOAD, OP_GSTORE,
    OP_PRINT, OP_PRINTC, OP_PRINTNL,
    OP_MIN, OP_MAX, OP_ABS, OP_ASSERT, OP_HASH, OP_SELECT, OP_TRAP,
    OP_COUNT
} opcode;

typedef enum {
    OPND_NONE,   /* no operand */
    OPND_I32,    /* 4-byte signed immediate */
    OPND_I64,    /* 8-byte signed immediate */
    OPND_U8,     /* 1-byte local slot / count */
    OPND_ADDR,   /* 4-byte code address */
    OPND_MEM,    /* 4-byte data address */
    OPND_CALL,   /* 4-byte code address + 1-byte argument count */
    OPND_LOOP    /* 1-byte local slot + 4-byte code address */
} operand_kind;

typedef struct {
    const char *name;
    operand_kind operand;
    int pops, pushes; /* static stack effect; CALL is special-cased */
    int terminates;   /* no fall-through (HALT, JMP, RET, TRAP) */
} op_info;

extern const op_info op_table[OP_COUNT];
int operand_size(operand_kind k);
int lookup_opcode(const char *name);

#define MAX_SYMBOLS 256
#define MAX_CODE 65536
#define DATA_WORDS 16384

typedef struct {
    char name[32];
    int64_t value;
    int defined;
} symbol;

typedef struct {
    uint8_t code[MAX_CODE];
    size_t len;
    int64_t data_init[DATA_WORDS];
    int32_t data_used;
    symbol syms[MAX_SYMBOLS];
    int nsyms;
    int error_line;
    char error[96];
    int instructions;
} program;

/* assembler.c */
int assemble(const char *source, program *p);

/* disasm.c */
size_t disassemble_one(const program *p, size_t pc, char *buf, size_t buflen);
int verify(const program *p, char *err, size_t errlen, int *max_depth);
uint32_t read_u32(const uint8_t *p);
uint64_t read_u64(const uint8_t *p);

/* vm.c */
typedef enum {
    VM_HALTED, VM_ERR_STACK_OVERFLOW, VM_ERR_STACK_UNDERFLOW, VM_ERR_DIV_ZERO,
    VM_ERR_BAD_OPCODE, VM_ERR_MEMORY, VM_ERR_CALL_DEPTH, VM_ERR_STEP_LIMIT,
    VM_ERR_ASSERT, VM_ERR_TRAP, VM_ERR_BAD_JUMP
} vm_status;

#define STACK_MAX 2048
#define FRAMES_MAX 256
#define OUT_MAX 8192

typedef struct {
    int64_t stack[STACK_MAX];
    int sp;
    struct {
        uint32_t ret;
        int fp;
    } frames[FRAMES_MAX];
    int nframes;
    int fp;
    int64_t mem[DATA_WORDS];
    char out[OUT_MAX];
    size_t outlen;
    uint64_t steps;
    uint64_t op_counts[OP_COUNT];
    uint32_t pc;
    int64_t trap_code;
} vm;

vm_status vm_run(vm *m, const program *p, uint64_t max_steps);
const char *vm_status_name(vm_status s);

/* programs.c */
typedef struct {
    const char *name;
    const char *source;
    const char *expect; /* expected output, or NULL */
} sample_program;

extern const sample_program samples[];
extern const int nsamples;

#endif
