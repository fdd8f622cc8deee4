/* vm.c - the bytecode interpreter: a switch-dispatched loop over a 64-bit
 * operand stack with call frames, local slots, a word-addressed data
 * memory, wrap-around arithmetic and checked traps. */
#include <stdio.h>
#include <string.h>

#include "vm.h"

static int64_t wrap(uint64_t u)
{
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static void out_str(vm *m, const char *s)
{
    while (*s && m->outlen + 1 < OUT_MAX)
        m->out[m->outlen++] = *s++;
    m->out[m->outlen] = '\0';
}

static void out_char(vm *m, int64_t c)
{
    if (m->outlen + 1 < OUT_MAX) {
        m->out[m->outlen++] = (char)(unsigned char)(c & 0x7F);
        m->out[m->outlen] = '\0';
    }
}

const char *vm_status_name(vm_status s)
{
    switch (s) {
    case VM_HALTED: return "halted";
    case VM_ERR_STACK_OVERFLOW: return "stack overflow";
    case VM_ERR_STACK_UNDERFLOW: return "stack underflow";
    case VM_ERR_DIV_ZERO: return "division by zero";
    case VM_ERR_BAD_OPCODE: return "bad opcode";
    case VM_ERR_MEMORY: return "memory access out of range";
    case VM_ERR_CALL_DEPTH: return "call depth exceeded";
    case VM_ERR_STEP_LIMIT: return "step limit reached";
    case VM_ERR_ASSERT: return "assertion failed";
    case VM_ERR_TRAP: return "trap";
    case VM_ERR_BAD_JUMP: return "jump out of range";
    }
    return "?";
}

#define NEED(n)                                                                                    \
    do {                                                                                           \
        if (m->sp < m->fp + (n))                                                                   \
            return VM_ERR_STACK_UNDERFLOW;                                                         \
    } while (0)
#define ROOM(n)                                                                                    \
    do {                                                                                           \
        if (m->sp + (n) > STACK_MAX)                                                               \
            return VM_ERR_STACK_OVERFLOW;                                                          \
    } while (0)
#define TOP m->stack[m->sp - 1]
#define SECOND m->stack[m->sp - 2]

vm_status vm_run(vm *m, const program *p, uint64_t max_steps)
{
    m->sp = 0;
    m->fp = 0;
    m->nframes = 0;
    m->pc = 0;
    m->steps = 0;
    m->outlen = 0;
    m->out[0] = '\0';
    m->trap_code = 0;
    memset(m->op_counts, 0, sizeof m->op_counts);
    memcpy(m->mem, p->data_init, sizeof m->mem);
    const uint8_t *code = p->code;
    const uint32_t len = (uint32_t)p->len;
    char num[32];
    for (;;) {
        if (m->steps++ >= max_steps)
            return VM_ERR_STEP_LIMIT;
        if (m->pc >= len)
            return VM_ERR_BAD_JUMP;
        uint8_t op = code[m->pc];
        if (op >= OP_COUNT)
            return VM_ERR_BAD_OPCODE;
        m->op_counts[op]++;
        uint32_t at = m->pc;
        m->pc += 1u + (uint32_t)operand_size(op_table[op].operand);
        if (m->pc > len)
            return VM_ERR_BAD_JUMP;
        const uint8_t *o = code + at + 1;
        int64_t a, b, c;
        switch ((opcode)op) {
        case OP_HALT: return VM_HALTED;
        case OP_NOP: break;
        case OP_PUSH:
            ROOM(1);
            a = (int64_t)read_u32(o);
            m->stack[m->sp++] = a >= 0x80000000LL ? a - 0x100000000LL : a; /* sign-extend */
            break;
        case OP_PUSHW:
            ROOM(1);
            m->stack[m->sp++] = wrap(read_u64(o));
            break;
        case OP_POP:
            NEED(1);
            m->sp--;
            break;
        case OP_DUP:
            NEED(1);
            ROOM(1);
            m->stack[m->sp] = TOP;
            m->sp++;
            break;
        case OP_SWAP:
            NEED(2);
            a = TOP;
            TOP = SECOND;
            SECOND = a;
            break;
        case OP_OVER:
            NEED(2);
            ROOM(1);
            m->stack[m->sp] = SECOND;
            m->sp++;
            break;
        case OP_ROT: /* a b c -> b c a */
            NEED(3);
            a = m->stack[m->sp - 3];
            m->stack[m->sp - 3] = SECOND;
            SECOND = TOP;
            TOP = a;
            break;
        case OP_ADD: NEED(2); b = TOP; m->sp--; TOP = wrap((uint64_t)TOP + (uint64_t)b); break;
        case OP_SUB: NEED(2); b = TOP; m->sp--; TOP = wrap((uint64_t)TOP - (uint64_t)b); break;
        case OP_MUL: NEED(2); b = TOP; m->sp--; TOP = wrap((uint64_t)TOP * (uint64_t)b); break;
        case OP_DIV:
        case OP_MOD:
            NEED(2);
            b = TOP;
            m->sp--;
            if (b == 0)
                return VM_ERR_DIV_ZERO;
            if (b == -1)
                TOP = op == OP_DIV ? wrap(0u - (uint64_t)TOP) : 0;
            else
                TOP = op == OP_DIV ? TOP / b : TOP % b;
            break;
        case OP_NEG: NEED(1); TOP = wrap(0u - (uint64_t)TOP); break;
        case OP_INC: NEED(1); TOP = wrap((uint64_t)TOP + 1u); break;
        case OP_DEC: NEED(1); TOP = wrap((uint64_t)TOP - 1u); break;
        case OP_AND: NEED(2); b = TOP; m->sp--; TOP &= b; break;
        case OP_OR: NEED(2); b = TOP; m->sp--; TOP |= b; break;
        case OP_XOR: NEED(2); b = TOP; m->sp--; TOP ^= b; break;
        case OP_NOT: NEED(1); TOP = ~TOP; break;
        case OP_SHL: NEED(2); b = TOP; m->sp--; TOP = wrap((uint64_t)TOP << ((uint64_t)b & 63u)); break;
        case OP_SHR: NEED(2); b = TOP; m->sp--; TOP = wrap((uint64_t)TOP >> ((uint64_t)b & 63u)); break;
        case OP_SAR:
            NEED(2);
            b = TOP & 63;
            m->sp--;
            TOP = TOP < 0 ? ~wrap(~(uint64_t)TOP >> b) : wrap((uint64_t)TOP >> b);
            break;
        case OP_EQ: NEED(2); b = TOP; m->sp--; TOP = TOP == b; break;
        case OP_NE: NEED(2); b = TOP; m->sp--; TOP = TOP != b; break;
        case OP_LT: NEED(2); b = TOP; m->sp--; TOP = TOP < b; break;
        case OP_LE: NEED(2); b = TOP; m->sp--; TOP = TOP <= b; break;
        case OP_GT: NEED(2); b = TOP; m->sp--; TOP = TOP > b; break;
        case OP_GE: NEED(2); b = TOP; m->sp--; TOP = TOP >= b; break;
        case OP_LTU: NEED(2); b = TOP; m->sp--; TOP = (uint64_t)TOP < (uint64_t)b; break;
        case OP_LNOT: NEED(1); TOP = !TOP; break;
        case OP_JMP: m->pc = read_u32(o); break;
        case OP_JZ:
            NEED(1);
            if (m->stack[--m->sp] == 0)
                m->pc = read_u32(o);
            break;
        case OP_JNZ:
            NEED(1);
            if (m->stack[--m->sp] != 0)
                m->pc = read_u32(o);
            break;
        case OP_JLT:
        case OP_JGE:
            NEED(2);
            b = m->stack[--m->sp];
            a = m->stack[--m->sp];
            if ((a < b) == (op == OP_JLT))
                m->pc = read_u32(o);
            break;
        case OP_LOOP: { /* decrement local; jump while it stays positive */
            int slot = o[0];
            if (m->fp + slot >= m->sp)
                return VM_ERR_STACK_UNDERFLOW;
            int64_t *v = &m->stack[m->fp + slot];
            *v = wrap((uint64_t)*v - 1u);
            if (*v > 0)
                m->pc = read_u32(o + 1);
            break;
        }
        case OP_CALL: {
            int nargs = o[4];
            NEED(nargs);
            if (m->nframes >= FRAMES_MAX)
                return VM_ERR_CALL_DEPTH;
            m->frames[m->nframes].ret = m->pc;
            m->frames[m->nframes].fp = m->fp;
            m->nframes++;
            m->fp = m->sp - nargs;
            m->pc = read_u32(o);
            break;
        }
        case OP_RET:
            NEED(1);
            a = TOP;
            if (m->nframes == 0)
                return VM_ERR_STACK_UNDERFLOW;
            m->sp = m->fp;
            m->nframes--;
            m->fp = m->frames[m->nframes].fp;
            m->pc = m->frames[m->nframes].ret;
            m->stack[m->sp++] = a;
            break;
        case OP_ENTER: {
            int n = o[0];
            ROOM(n);
            for (int i = 0; i < n; i++)
                m->stack[m->sp++] = 0;
            break;
        }
        case OP_LLOAD:
            if (m->fp + o[0] >= m->sp)
                return VM_ERR_STACK_UNDERFLOW;
            ROOM(1);
            m->stack[m->sp] = m->stack[m->fp + o[0]];
            m->sp++;
            break;
        case OP_LSTORE:
            NEED(1);
            if (m->fp + o[0] >= m->sp - 1)
                return VM_ERR_STACK_UNDERFLOW;
            m->stack[m->fp + o[0]] = m->stack[--m->sp];
            break;
        case OP_LINC:
            if (m->fp + o[0] >= m->sp)
                return VM_ERR_STACK_UNDERFLOW;
            m->stack[m->fp + o[0]] = wrap((uint64_t)m->stack[m->fp + o[0]] + 1u);
            break;
        case OP_LADD:
            NEED(1);
            if (m->fp + o[0] >= m->sp - 1)
                return VM_ERR_STACK_UNDERFLOW;
            b = m->stack[--m->sp];
            m->stack[m->fp + o[0]] = wrap((uint64_t)m->stack[m->fp + o[0]] + (uint64_t)b);
            break;
        case OP_LOAD:
            NEED(1);
            if (TOP < 0 || TOP >= DATA_WORDS)
                return VM_ERR_MEMORY;
            TOP = m->mem[TOP];
            break;
        case OP_STORE: /* value addr -> */
            NEED(2);
            a = TOP;
            b = SECOND;
            m->sp -= 2;
            if (a < 0 || a >= DATA_WORDS)
                return VM_ERR_MEMORY;
            m->mem[a] = b;
            break;
        case OP_GLOAD:
            ROOM(1);
            a = read_u32(o);
            if (a >= DATA_WORDS)
                return VM_ERR_MEMORY;
            m->stack[m->sp++] = m->mem[a];
            break;
        case OP_GSTORE:
            NEED(1);
            a = read_u32(o);
            if (a >= DATA_WORDS)
                return VM_ERR_MEMORY;
            m->mem[a] = m->stack[--m->sp];
            break;
        case OP_PRINT:
            NEED(1);
            snprintf(num, sizeof num, "%lld", (long long)m->stack[--m->sp]);
            out_str(m, num);
            break;
        case OP_PRINTC:
            NEED(1);
            out_char(m, m->stack[--m->sp]);
            break;
        case OP_PRINTNL: out_char(m, '\n'); break;
        case OP_MIN: NEED(2); b = TOP; m->sp--; if (b < TOP) TOP = b; break;
        case OP_MAX: NEED(2); b = TOP; m->sp--; if (b > TOP) TOP = b; break;
        case OP_ABS: NEED(1); if (TOP < 0) TOP = wrap(0u - (uint64_t)TOP); break;
        case OP_ASSERT:
            NEED(1);
            if (m->stack[--m->sp] == 0)
                return VM_ERR_ASSERT;
            break;
        case OP_HASH: /* a b -> (a ^ b) * FNV prime, on 32 bits */
            NEED(2);
            b = TOP;
            m->sp--;
            TOP = (int64_t)((((uint64_t)TOP ^ (uint64_t)b) * 16777619u) & 0xFFFFFFFFu);
            break;
        case OP_SELECT: /* cond a b -> cond ? a : b */
            NEED(3);
            c = TOP;
            b = SECOND;
            a = m->stack[m->sp - 3];
            m->sp -= 2;
            TOP = a ? b : c;
            break;
        case OP_TRAP:
            m->trap_code = (int32_t)(read_u32(o) & 0x7FFFFFFFu);
            return VM_ERR_TRAP;
        case OP_COUNT:
        default: return VM_ERR_BAD_OPCODE;
        }
    }
}
