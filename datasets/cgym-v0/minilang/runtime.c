/* runtime.c - output buffer and integer operator semantics shared by the
 * tree-walking interpreter and the bytecode VM (wrap-around arithmetic,
 * truncating division, checked division by zero). */
#include <stdio.h>
#include <string.h>

#include "ml.h"

void out_reset(ml_output *o)
{
    o->len = 0;
    o->text[0] = '\0';
    o->error = 0;
    o->message[0] = '\0';
    o->steps = 0;
}

void out_str(ml_output *o, const char *s)
{
    while (*s && o->len + 1 < ML_OUT_MAX)
        o->text[o->len++] = *s++;
    o->text[o->len] = '\0';
}

void out_int(ml_output *o, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    out_str(o, buf);
}

void out_fail(ml_output *o, const char *msg)
{
    if (o->error)
        return;
    o->error = 1;
    snprintf(o->message, sizeof o->message, "%s", msg);
}

static int64_t wrap(uint64_t u)
{
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

int64_t ml_binop(int op, int64_t a, int64_t b, ml_output *o)
{
    switch (op) {
    case TK_PLUS:
    case TK_PLUSEQ: return wrap((uint64_t)a + (uint64_t)b);
    case TK_MINUS:
    case TK_MINUSEQ: return wrap((uint64_t)a - (uint64_t)b);
    case TK_STAR:
    case TK_STAREQ: return wrap((uint64_t)a * (uint64_t)b);
    case TK_SLASH:
    case TK_PERCENT:
        if (b == 0) {
            out_fail(o, "division by zero");
            return 0;
        }
        if (b == -1)
            return op == TK_SLASH ? wrap(0u - (uint64_t)a) : 0;
        return op == TK_SLASH ? a / b : a % b;
    case TK_EQ: return a == b;
    case TK_NE: return a != b;
    case TK_LT: return a < b;
    case TK_LE: return a <= b;
    case TK_GT: return a > b;
    case TK_GE: return a >= b;
    default: out_fail(o, "bad operator"); return 0;
    }
}
