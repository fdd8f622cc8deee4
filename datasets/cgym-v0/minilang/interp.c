/* interp.c - tree-walking interpreter for analysed minilang programs.
 * Control flow is propagated with flow codes; frames live on a private
 * stack of 64-bit slots. */
#include <string.h>

#include "ml.h"

#define FRAME_WORDS 65536
#define MAX_DEPTH 200

enum { FLOW_NORMAL, FLOW_RETURN, FLOW_BREAK, FLOW_CONTINUE, FLOW_ERROR };

typedef struct {
    const ml_program *p;
    ml_output *o;
    int64_t *globals;
    int64_t frames[FRAME_WORDS];
    int frame_top;
    int depth;
    uint64_t max_steps;
} interp;

static int step(interp *in)
{
    if (++in->o->steps > in->max_steps) {
        out_fail(in->o, "step limit reached");
        return 0;
    }
    return 1;
}

static int64_t eval(interp *in, int e, int64_t *frame);
static int exec(interp *in, int st, int64_t *frame, int64_t *ret);

static int64_t call_function(interp *in, int f, const int64_t *args, int nargs)
{
    const ml_func *fn = &in->p->funcs[f];
    if (in->depth >= MAX_DEPTH) {
        out_fail(in->o, "call depth exceeded");
        return 0;
    }
    if (in->frame_top + fn->nlocals > FRAME_WORDS) {
        out_fail(in->o, "out of frame memory");
        return 0;
    }
    int64_t *frame = in->frames + in->frame_top;
    for (int i = 0; i < fn->nlocals; i++)
        frame[i] = i < nargs ? args[i] : 0;
    in->frame_top += fn->nlocals;
    in->depth++;
    int64_t ret = 0;
    int flow = exec(in, in->p->nodes[fn->node].b, frame, &ret);
    in->depth--;
    in->frame_top -= fn->nlocals;
    return flow == FLOW_RETURN ? ret : 0;
}

static int64_t *array_cell(interp *in, const ml_node *n, int64_t index)
{
    const ml_global *g = &in->p->globals[n->slot];
    if (index < 0 || index >= g->length) {
        out_fail(in->o, "index out of range");
        return NULL;
    }
    return &in->globals[g->offset + index];
}

static int64_t eval(interp *in, int e, int64_t *frame)
{
    if (in->o->error || !step(in))
        return 0;
    const ml_node *n = &in->p->nodes[e];
    switch (n->kind) {
    case N_NUM: return n->value;
    case N_VAR: return n->is_global ? in->globals[in->p->globals[n->slot].offset] : frame[n->slot];
    case N_INDEX: {
        int64_t idx = eval(in, n->a, frame);
        if (in->o->error)
            return 0;
        int64_t *cell = array_cell(in, n, idx);
        return cell ? *cell : 0;
    }
    case N_CALL: {
        int64_t args[16];
        int nargs = 0;
        for (int a = n->a; a >= 0 && nargs < 16; a = in->p->nodes[a].next) {
            args[nargs++] = eval(in, a, frame);
            if (in->o->error)
                return 0;
        }
        return call_function(in, n->slot, args, nargs);
    }
    case N_UNARY: {
        int64_t v = eval(in, n->a, frame);
        if (n->op == TK_MINUS)
            return ml_binop(TK_MINUS, 0, v, in->o);
        return !v;
    }
    case N_BINARY: {
        int64_t a = eval(in, n->a, frame);
        if (in->o->error)
            return 0;
        if (n->op == TK_ANDAND)
            return a ? eval(in, n->b, frame) != 0 : 0;
        if (n->op == TK_OROR)
            return a ? 1 : eval(in, n->b, frame) != 0;
        int64_t b = eval(in, n->b, frame);
        if (in->o->error)
            return 0;
        return ml_binop(n->op, a, b, in->o);
    }
    default: out_fail(in->o, "bad expression"); return 0;
    }
}

/* Evaluation order matches the bytecode compiler: the index first; for
 * compound operators the old value is read (bounds-checked) before the
 * right-hand side is evaluated, for plain '=' the bounds are checked after. */
