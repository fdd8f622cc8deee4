/* sema.c - semantic analysis for minilang: declares globals and
 * functions, resolves every variable to a local slot (with block scoping)
 * or a global, checks call arity, array/scalar use and loop-only
 * statements, and computes each function's frame size. */
#include <stdio.h>
#include <string.h>

#include "ml.h"

#define MAX_SCOPE 256

typedef struct {
    ml_program *p;
    struct {
        char name[NAME_LEN];
        int slot;
        int depth;
    } vars[MAX_SCOPE];
    int nvars;
    int depth;
    int next_slot;
    int max_slot;
    int loop_depth;
    int failed;
} sema;

static void sema_error(sema *s, int line, const char *fmt, const char *name)
{
    if (s->failed)
        return;
    s->failed = 1;
    s->p->error_line = line;
    snprintf(s->p->error, sizeof s->p->error, fmt, name);
}

static int find_global(const ml_program *p, const char *name)
{
    for (int i = 0; i < p->nglobals; i++)
        if (strcmp(p->globals[i].name, name) == 0)
            return i;
    return -1;
}

static int find_func(const ml_program *p, const char *name)
{
    for (int i = 0; i < p->nfuncs; i++)
        if (strcmp(p->funcs[i].name, name) == 0)
            return i;
    return -1;
}

static int declare_local(sema *s, int node)
{
    ml_node *n = &s->p->nodes[node];
    for (int i = s->nvars - 1; i >= 0 && s->vars[i].depth == s->depth; i--)
        if (strcmp(s->vars[i].name, n->name) == 0) {
            sema_error(s, n->line, "'%s' declared twice in the same scope", n->name);
            return -1;
        }
    if (s->nvars >= MAX_SCOPE) {
        sema_error(s, n->line, "too many variables near '%s'", n->name);
        return -1;
    }
    snprintf(s->vars[s->nvars].name, NAME_LEN, "%s", n->name);
    s->vars[s->nvars].slot = s->next_slot;
    s->vars[s->nvars].depth = s->depth;
    s->nvars++;
    n->slot = s->next_slot++;
    n->is_global = 0;
    if (s->next_slot > s->max_slot)
        s->max_slot = s->next_slot;
    return n->slot;
}

static void enter_scope(sema *s) { s->depth++; }

static void leave_scope(sema *s, int saved_nvars, int saved_slot)
{
    s->depth--;
    s->nvars = saved_nvars;
    s->next_slot = saved_slot; /* slots of dead variables are reused */
}

static void resolve_expr(sema *s, int e);
static void resolve_stmt(sema *s, int st);

static void resolve_name(sema *s, ml_node *n, int want_array)
{
    if (!want_array)
        for (int i = s->nvars - 1; i >= 0; i--)
            if (strcmp(s->vars[i].name, n->name) == 0) {
                n->slot = s->vars[i].slot;
                n->is_global = 0;
                return;
            }
    int g = find_global(s->p, n->name);
    if (g < 0) {
        sema_error(s, n->line, want_array ? "unknown array '%s'" : "unknown variable '%s'", n->name);
        return;
    }
    if ((s->p->globals[g].length > 0) != want_array) {
        sema_error(s, n->line, want_array ? "'%s' is not an array" : "array '%s' used as a scalar",
                   n->name);
        return;
    }
    n->slot = g;
    n->is_global = 1;
}

static void resolve_expr(sema *s, int e)
{
    if (e < 0 || s->failed)
        return;
    ml_node *n = &s->p->nodes[e];
    switch (n->kind) {
    case N_NUM:
    case N_STRING: return;
    case N_VAR: resolve_name(s, n, 0); return;
    case N_INDEX:
        resolve_name(s, n, 1);
        resolve_expr(s, n->a);
        return;
    case N_CALL: {
        int f = find_func(s->p, n->name);
        if (f < 0) {
            sema_error(s, n->line, "unknown function '%s'", n->name);
            return;
        }
        if (s->p->funcs[f].nparams != n->value) {
            sema_error(s, n->line, "wrong number of arguments to '%s'", n->name);
            return;
        }
        n->slot = f;
        for (int a = n->a; a >= 0; a = s->p->nodes[a].next)
            resolve_expr(s, a);
        return;
    }
    case N_UNARY: resolve_expr(s, n->a); return;
    case N_BINARY:
        resolve_expr(s, n->a);
        resolve_expr(s, n->b);
        return;
    default: sema_error(s, n->line, "internal error: statement used as expression%s", ""); return;
    }
}

