/*
 * due.c - the fleet's timer heap (see due.h): a binary min-heap on `at`.
 */
#include "due.h"

#include <stdlib.h>

void due_item_init(struct due_item *it)
{
    it->at = 0;
    it->pos = -1;
}

static void place(struct due_heap *h, int i, struct due_item *it)
{
    h->item[i] = it;
    it->pos = i;
}

static void up(struct due_heap *h, int i)
{
    struct due_item *it = h->item[i];

    while (i > 0 && h->item[(i - 1) / 2]->at > it->at) {
        place(h, i, h->item[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    place(h, i, it);
}

static void down(struct due_heap *h, int i)
{
    struct due_item *it = h->item[i];

    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->item[c + 1]->at < h->item[c]->at)
            c++;
        if (h->item[c]->at >= it->at)
            break;
        place(h, i, h->item[c]);
        i = c;
    }
    place(h, i, it);
}

bool due_set(struct due_heap *h, struct due_item *it, uint64_t at)
{
    if (it->pos < 0) {
        if (h->n == h->cap) {
            int cap = h->cap ? 2 * h->cap : 64;
            struct due_item **item = realloc(h->item, (size_t)cap * sizeof(*item));
            if (!item)
                return false;
            h->item = item;
            h->cap = cap;
        }
        it->at = at;
        place(h, h->n++, it);
        up(h, it->pos);
        return true;
    }
    it->at = at;
    up(h, it->pos);
    down(h, it->pos);
    return true;
}

void due_remove(struct due_heap *h, struct due_item *it)
{
    int i = it->pos;

    if (i < 0)
        return;
    it->pos = -1;
    if (i == --h->n)
        return;
    place(h, i, h->item[h->n]);
    up(h, i);
    down(h, h->item[i]->pos);
}

struct due_item *due_first(const struct due_heap *h)
{
    return h->n ? h->item[0] : NULL;
}

void due_free(struct due_heap *h)
{
    free(h->item);
    h->item = NULL;
    h->n = h->cap = 0;
}