static int assign(interp *in, const ml_node *n, int64_t *frame)
{
    const ml_node *target = &in->p->nodes[n->a];
    int64_t *cell = NULL, idx = 0, old = 0;
    if (target->kind == N_INDEX) {
        idx = eval(in, target->a, frame);
        if (in->o->error)
            return FLOW_ERROR;
        if (n->op != TK_ASSIGN) {
            cell = array_cell(in, target, idx);
            if (!cell)
                return FLOW_ERROR;
            old = *cell;
        }
    } else {
        cell = target->is_global ? &in->globals[in->p->globals[target->slot].offset]
                                 : &frame[target->slot];
        old = *cell;
    }
    int64_t v = eval(in, n->b, frame);
    if (in->o->error)
        return FLOW_ERROR;
    if (!cell) {
        cell = array_cell(in, target, idx);
        if (!cell)
            return FLOW_ERROR;
    }
    *cell = n->op == TK_ASSIGN ? v : ml_binop(n->op, old, v, in->o);
    return in->o->error ? FLOW_ERROR : FLOW_NORMAL;
}

static int exec(interp *in, int st, int64_t *frame, int64_t *ret)
{
    if (st < 0)
        return FLOW_NORMAL;
    if (in->o->error || !step(in))
        return FLOW_ERROR;
    const ml_node *n = &in->p->nodes[st];
    int flow;
    switch (n->kind) {
    case N_VARDECL:
        frame[n->slot] = n->a >= 0 ? eval(in, n->a, frame) : 0;
        return in->o->error ? FLOW_ERROR : FLOW_NORMAL;
    case N_ASSIGN: return assign(in, n, frame);
    case N_EXPRSTMT:
        eval(in, n->a, frame);
        return in->o->error ? FLOW_ERROR : FLOW_NORMAL;
    case N_PRINT: {
        int first = 1;
        for (int a = n->a; a >= 0; a = in->p->nodes[a].next) {
            if (in->p->nodes[a].kind == N_STRING) {
                if (!first)
                    out_str(in->o, " ");
                out_str(in->o, in->p->strings[in->p->nodes[a].slot]);
            } else {
                int64_t v = eval(in, a, frame); /* evaluated before the separator, as in the VM */
                if (in->o->error)
                    return FLOW_ERROR;
                if (!first)
                    out_str(in->o, " ");
                out_int(in->o, v);
            }
            first = 0;
        }
        out_str(in->o, "\n");
        return FLOW_NORMAL;
    }
    case N_RETURN:
        *ret = n->a >= 0 ? eval(in, n->a, frame) : 0;
        return in->o->error ? FLOW_ERROR : FLOW_RETURN;
    case N_BREAK: return FLOW_BREAK;
    case N_CONTINUE: return FLOW_CONTINUE;
    case N_IF: {
        int64_t c = eval(in, n->a, frame);
        if (in->o->error)
            return FLOW_ERROR;
        return exec(in, c ? n->b : n->c, frame, ret);
    }
    case N_WHILE:
        for (;;) {
            int64_t c = eval(in, n->a, frame);
            if (in->o->error)
                return FLOW_ERROR;
            if (!c)
                return FLOW_NORMAL;
            flow = exec(in, n->b, frame, ret);
            if (flow == FLOW_BREAK)
                return FLOW_NORMAL;
            if (flow == FLOW_RETURN || flow == FLOW_ERROR)
                return flow;
        }
    case N_FOR:
        flow = exec(in, n->a, frame, ret);
        if (flow == FLOW_ERROR)
            return flow;
        for (;;) {
            if (n->b >= 0) {
                int64_t c = eval(in, n->b, frame);
                if (in->o->error)
                    return FLOW_ERROR;
                if (!c)
                    return FLOW_NORMAL;
            }
            flow = exec(in, n->d, frame, ret);
            if (flow == FLOW_BREAK)
                return FLOW_NORMAL;
            if (flow == FLOW_RETURN || flow == FLOW_ERROR)
                return flow;
            if (exec(in, n->c, frame, ret) == FLOW_ERROR)
                return FLOW_ERROR;
        }
    case N_BLOCK:
        for (int c = n->a; c >= 0; c = in->p->nodes[c].next) {
            flow = exec(in, c, frame, ret);
            if (flow != FLOW_NORMAL)
                return flow;
        }
        return FLOW_NORMAL;
    default: out_fail(in->o, "bad statement"); return FLOW_ERROR;
    }
}

static interp the_interp;
static int64_t global_mem[4096];

void ml_interpret(const ml_program *p, ml_output *o, uint64_t max_steps)
{
    interp *in = &the_interp;
    in->p = p;
    in->o = o;
    in->globals = global_mem;
    in->frame_top = 0;
    in->depth = 0;
    in->max_steps = max_steps;
    memset(global_mem, 0, sizeof global_mem);
    out_reset(o);
    if (p->global_words > 4096) {
        out_fail(o, "globals too large");
        return;
    }
    for (int f = 0; f < p->nfuncs; f++)
        if (strcmp(p->funcs[f].name, "main") == 0) {
            call_function(in, f, NULL, 0);
            return;
        }
}