static void resolve_stmt(sema *s, int st)
{
    if (st < 0 || s->failed)
        return;
    ml_node *n = &s->p->nodes[st];
    int saved_nvars, saved_slot;
    switch (n->kind) {
    case N_VARDECL:
        resolve_expr(s, n->a); /* initialiser sees the outer binding */
        declare_local(s, st);
        return;
    case N_ASSIGN:
        resolve_expr(s, n->a);
        resolve_expr(s, n->b);
        return;
    case N_EXPRSTMT: resolve_expr(s, n->a); return;
    case N_PRINT:
        for (int a = n->a; a >= 0; a = s->p->nodes[a].next)
            resolve_expr(s, a);
        return;
    case N_RETURN: resolve_expr(s, n->a); return;
    case N_BREAK:
    case N_CONTINUE:
        if (s->loop_depth == 0)
            sema_error(s, n->line, "'%s' outside of a loop", n->kind == N_BREAK ? "break" : "continue");
        return;
    case N_IF:
        resolve_expr(s, n->a);
        saved_nvars = s->nvars;
        saved_slot = s->next_slot;
        enter_scope(s);
        resolve_stmt(s, n->b);
        leave_scope(s, saved_nvars, saved_slot);
        enter_scope(s);
        resolve_stmt(s, n->c);
        leave_scope(s, saved_nvars, saved_slot);
        return;
    case N_WHILE:
        resolve_expr(s, n->a);
        saved_nvars = s->nvars;
        saved_slot = s->next_slot;
        enter_scope(s);
        s->loop_depth++;
        resolve_stmt(s, n->b);
        s->loop_depth--;
        leave_scope(s, saved_nvars, saved_slot);
        return;
    case N_FOR:
        saved_nvars = s->nvars;
        saved_slot = s->next_slot;
        enter_scope(s);
        resolve_stmt(s, n->a);
        resolve_expr(s, n->b);
        resolve_stmt(s, n->c);
        s->loop_depth++;
        enter_scope(s);
        resolve_stmt(s, n->d);
        s->depth--;
        s->loop_depth--;
        leave_scope(s, saved_nvars, saved_slot);
        return;
    case N_BLOCK:
        saved_nvars = s->nvars;
        saved_slot = s->next_slot;
        enter_scope(s);
        for (int c = n->a; c >= 0; c = s->p->nodes[c].next)
            resolve_stmt(s, c);
        leave_scope(s, saved_nvars, saved_slot);
        return;
    default: sema_error(s, n->line, "internal error: expression used as statement%s", ""); return;
    }
}

int ml_analyze(ml_program *p)
{
    sema s;
    memset(&s, 0, sizeof s);
    s.p = p;
    /* pass 1: declarations */
    for (int it = p->first_item; it >= 0 && !s.failed; it = p->nodes[it].next) {
        ml_node *n = &p->nodes[it];
        if (find_global(p, n->name) >= 0 || find_func(p, n->name) >= 0) {
            sema_error(&s, n->line, "'%s' defined twice", n->name);
            break;
        }
        if (n->kind == N_GLOBAL) {
            if (p->nglobals >= MAX_GLOBALS) {
                sema_error(&s, n->line, "too many globals at '%s'", n->name);
                break;
            }
            ml_global *g = &p->globals[p->nglobals++];
            snprintf(g->name, NAME_LEN, "%s", n->name);
            g->length = n->value;
            g->offset = p->global_words;
            p->global_words += n->value > 0 ? (int)n->value : 1;
            n->slot = p->nglobals - 1;
        } else {
            if (p->nfuncs >= MAX_FUNCS) {
                sema_error(&s, n->line, "too many functions at '%s'", n->name);
                break;
            }
            ml_func *f = &p->funcs[p->nfuncs++];
            snprintf(f->name, NAME_LEN, "%s", n->name);
            f->node = it;
            f->nparams = (int)n->value;
            n->slot = p->nfuncs - 1;
        }
    }
    int mainf = find_func(p, "main");
    if (!s.failed && (mainf < 0 || p->funcs[mainf].nparams != 0))
        sema_error(&s, 0, "missing 'fn main()'%s", "");
    /* pass 2: bodies */
    for (int f = 0; f < p->nfuncs && !s.failed; f++) {
        ml_node *fn = &p->nodes[p->funcs[f].node];
        s.nvars = 0;
        s.depth = 0;
        s.next_slot = 0;
        s.max_slot = 0;
        s.loop_depth = 0;
        for (int prm = fn->a; prm >= 0; prm = p->nodes[prm].next)
            declare_local(&s, prm);
        resolve_stmt(&s, fn->b);
        p->funcs[f].nlocals = s.max_slot;
    }
    return !s.failed;
}
