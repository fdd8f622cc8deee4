/* codegen.c - compiles an analysed minilang AST to stack bytecode:
 * expression trees to postfix code, short-circuit && and || with jumps,
 * structured control flow with back-patched break/continue lists, and a
 * small disassembler. */
#include <stdio.h>
#include <string.h>

#include "ml.h"

#define MAX_LOOPS 32
#define MAX_PATCHES 64

typedef struct {
    int breaks[MAX_PATCHES], nbreaks;
    int continues[MAX_PATCHES], ncontinues;
} loop_ctx;

typedef struct {
    const ml_program *p;
    ml_bytecode *bc;
    loop_ctx loops[MAX_LOOPS];
    int nloops;
    int failed;
} compiler;

static void cfail(compiler *c, const char *msg)
{
    if (!c->failed) {
        c->failed = 1;
        snprintf(c->bc->error, sizeof c->bc->error, "%s", msg);
    }
}

static int emit(compiler *c, int64_t word)
{
    if (c->bc->len >= BC_MAX) {
        cfail(c, "bytecode too large");
        return BC_MAX - 1;
    }
    c->bc->code[c->bc->len] = word;
    return c->bc->len++;
}

static int emit1(compiler *c, int op, int64_t a)
{
    int at = emit(c, op);
    emit(c, a);
    return at;
}

/* emits a jump and returns the index of its target operand */
static int emit_jump(compiler *c, int op)
{
    emit(c, op);
    return emit(c, -1);
}

static void patch(compiler *c, int operand_at, int target)
{
    if (operand_at >= 0 && operand_at < BC_MAX)
        c->bc->code[operand_at] = target;
}

static void gen_expr(compiler *c, int e);

static void gen_load_var(compiler *c, const ml_node *n)
{
    if (n->is_global)
        emit1(c, BC_LOADG, c->p->globals[n->slot].offset);
    else
        emit1(c, BC_LOADL, n->slot);
}

static void gen_store_var(compiler *c, const ml_node *n)
{
    if (n->is_global)
        emit1(c, BC_STOREG, c->p->globals[n->slot].offset);
    else
        emit1(c, BC_STOREL, n->slot);
}

static void gen_expr(compiler *c, int e)
{
    const ml_node *n = &c->p->nodes[e];
    switch (n->kind) {
    case N_NUM: emit1(c, BC_CONST, n->value); return;
    case N_VAR: gen_load_var(c, n); return;
    case N_INDEX:
        gen_expr(c, n->a);
        emit1(c, BC_LOADA, n->slot);
        return;
    case N_CALL:
        for (int a = n->a; a >= 0; a = c->p->nodes[a].next)
            gen_expr(c, a);
        emit(c, BC_CALL);
        emit(c, n->slot);
        emit(c, n->value);
        return;
    case N_UNARY:
        gen_expr(c, n->a);
        emit(c, n->op == TK_MINUS ? BC_NEG : BC_NOT);
        return;
    case N_BINARY:
        if (n->op == TK_ANDAND || n->op == TK_OROR) {
            /* a && b: a; jz F; b; jz F; 1; jmp E; F: 0; E:
             * a || b: a; jnz T; b; jnz T; 0; jmp E; T: 1; E: */
            int jop = n->op == TK_ANDAND ? BC_JZ : BC_JNZ;
            gen_expr(c, n->a);
            int j1 = emit_jump(c, jop);
            gen_expr(c, n->b);
            int j2 = emit_jump(c, jop);
            emit1(c, BC_CONST, n->op == TK_ANDAND ? 1 : 0);
            int j3 = emit_jump(c, BC_JMP);
            patch(c, j1, c->bc->len);
            patch(c, j2, c->bc->len);
            emit1(c, BC_CONST, n->op == TK_ANDAND ? 0 : 1);
            patch(c, j3, c->bc->len);
            return;
        }
        gen_expr(c, n->a);
        gen_expr(c, n->b);
        emit1(c, BC_BIN, n->op);
        return;
    default: cfail(c, "cannot compile expression"); return;
    }
}

static void gen_stmt(compiler *c, int st);

static void gen_assign(compiler *c, const ml_node *n)
{
    const ml_node *t = &c->p->nodes[n->a];
    if (t->kind == N_INDEX) {
        gen_expr(c, t->a);
        if (n->op != TK_ASSIGN) {
            emit(c, BC_DUP);
            emit1(c, BC_LOADA, t->slot);
            gen_expr(c, n->b);
            emit1(c, BC_BIN, n->op);
        } else {
            gen_expr(c, n->b);
        }
        emit1(c, BC_STOREA, t->slot);
        return;
    }
    if (n->op != TK_ASSIGN) {
        gen_load_var(c, t);
        gen_expr(c, n->b);
        emit1(c, BC_BIN, n->op);
    } else {
        gen_expr(c, n->b);
    }
    gen_store_var(c, t);
}

static loop_ctx *push_loop(compiler *c)
{
    if (c->nloops >= MAX_LOOPS) {
        cfail(c, "loops nested too deeply");
        return &c->loops[MAX_LOOPS - 1];
    }
    loop_ctx *l = &c->loops[c->nloops++];
    l->nbreaks = l->ncontinues = 0;
    return l;
}

static void pop_loop(compiler *c, int continue_target, int break_target)
{
    loop_ctx *l = &c->loops[c->nloops - 1];
    for (int i = 0; i < l->nbreaks; i++)
        patch(c, l->breaks[i], break_target);
    for (int i = 0; i < l->ncontinues; i++)
        patch(c, l->continues[i], continue_target);
    c->nloops--;
}

