/* assembler.c - two-pass assembler for the bytecode VM.
 *
 * Syntax, one statement per line:
 *   [label:] mnemonic [operand [, operand]]   ; comment
 *   .equ   NAME value          constant
 *   .data  NAME count          reserve count zeroed data words
 *   .words NAME v, v, ...      initialised data words
 *   .string NAME "text"        characters as words, zero terminated
 * Operand values are sums/differences of decimal or 0x hex numbers, 'c'
 * character literals and symbols. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "vm.h"

typedef struct {
    const char *s;
    size_t pos;
    program *p;
    int pass;
    int line;
    size_t pc;
    int failed;
} asm_state;

static void fail(asm_state *st, const char *msg, const char *detail)
{
    if (st->failed)
        return;
    st->failed = 1;
    st->p->error_line = st->line;
    snprintf(st->p->error, sizeof st->p->error, "%s%s%s", msg, detail ? ": " : "",
             detail ? detail : "");
}

static void skip_blanks(asm_state *st)
{
    while (st->s[st->pos] == ' ' || st->s[st->pos] == '\t' || st->s[st->pos] == '\r')
        st->pos++;
}

static int at_line_end(asm_state *st)
{
    skip_blanks(st);
    char c = st->s[st->pos];
    return c == '\0' || c == '\n' || c == ';';
}

static void skip_to_next_line(asm_state *st)
{
    while (st->s[st->pos] && st->s[st->pos] != '\n')
        st->pos++;
    if (st->s[st->pos] == '\n')
        st->pos++;
    st->line++;
}

static int read_name(asm_state *st, char *buf, size_t cap)
{
    size_t n = 0;
    skip_blanks(st);
    char c = st->s[st->pos];
    if (!(isalpha((unsigned char)c) || c == '_' || c == '.'))
        return 0;
    while (isalnum((unsigned char)st->s[st->pos]) || st->s[st->pos] == '_' || st->s[st->pos] == '.') {
        if (n + 1 < cap)
            buf[n++] = st->s[st->pos];
        st->pos++;
    }
    buf[n] = '\0';
    return 1;
}

static symbol *find_symbol(program *p, const char *name)
{
    for (int i = 0; i < p->nsyms; i++)
        if (strcmp(p->syms[i].name, name) == 0)
            return &p->syms[i];
    return NULL;
}

static void define_symbol(asm_state *st, const char *name, int64_t value)
{
    symbol *s = find_symbol(st->p, name);
    if (s) {
        if (st->pass == 1)
            fail(st, "duplicate symbol", name);
        else if (s->value != value)
            fail(st, "symbol changed value between passes", name);
        return;
    }
    if (st->p->nsyms >= MAX_SYMBOLS) {
        fail(st, "too many symbols", NULL);
        return;
    }
    s = &st->p->syms[st->p->nsyms++];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->value = value;
    s->defined = 1;
}

static int read_term(asm_state *st, int64_t *out)
{
    skip_blanks(st);
    const char *s = st->s;
    char c = s[st->pos];
    if (c == '\'') {
        char ch = s[st->pos + 1];
        size_t adv = 3;
        if (ch == '\\') {
            char e = s[st->pos + 2];
            ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == '0' ? '\0' : e;
            adv = 4;
        }
        if (s[st->pos + adv - 1] != '\'') {
            fail(st, "bad character literal", NULL);
            return 0;
        }
        st->pos += adv;
        *out = (unsigned char)ch;
        return 1;
    }
    if (isdigit((unsigned char)c)) {
        uint64_t v = 0;
        if (c == '0' && (s[st->pos + 1] == 'x' || s[st->pos + 1] == 'X')) {
            st->pos += 2;
            if (!isxdigit((unsigned char)s[st->pos])) {
                fail(st, "bad hex literal", NULL);
                return 0;
            }
            while (isxdigit((unsigned char)s[st->pos])) {
                char h = s[st->pos++];
                v = v * 16u + (uint64_t)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
            }
        } else {
            while (isdigit((unsigned char)s[st->pos]))
                v = v * 10u + (uint64_t)(s[st->pos++] - '0');
        }
        *out = v > (uint64_t)INT64_MAX ? INT64_MIN + (int64_t)(v - (uint64_t)INT64_MAX - 1u) : (int64_t)v;
        return 1;
    }
    char name[32];
    if (read_name(st, name, sizeof name)) {
        symbol *sym = find_symbol(st->p, name);
        if (sym) {
            *out = sym->value;
            return 1;
        }
        if (st->pass == 1) { /* forward reference: value irrelevant in pass 1 */
            *out = 0;
            return 1;
        }
        fail(st, "undefined symbol", name);
        return 0;
    }
    fail(st, "expected a value", NULL);
    return 0;
}

