/* bcvm.c - virtual machine for compiled minilang bytecode: a value
 * stack, a locals area carved into per-call frames, bounds-checked global
 * arrays, and the same error semantics as the tree-walking interpreter. */
#include <string.h>

#include "ml.h"

#define VSTACK 4096
#define LOCALS 65536
#define MAX_DEPTH 200

typedef struct {
    int64_t stack[VSTACK];
    int sp;
    int64_t locals[LOCALS];
    int locals_top;
    struct {
        int ret;
        int base;
        int nlocals;
    } frames[MAX_DEPTH];
    int depth;
    int64_t globals[4096];
} bc_machine;

static bc_machine mach;

#define POP() (m->stack[--m->sp])
#define PUSH(v)                                                                                    \
    do {                                                                                           \
        if (m->sp >= VSTACK) {                                                                     \
            out_fail(o, "value stack overflow");                                                   \
            return;                                                                                \
        }                                                                                          \
        m->stack[m->sp++] = (v);                                                                   \
    } while (0)

void ml_run_bytecode(const ml_program *p, const ml_bytecode *bc, ml_output *o, uint64_t max_steps)
{
    bc_machine *m = &mach;
    m->sp = 0;
    m->locals_top = 0;
    m->depth = 0;
    memset(m->globals, 0, sizeof m->globals);
    out_reset(o);
    if (p->global_words > 4096) {
        out_fail(o, "globals too large");
        return;
    }
    int pc = bc->entry;
    int base = 0;
    for (;;) {
        if (++o->steps > max_steps) {
            out_fail(o, "step limit reached");
            return;
        }
        if (pc < 0 || pc >= bc->len) {
            out_fail(o, "pc out of range");
            return;
        }
        int64_t op = bc->code[pc];
        int64_t a = pc + 1 < bc->len ? bc->code[pc + 1] : 0;
        int64_t x, y;
        switch (op) {
        case BC_CONST:
            PUSH(a);
            pc += 2;
            break;
        case BC_LOADL:
            PUSH(m->locals[base + a]);
            pc += 2;
            break;
        case BC_STOREL:
            m->locals[base + a] = POP();
            pc += 2;
            break;
        case BC_LOADG:
            PUSH(m->globals[a]);
            pc += 2;
            break;
        case BC_STOREG:
            m->globals[a] = POP();
            pc += 2;
            break;
        case BC_LOADA: {
            const ml_global *g = &p->globals[a];
            x = POP();
            if (x < 0 || x >= g->length) {
                out_fail(o, "index out of range");
                return;
            }
            PUSH(m->globals[g->offset + x]);
            pc += 2;
            break;
        }
        case BC_STOREA: {
            const ml_global *g = &p->globals[a];
            y = POP();
            x = POP();
            if (x < 0 || x >= g->length) {
                out_fail(o, "index out of range");
                return;
            }
            m->globals[g->offset + x] = y;
            pc += 2;
            break;
        }
        case BC_BIN:
            y = POP();
            x = POP();
            x = ml_binop((int)a, x, y, o);
            if (o->error)
                return;
            PUSH(x);
            pc += 2;
            break;
        case BC_NEG:
            x = POP();
            PUSH(ml_binop(TK_MINUS, 0, x, o));
            pc++;
            break;
        case BC_NOT:
            x = POP();
            PUSH(!x);
            pc++;
            break;
        case BC_JMP: pc = (int)a; break;
        case BC_JZ:
            x = POP();
            pc = x == 0 ? (int)a : pc + 2;
            break;
        case BC_JNZ:
            x = POP();
            pc = x != 0 ? (int)a : pc + 2;
            break;
        case BC_CALL: {
            int f = (int)a, nargs = (int)bc->code[pc + 2];
            const ml_func *fn = &p->funcs[f];
            if (m->depth >= MAX_DEPTH) {
                out_fail(o, "call depth exceeded");
                return;
            }
            if (m->locals_top + fn->nlocals > LOCALS) {
                out_fail(o, "out of frame memory");
                return;
            }
            int nb = m->locals_top;
            for (int i = nargs; i < fn->nlocals; i++)
                m->locals[nb + i] = 0;
            for (int i = nargs - 1; i >= 0; i--)
                m->locals[nb + i] = POP();
            m->frames[m->depth].ret = pc + 3;
            m->frames[m->depth].base = base;
            m->frames[m->depth].nlocals = fn->nlocals;
            m->depth++;
            m->locals_top += fn->nlocals;
            base = nb;
            pc = bc->func_start[f];
            break;
        }
        case BC_RET:
            x = POP();
            m->depth--;
            m->locals_top -= m->frames[m->depth].nlocals;
            base = m->frames[m->depth].base;
            pc = m->frames[m->depth].ret;
            PUSH(x);
            break;
        case BC_POP:
            m->sp--;
            pc++;
            break;
        case BC_DUP:
            x = m->stack[m->sp - 1];
            PUSH(x);
            pc++;
            break;
        case BC_PRINTI:
            x = POP();
            if (a)
                out_str(o, " ");
            out_int(o, x);
            pc += 2;
            break;
        case BC_PRINTS:
            if (bc->code[pc + 2])
                out_str(o, " ");
            out_str(o, p->strings[a]);
            pc += 3;
            break;
        case BC_PRINTNL:
            out_str(o, "\n");
            pc++;
            break;
        case BC_HALT: return;
        default: out_fail(o, "bad opcode"); return;
        }
    }
}
