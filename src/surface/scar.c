/*
 * scar.c — scar records and names.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static const char *const type_names[SCAR_TYPE_COUNT] = {"icepick", "boxcar", "rolling",
                                                        "hypertrophic"};

const char *scar_type_name(scar_type t)
{
    return (unsigned)t < SCAR_TYPE_COUNT ? type_names[t] : "unknown";
}

scar_type scar_type_from_name(const char *name)
{
    for (int t = 0; t < SCAR_TYPE_COUNT; t++)
        if (strcmp(name, type_names[t]) == 0)
            return (scar_type)t;
    return SCAR_TYPE_COUNT;
}

const char *scar_profile_name(scar_profile p)
{
    switch (p) {
    case SCAR_PROFILE_V: return "V";
    case SCAR_PROFILE_U: return "U";
    case SCAR_PROFILE_M: return "M";
    case SCAR_PROFILE_DOME: return "dome";
    }
    return "unknown";
}

scar_status scar_scar_list_push(scar_ctx *ctx, scar_scar_list *list, const scar_scar *s)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        scar_scar *v = scar_realloc(ctx, list->v, cap * sizeof *v);
        if (!v)
            return SCAR_ENOMEM;
        list->v = v;
        list->cap = cap;
    }
    list->v[list->n++] = *s;
    return SCAR_OK;
}

void scar_scar_list_clear(scar_scar_list *list)
{
    free(list->v);
    list->v = NULL;
    list->n = list->cap = 0;
}
