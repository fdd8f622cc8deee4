/* rbtree: a red-black tree (parent pointers, shared sentinel leaf) with
 * insert, delete, lookup, in-order iteration, floor queries and a full
 * invariant checker, driven by a random operation mix and cross-checked
 * against a bitmap. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RED, BLACK };

typedef struct rb_node {
    struct rb_node *left, *right, *parent;
    uint32_t key;
    uint32_t value;
    int color;
} rb_node;

typedef struct {
    rb_node *root;
    rb_node nil;
    size_t size;
    unsigned long rotations;
} rb_tree;

static void rb_init(rb_tree *t)
{
    t->nil.color = BLACK;
    t->nil.left = t->nil.right = t->nil.parent = &t->nil;
    t->nil.key = t->nil.value = 0;
    t->root = &t->nil;
    t->size = 0;
    t->rotations = 0;
}

static void rotate_left(rb_tree *t, rb_node *x)
{
    rb_node *y = x->right;
    x->right = y->left;
    if (y->left != &t->nil)
        y->left->parent = x;
    y->parent = x->parent;
    if (x->parent == &t->nil)
        t->root = y;
    else if (x == x->parent->left)
        x->parent->left = y;
    else
        x->parent->right = y;
    y->left = x;
    x->parent = y;
    t->rotations++;
}

static void rotate_right(rb_tree *t, rb_node *x)
{
    rb_node *y = x->left;
    x->left = y->right;
    if (y->right != &t->nil)
        y->right->parent = x;
    y->parent = x->parent;
    if (x->parent == &t->nil)
        t->root = y;
    else if (x == x->parent->right)
        x->parent->right = y;
    else
        x->parent->left = y;
    y->right = x;
    x->parent = y;
    t->rotations++;
}

static rb_node *rb_find(rb_tree *t, uint32_t key)
{
    rb_node *n = t->root;
    while (n != &t->nil && n->key != key)
        n = key < n->key ? n->left : n->right;
    return n == &t->nil ? NULL : n;
}

static void insert_fixup(rb_tree *t, rb_node *z)
{
    while (z->parent->color == RED) {
        rb_node *gp = z->parent->parent;
        if (z->parent == gp->left) {
            rb_node *uncle = gp->right;
            if (uncle->color == RED) {
                z->parent->color = BLACK;
                uncle->color = BLACK;
                gp->color = RED;
                z = gp;
            } else {
                if (z == z->parent->right) {
                    z = z->parent;
                    rotate_left(t, z);
                }
                z->parent->color = BLACK;
                z->parent->parent->color = RED;
                rotate_right(t, z->parent->parent);
            }
        } else {
            rb_node *uncle = gp->left;
            if (uncle->color == RED) {
                z->parent->color = BLACK;
                uncle->color = BLACK;
                gp->color = RED;
                z = gp;
            } else {
                if (z == z->parent->left) {
                    z = z->parent;
                    rotate_right(t, z);
                }
                z->parent->color = BLACK;
                z->parent->parent->color = RED;
                rotate_left(t, z->parent->parent);
            }
        }
    }
    t->root->color = BLACK;
}

/* returns 1 if inserted, 0 if the key existed (value updated) */
static int rb_insert(rb_tree *t, uint32_t key, uint32_t value)
{
    rb_node *parent = &t->nil, *cur = t->root;
    while (cur != &t->nil) {
        parent = cur;
        if (key == cur->key) {
            cur->value = value;
            return 0;
        }
        cur = key < cur->key ? cur->left : cur->right;
    }
    rb_node *z = malloc(sizeof *z);
    if (!z)
        abort();
    z->key = key;
    z->value = value;
    z->left = z->right = &t->nil;
    z->parent = parent;
    z->color = RED;
    if (parent == &t->nil)
        t->root = z;
    else if (key < parent->key)
        parent->left = z;
    else
        parent->right = z;
    insert_fixup(t, z);
    t->size++;
    return 1;
}

static void transplant(rb_tree *t, rb_node *u, rb_node *v)
{
    if (u->parent == &t->nil)
        t->root = v;
    else if (u == u->parent->left)
        u->parent->left = v;
    else
        u->parent->right = v;
    v->parent = u->parent; /* may write the sentinel's parent: intended */
}

static rb_node *minimum(rb_tree *t, rb_node *n)
{
    while (n->left != &t->nil)
        n = n->left;
    return n;
}

static void delete_fixup(rb_tree *t, rb_node *x)
{
    while (x != t->root && x->color == BLACK) {
        if (x == x->parent->left) {
            rb_node *w = x->parent->right;
            if (w->color == RED) {
                w->color = BLACK;
                x->parent->color = RED;
                rotate_left(t, x->parent);
                w = x->parent->right;
            }
            if (w->left->color == BLACK && w->right->color == BLACK) {
                w->color = RED;
                x = x->parent;
            } else {
                if (w->right->color == BLACK) {
                    w->left->color = BLACK;
                    w->color = RED;
                    rotate_right(t, w);
                    w = x->parent->right;
                }
                w->color = x->parent->color;
                x->parent->color = BLACK;
                w->right->color = BLACK;
                rotate_left(t, x->parent);
                x = t->root;
            }
        } else {
            rb_node *w = x->parent->left;
            if (w->color == RED) {
                w->color = BLACK;
                x->parent->color = RED;
                rotate_right(t, x->parent);
                w = x->parent->left;
            }
            if (w->right->color == BLACK && w->left->color == BLACK) {
                w->color = RED;
                x = x->parent;
            } else {
                if (w->left->color == BLACK) {
                    w->right->color = BLACK;
                    w->color = RED;
                    rotate_left(t, w);
                    w = x->parent->left;
                }
                w->color = x->parent->color;
                x->parent->color = BLACK;
                w->left->color = BLACK;
                rotate_right(t, x->parent);
                x = t->root;
            }
        }
    }
    x->color = BLACK;
}