static int read_value(asm_state *st, int64_t *out)
{
    int neg = 0;
    skip_blanks(st);
    if (st->s[st->pos] == '-') {
        neg = 1;
        st->pos++;
    }
    int64_t v;
    if (!read_term(st, &v))
        return 0;
    uint64_t acc = neg ? 0u - (uint64_t)v : (uint64_t)v;
    for (;;) {
        skip_blanks(st);
        char c = st->s[st->pos];
        if (c != '+' && c != '-')
            break;
        st->pos++;
        if (!read_term(st, &v))
            return 0;
        acc = c == '+' ? acc + (uint64_t)v : acc - (uint64_t)v;
    }
    *out = acc > (uint64_t)INT64_MAX ? -(int64_t)(~acc) - 1 : (int64_t)acc;
    return 1;
}

static int expect_comma(asm_state *st)
{
    skip_blanks(st);
    if (st->s[st->pos] != ',') {
        fail(st, "expected ','", NULL);
        return 0;
    }
    st->pos++;
    return 1;
}

static void emit_byte(asm_state *st, uint8_t b)
{
    if (st->pc >= MAX_CODE) {
        fail(st, "program too large", NULL);
        return;
    }
    if (st->pass == 2)
        st->p->code[st->pc] = b;
    st->pc++;
}

static void emit_le(asm_state *st, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        emit_byte(st, (uint8_t)(v >> (8 * i)));
}

static int alloc_data(asm_state *st, const char *name, int64_t count)
{
    if (count < 0 || st->p->data_used + count > DATA_WORDS) {
        fail(st, "data segment overflow", name);
        return -1;
    }
    int32_t base = st->p->data_used;
    define_symbol(st, name, base);
    st->p->data_used += (int32_t)count;
    return base;
}

static void directive(asm_state *st, const char *dir)
{
    char name[32];
    if (!read_name(st, name, sizeof name)) {
        fail(st, "directive needs a name", dir);
        return;
    }
    if (strcmp(dir, ".equ") == 0) {
        int64_t v;
        if (read_value(st, &v))
            define_symbol(st, name, v);
    } else if (strcmp(dir, ".data") == 0) {
        int64_t n;
        if (read_value(st, &n))
            alloc_data(st, name, n);
    } else if (strcmp(dir, ".words") == 0) {
        int64_t vals[64];
        int n = 0;
        do {
            if (n == 64) {
                fail(st, "too many words", name);
                return;
            }
            if (!read_value(st, &vals[n]))
                return;
            n++;
            skip_blanks(st);
        } while (st->s[st->pos] == ',' && (st->pos++, 1));
        int base = alloc_data(st, name, n);
        for (int i = 0; base >= 0 && i < n; i++)
            st->p->data_init[base + i] = vals[i];
    } else if (strcmp(dir, ".string") == 0) {
        skip_blanks(st);
        if (st->s[st->pos] != '"') {
            fail(st, "expected string", name);
            return;
        }
        st->pos++;
        size_t start = st->pos;
        while (st->s[st->pos] && st->s[st->pos] != '"' && st->s[st->pos] != '\n')
            st->pos++;
        if (st->s[st->pos] != '"') {
            fail(st, "unterminated string", name);
            return;
        }
        size_t len = st->pos - start;
        st->pos++;
        int base = alloc_data(st, name, (int64_t)len + 1);
        for (size_t i = 0; base >= 0 && i < len; i++)
            st->p->data_init[(size_t)base + i] = (unsigned char)st->s[start + i];
        if (base >= 0)
            st->p->data_init[(size_t)base + len] = 0;
    } else {
        fail(st, "unknown directive", dir);
    }
}