static void gen_stmt(compiler *c, int st)
{
    if (st < 0 || c->failed)
        return;
    const ml_node *n = &c->p->nodes[st];
    switch (n->kind) {
    case N_VARDECL:
        if (n->a >= 0)
            gen_expr(c, n->a);
        else
            emit1(c, BC_CONST, 0);
        emit1(c, BC_STOREL, n->slot);
        return;
    case N_ASSIGN: gen_assign(c, n); return;
    case N_EXPRSTMT:
        gen_expr(c, n->a);
        emit(c, BC_POP);
        return;
    case N_PRINT: {
        int sep = 0;
        for (int a = n->a; a >= 0; a = c->p->nodes[a].next) {
            const ml_node *arg = &c->p->nodes[a];
            if (arg->kind == N_STRING) {
                emit(c, BC_PRINTS);
                emit(c, arg->slot);
                emit(c, sep);
            } else {
                gen_expr(c, a);
                emit1(c, BC_PRINTI, sep);
            }
            sep = 1;
        }
        emit(c, BC_PRINTNL);
        return;
    }
    case N_RETURN:
        if (n->a >= 0)
            gen_expr(c, n->a);
        else
            emit1(c, BC_CONST, 0);
        emit(c, BC_RET);
        return;
    case N_BREAK:
    case N_CONTINUE: {
        loop_ctx *l = &c->loops[c->nloops - 1];
        int j = emit_jump(c, BC_JMP);
        if (n->kind == N_BREAK && l->nbreaks < MAX_PATCHES)
            l->breaks[l->nbreaks++] = j;
        else if (n->kind == N_CONTINUE && l->ncontinues < MAX_PATCHES)
            l->continues[l->ncontinues++] = j;
        else
            cfail(c, "too many break/continue statements");
        return;
    }
    case N_IF: {
        gen_expr(c, n->a);
        int jelse = emit_jump(c, BC_JZ);
        gen_stmt(c, n->b);
        if (n->c >= 0) {
            int jend = emit_jump(c, BC_JMP);
            patch(c, jelse, c->bc->len);
            gen_stmt(c, n->c);
            patch(c, jend, c->bc->len);
        } else {
            patch(c, jelse, c->bc->len);
        }
        return;
    }
    case N_WHILE: {
        int top = c->bc->len;
        gen_expr(c, n->a);
        int jexit = emit_jump(c, BC_JZ);
        push_loop(c);
        gen_stmt(c, n->b);
        emit1(c, BC_JMP, top);
        patch(c, jexit, c->bc->len);
        pop_loop(c, top, c->bc->len);
        return;
    }
    case N_FOR: {
        gen_stmt(c, n->a);
        int top = c->bc->len, jexit = -1;
        if (n->b >= 0) {
            gen_expr(c, n->b);
            jexit = emit_jump(c, BC_JZ);
        }
        push_loop(c);
        gen_stmt(c, n->d);
        int cont = c->bc->len;
        gen_stmt(c, n->c);
        emit1(c, BC_JMP, top);
        if (jexit >= 0)
            patch(c, jexit, c->bc->len);
        pop_loop(c, cont, c->bc->len);
        return;
    }
    case N_BLOCK:
        for (int s = n->a; s >= 0; s = c->p->nodes[s].next)
            gen_stmt(c, s);
        return;
    default: cfail(c, "cannot compile statement"); return;
    }
}

int ml_compile(const ml_program *p, ml_bytecode *bc)
{
    compiler c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.bc = bc;
    bc->len = 0;
    bc->error[0] = '\0';
    int mainf = -1;
    for (int f = 0; f < p->nfuncs; f++)
        if (strcmp(p->funcs[f].name, "main") == 0)
            mainf = f;
    bc->entry = 0;
    emit(&c, BC_CALL);
    emit(&c, mainf);
    emit(&c, 0);
    emit(&c, BC_POP);
    emit(&c, BC_HALT);
    for (int f = 0; f < p->nfuncs && !c.failed; f++) {
        bc->func_start[f] = bc->len;
        gen_stmt(&c, p->nodes[p->funcs[f].node].b);
        emit1(&c, BC_CONST, 0); /* implicit "return 0" */
        emit(&c, BC_RET);
    }
    return !c.failed;
}

int ml_disasm(const ml_bytecode *bc, int pc, char *buf, size_t cap)
{
    static const char *const names[BC_COUNT] = {
        "const", "loadl", "storel", "loadg", "storeg", "loada", "storea", "bin", "neg", "not",
        "jmp", "jz", "jnz", "call", "ret", "pop", "dup", "printi", "prints", "printnl", "halt"};
    static const int sizes[BC_COUNT] = {2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2, 2, 2, 3, 1, 1, 1, 2, 3, 1, 1};
    if (pc < 0 || pc >= bc->len) {
        snprintf(buf, cap, "%5d: <end>", pc);
        return 0;
    }
    int64_t op = bc->code[pc];
    if (op < 0 || op >= BC_COUNT) {
        snprintf(buf, cap, "%5d: ???", pc);
        return 1;
    }
    int size = sizes[op];
    if (pc + size > bc->len)
        size = bc->len - pc;
    if (op == BC_BIN && size == 2)
        snprintf(buf, cap, "%5d: %-7s %s", pc, names[op], tok_name((tok_type)bc->code[pc + 1]));
    else if (size == 3)
        snprintf(buf, cap, "%5d: %-7s %lld, %lld", pc, names[op], (long long)bc->code[pc + 1],
                 (long long)bc->code[pc + 2]);
    else if (size == 2)
        snprintf(buf, cap, "%5d: %-7s %lld", pc, names[op], (long long)bc->code[pc + 1]);
    else
        snprintf(buf, cap, "%5d: %s", pc, names[op]);
    return size;
}