static int rb_delete(rb_tree *t, uint32_t key)
{
    rb_node *z = rb_find(t, key);
    if (!z)
        return 0;
    rb_node *y = z, *x;
    int y_color = y->color;
    if (z->left == &t->nil) {
        x = z->right;
        transplant(t, z, z->right);
    } else if (z->right == &t->nil) {
        x = z->left;
        transplant(t, z, z->left);
    } else {
        y = minimum(t, z->right);
        y_color = y->color;
        x = y->right;
        if (y->parent == z) {
            x->parent = y;
        } else {
            transplant(t, y, y->right);
            y->right = z->right;
            y->right->parent = y;
        }
        transplant(t, z, y);
        y->left = z->left;
        y->left->parent = y;
        y->color = z->color;
    }
    if (y_color == BLACK)
        delete_fixup(t, x);
    free(z);
    t->size--;
    t->nil.parent = &t->nil;
    return 1;
}

/* largest key <= k, or -1 */
static long rb_floor(rb_tree *t, uint32_t k)
{
    rb_node *n = t->root;
    long best = -1;
    while (n != &t->nil) {
        if (n->key == k)
            return (long)k;
        if (n->key < k) {
            best = (long)n->key;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    return best;
}

/* returns black height, or -1 if an invariant is broken */
static int check(rb_tree *t, rb_node *n, uint32_t lo, uint32_t hi, size_t *count)
{
    if (n == &t->nil)
        return 1;
    if (n->key < lo || n->key > hi)
        return -1;
    if (n->color == RED && (n->left->color == RED || n->right->color == RED))
        return -1;
    if ((n->left != &t->nil && n->left->parent != n) || (n->right != &t->nil && n->right->parent != n))
        return -1;
    ++*count;
    int l = check(t, n->left, lo, n->key == 0 ? 0 : n->key - 1, count);
    int r = check(t, n->right, n->key + 1, hi, count);
    if (l < 0 || r < 0 || l != r)
        return -1;
    return l + (n->color == BLACK);
}

static int height(rb_tree *t, rb_node *n)
{
    if (n == &t->nil)
        return 0;
    int l = height(t, n->left), r = height(t, n->right);
    return 1 + (l > r ? l : r);
}

static void free_all(rb_tree *t, rb_node *n)
{
    if (n == &t->nil)
        return;
    free_all(t, n->left);
    free_all(t, n->right);
    free(n);
}

#define KEYSPACE 65536u
static uint8_t present[KEYSPACE / 8];

int main(void)
{
    rb_tree t;
    rb_init(&t);
    uint32_t s = 123456789u, checksum = 0;
    unsigned ins = 0, del = 0, found = 0, errors = 0;
    for (int op = 0; op < 40000; op++) {
        s = s * 1664525u + 1013904223u;
        uint32_t key = (s >> 8) % KEYSPACE;
        if (op > 30000)
            key = (uint32_t)op % KEYSPACE; /* ascending run */
        uint32_t kind = (s >> 4) % 8u;
        int bit = (present[key / 8] >> (key % 8)) & 1;
        if (kind < 5) {
            int added = rb_insert(&t, key, key * 2654435761u);
            if (added == bit)
                errors++;
            ins += (unsigned)added;
            present[key / 8] |= (uint8_t)(1u << (key % 8));
        } else if (kind < 7) {
            int removed = rb_delete(&t, key);
            if (removed != bit)
                errors++;
            del += (unsigned)removed;
            present[key / 8] &= (uint8_t)~(1u << (key % 8));
        } else {
            rb_node *n = rb_find(&t, key);
            if ((n != NULL) != bit)
                errors++;
            if (n) {
                found++;
                checksum += n->value;
            }
            checksum = checksum * 3u + (uint32_t)(rb_floor(&t, key) + 1);
        }
        if (op % 5000 == 0) {
            size_t cnt = 0;
            int bh = check(&t, t.root, 0, UINT32_MAX, &cnt);
            if (bh < 0 || cnt != t.size || t.root->color != BLACK)
                errors++;
        }
    }
    size_t cnt = 0;
    int bh = check(&t, t.root, 0, UINT32_MAX, &cnt);
    printf("inserted %u, deleted %u, lookups found %u\n", ins, del, found);
    printf("size %zu, height %d, black height %d, rotations %lu\n", t.size, height(&t, t.root), bh,
           t.rotations);
    /* in-order walk via successor pointers */
    rb_node *n = t.size ? minimum(&t, t.root) : NULL;
    uint32_t prev = 0;
    size_t walked = 0;
    int ordered = 1;
    while (n) {
        if (walked && n->key <= prev)
            ordered = 0;
        prev = n->key;
        walked++;
        checksum = checksum * 31u + n->key;
        if (n->right != &t.nil) {
            n = minimum(&t, n->right);
        } else {
            rb_node *p = n->parent;
            while (p != &t.nil && n == p->right) {
                n = p;
                p = p->parent;
            }
            n = p == &t.nil ? NULL : p;
        }
    }
    printf("in-order walk: %zu keys, ordered %s, invariant errors %u\n", walked,
           ordered ? "yes" : "no", errors);
    free_all(&t, t.root);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