static void instruction(asm_state *st, const char *mnemonic)
{
    int op = lookup_opcode(mnemonic);
    if (op < 0) {
        fail(st, "unknown mnemonic", mnemonic);
        return;
    }
    const op_info *info = &op_table[op];
    int64_t a = 0, b = 0;
    emit_byte(st, (uint8_t)op);
    if (st->pass == 2)
        st->p->instructions++;
    switch (info->operand) {
    case OPND_NONE: break;
    case OPND_I32:
        if (read_value(st, &a)) {
            if (a < INT32_MIN || a > INT32_MAX)
                fail(st, "immediate out of 32-bit range (use pushw)", NULL);
            emit_le(st, (uint64_t)a, 4);
        }
        break;
    case OPND_I64:
        if (read_value(st, &a))
            emit_le(st, (uint64_t)a, 8);
        break;
    case OPND_U8:
        if (read_value(st, &a)) {
            if (a < 0 || a > 255)
                fail(st, "slot out of range", NULL);
            emit_byte(st, (uint8_t)a);
        }
        break;
    case OPND_ADDR:
    case OPND_MEM:
        if (read_value(st, &a)) {
            if (st->pass == 2 && (a < 0 || a >= (info->operand == OPND_ADDR ? MAX_CODE : DATA_WORDS)))
                fail(st, "address out of range", NULL);
            emit_le(st, (uint64_t)a, 4);
        }
        break;
    case OPND_CALL:
        if (read_value(st, &a) && expect_comma(st) && read_value(st, &b)) {
            if (b < 0 || b > 255)
                fail(st, "bad argument count", NULL);
            emit_le(st, (uint64_t)a, 4);
            emit_byte(st, (uint8_t)b);
        }
        break;
    case OPND_LOOP:
        if (read_value(st, &a) && expect_comma(st) && read_value(st, &b)) {
            if (a < 0 || a > 255)
                fail(st, "slot out of range", NULL);
            emit_byte(st, (uint8_t)a);
            emit_le(st, (uint64_t)b, 4);
        }
        break;
    }
}

static int run_pass(asm_state *st)
{
    st->pos = 0;
    st->line = 1;
    st->pc = 0;
    if (st->pass == 1) {
        st->p->data_used = 0;
        st->p->nsyms = 0;
    } else {
        st->p->data_used = 0; /* re-allocated identically */
    }
    while (st->s[st->pos] && !st->failed) {
        char word[32];
        if (at_line_end(st)) {
            skip_to_next_line(st);
            continue;
        }
        if (!read_name(st, word, sizeof word)) {
            fail(st, "syntax error", NULL);
            break;
        }
        skip_blanks(st);
        if (st->s[st->pos] == ':') { /* label */
            st->pos++;
            define_symbol(st, word, (int64_t)st->pc);
            if (at_line_end(st)) {
                skip_to_next_line(st);
                continue;
            }
            if (!read_name(st, word, sizeof word)) {
                fail(st, "syntax error after label", NULL);
                break;
            }
        }
        if (word[0] == '.')
            directive(st, word);
        else
            instruction(st, word);
        if (!st->failed && !at_line_end(st))
            fail(st, "trailing characters", NULL);
        skip_to_next_line(st);
    }
    return !st->failed;
}

int assemble(const char *source, program *p)
{
    asm_state st;
    memset(p->code, 0, sizeof p->code);
    memset(p->data_init, 0, sizeof p->data_init);
    p->len = 0;
    p->instructions = 0;
    p->error[0] = '\0';
    p->error_line = 0;
    st.s = source;
    st.p = p;
    st.failed = 0;
    st.pass = 1;
    if (!run_pass(&st))
        return 0;
    st.pass = 2;
    if (!run_pass(&st))
        return 0;
    p->len = st.pc;
    return 1;
}
