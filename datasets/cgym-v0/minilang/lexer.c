/* lexer.c - tokenizer for minilang: identifiers, keywords, decimal
 * integers, string literals with escapes, operators and // comments. */
#include <ctype.h>
#include <string.h>

#include "ml.h"

void lex_init(ml_lexer *lx, const char *src)
{
    lx->src = src;
    lx->pos = 0;
    lx->line = 1;
}

static const struct {
    const char *word;
    tok_type type;
} keywords[] = {
    {"fn", TK_FN},         {"var", TK_VAR},     {"if", TK_IF},       {"else", TK_ELSE},
    {"while", TK_WHILE},   {"for", TK_FOR},     {"return", TK_RETURN}, {"break", TK_BREAK},
    {"continue", TK_CONTINUE}, {"print", TK_PRINT},
};

const char *tok_name(tok_type t)
{
    static const char *const names[] = {
        "end of input", "identifier", "number", "string", "fn", "var", "if", "else", "while",
        "for", "return", "break", "continue", "print", "(", ")", "{", "}", "[", "]", ",", ";",
        "=", "+=", "-=", "*=", "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&",
        "||", "!", "invalid character"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static void skip_space_and_comments(ml_lexer *lx)
{
    for (;;) {
        char c = lx->src[lx->pos];
        if (c == '\n') {
            lx->line++;
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            lx->pos++;
        } else if (c == '/' && lx->src[lx->pos + 1] == '/') {
            while (lx->src[lx->pos] && lx->src[lx->pos] != '\n')
                lx->pos++;
        } else {
            return;
        }
    }
}

ml_token lex_next(ml_lexer *lx)
{
    ml_token t;
    memset(&t, 0, sizeof t);
    skip_space_and_comments(lx);
    t.line = lx->line;
    const char *s = lx->src;
    char c = s[lx->pos];
    if (c == '\0') {
        t.type = TK_EOF;
        return t;
    }
    if (isalpha((unsigned char)c) || c == '_') {
        size_t n = 0;
        while (isalnum((unsigned char)s[lx->pos]) || s[lx->pos] == '_') {
            if (n + 1 < sizeof t.text)
                t.text[n++] = s[lx->pos];
            lx->pos++;
        }
        t.text[n] = '\0';
        t.type = TK_IDENT;
        for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
            if (strcmp(t.text, keywords[k].word) == 0)
                t.type = keywords[k].type;
        return t;
    }
    if (isdigit((unsigned char)c)) {
        uint64_t v = 0;
        while (isdigit((unsigned char)s[lx->pos]))
            v = v * 10u + (uint64_t)(s[lx->pos++] - '0');
        t.type = TK_NUM;
        t.num = v <= (uint64_t)INT64_MAX ? (int64_t)v : INT64_MAX;
        return t;
    }
    if (c == '"') {
        size_t n = 0;
        lx->pos++;
        while (s[lx->pos] && s[lx->pos] != '"' && s[lx->pos] != '\n') {
            char ch = s[lx->pos++];
            if (ch == '\\' && s[lx->pos]) {
                char e = s[lx->pos++];
                ch = e == 'n' ? '\n' : e == 't' ? '\t' : e;
            }
            if (n + 1 < sizeof t.text)
                t.text[n++] = ch;
        }
        t.text[n] = '\0';
        if (s[lx->pos] != '"') {
            t.type = TK_ERROR;
            return t;
        }
        lx->pos++;
        t.type = TK_STR;
        return t;
    }
    char d = s[lx->pos + 1];
    lx->pos++;
    t.text[0] = c;
    switch (c) {
    case '(': t.type = TK_LPAREN; break;
    case ')': t.type = TK_RPAREN; break;
    case '{': t.type = TK_LBRACE; break;
    case '}': t.type = TK_RBRACE; break;
    case '[': t.type = TK_LBRACKET; break;
    case ']': t.type = TK_RBRACKET; break;
    case ',': t.type = TK_COMMA; break;
    case ';': t.type = TK_SEMI; break;
    case '/': t.type = TK_SLASH; break;
    case '%': t.type = TK_PERCENT; break;
    case '+':
        t.type = d == '=' ? TK_PLUSEQ : TK_PLUS;
        break;
    case '-':
        t.type = d == '=' ? TK_MINUSEQ : TK_MINUS;
        break;
    case '*':
        t.type = d == '=' ? TK_STAREQ : TK_STAR;
        break;
    case '=':
        t.type = d == '=' ? TK_EQ : TK_ASSIGN;
        break;
    case '!':
        t.type = d == '=' ? TK_NE : TK_BANG;
        break;
    case '<':
        t.type = d == '=' ? TK_LE : TK_LT;
        break;
    case '>':
        t.type = d == '=' ? TK_GE : TK_GT;
        break;
    case '&':
        t.type = d == '&' ? TK_ANDAND : TK_ERROR;
        break;
    case '|':
        t.type = d == '|' ? TK_OROR : TK_ERROR;
        break;
    default: t.type = TK_ERROR; break;
    }
    /* two-character operators consume the second character */
    if ((d == '=' && (t.type == TK_PLUSEQ || t.type == TK_MINUSEQ || t.type == TK_STAREQ ||
                      t.type == TK_EQ || t.type == TK_NE || t.type == TK_LE || t.type == TK_GE)) ||
        t.type == TK_ANDAND || t.type == TK_OROR)
        lx->pos++;
    return t;
}
