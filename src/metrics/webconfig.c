/*
 * webconfig.c - the exporter's web configuration read with libyaml's document API (see
 * webconfig.h). Every node keeps its line, so each error names FILE:LINE.
 */
#include "webconfig.h"
#include "text/textfile.h"

#include <crypt.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* What a reading needs: the document, the file (for errors and relative paths). */
struct reading {
    yaml_document_t doc;
    const char *path;
    char dir[4096];
    char *err;
    size_t err_len;
};

static int fail(struct reading *r, const yaml_node_t *n, const char *why, const char *what)
{
    snprintf(r->err, r->err_len, "%s:%lu: %s%s", r->path,
             n ? (unsigned long)n->start_mark.line + 1 : 1UL, why, what ? what : "");
    return -1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The whole file at path (relative to the config's folder), or NULL with errno. */
static char *slurp(const struct reading *r, const char *path)
{
    char full[8192];

    snprintf(full, sizeof(full), "%s%s%s", path[0] == '/' ? "" : r->dir, path[0] == '/' ? "" : "/",
             path);
    return textfile_read(full);
}

/* A file named by the scalar n, read into *out. */
static int file_of(struct reading *r, const yaml_node_t *n, char **out)
{
    const char *name = scalar(n);

    if (!name || !*name)
        return fail(r, n, "expected a file name", NULL);
    free(*out);
    if (!(*out = slurp(r, name))) {
        char why[300];
        snprintf(why, sizeof(why), "%s: %s", name, strerror(errno));
        return fail(r, n, "", why);
    }
    return 0;
}

static int client_auth(struct reading *r, const yaml_node_t *n, enum client_auth *out)
{
    static const char *const names[] = {"NoClientCert", "RequestClientCert", "RequireAnyClientCert",
                                        "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"};
    const char *v = scalar(n);

    for (int i = 0; v && i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (strcmp(v, names[i]) == 0) {
            *out = (enum client_auth)i;
            return 0;
        }
    return fail(r, n,
                "client_auth_type: not one of NoClientCert, RequestClientCert, "
                "RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert",
                NULL);
}

#define PAIRS(n)                                                                                   \
    for (yaml_node_pair_t *p = (n)->data.mapping.pairs.start; p < (n)->data.mapping.pairs.top; p++)

static int tls_section(struct reading *r, const yaml_node_t *map, struct webconfig *c)
{
    if (map->type != YAML_MAPPING_NODE)
        return fail(r, map, "tls_server_config: expected a mapping", NULL);
    PAIRS(map)
    {
        const yaml_node_t *k = yaml_document_get_node(&r->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(&r->doc, p->value);
        const char *key = scalar(k);
        int e = 0;
        if (key && strcmp(key, "cert_file") == 0)
            e = file_of(r, v, &c->cert_pem);
        else if (key && strcmp(key, "key_file") == 0)
            e = file_of(r, v, &c->key_pem);
        else if (key && strcmp(key, "client_ca_file") == 0)
            e = file_of(r, v, &c->ca_pem);
        else if (key && strcmp(key, "client_auth_type") == 0)
            e = client_auth(r, v, &c->client_auth);
        else
            e = fail(r, k, "tls_server_config: unknown key ", key ? key : "(not a name)");
        if (e < 0)
            return -1;
    }
    if (!c->cert_pem || !c->key_pem)
        return fail(r, map, "tls_server_config needs cert_file and key_file", NULL);
    if (c->client_auth != CLIENT_NONE && !c->ca_pem)
        return fail(r, map, "client_auth_type other than NoClientCert needs client_ca_file", NULL);
    c->tls = true;
    return 0;
}

static int users_section(struct reading *r, const yaml_node_t *map, struct webconfig *c)
{
    size_t n;

    if (map->type != YAML_MAPPING_NODE)
        return fail(r, map, "basic_auth_users: expected a mapping of user: bcrypt hash", NULL);
    n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    if (!(c->users = calloc(n ? n : 1, sizeof(*c->users))))
        return fail(r, map, "out of memory", NULL);
    PAIRS(map)
    {
        const yaml_node_t *k = yaml_document_get_node(&r->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(&r->doc, p->value);
        const char *user = scalar(k), *hash = scalar(v);
        if (!user || !*user)
            return fail(r, k, "basic_auth_users: a user name must be a string", NULL);
        if (!hash || strncmp(hash, "$2", 2) != 0 || strlen(hash) != 60)
            return fail(r, v, "not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters) for ", user);
        if (webconfig_hash(c, user))
            return fail(r, k, "basic_auth_users: a user given twice: ", user);
        c->users[c->nusers].name = strdup(user);
        c->users[c->nusers].hash = strdup(hash);
        if (!c->users[c->nusers].name || !c->users[c->nusers++].hash)
            return fail(r, k, "out of memory", NULL);
    }
    return 0;
}

static int top(struct reading *r, struct webconfig *c)
{
    const yaml_node_t *root = yaml_document_get_root_node(&r->doc);

    if (!root) /* an empty file: no TLS, no users */
        return 0;
    if (root->type != YAML_MAPPING_NODE)
        return fail(r, root, "expected a mapping (tls_server_config, basic_auth_users)", NULL);
    PAIRS(root)
    {
        const yaml_node_t *k = yaml_document_get_node(&r->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(&r->doc, p->value);
        const char *key = scalar(k);
        int e;
        if (key && strcmp(key, "tls_server_config") == 0)
            e = tls_section(r, v, c);
        else if (key && strcmp(key, "basic_auth_users") == 0)
            e = users_section(r, v, c);
        else if (key && strcmp(key, "http_server_config") == 0)
            e = 0; /* HTTP/2 and headers: nothing hopwatch's server would change */
        else
            e = fail(r, k, "unknown key ", key ? key : "(not a name)");
        if (e < 0)
            return -1;
    }
    return 0;
}

int webconfig_load(const char *path, struct webconfig *out, char *err, size_t err_len)
{
    struct reading r = {.path = path, .err = err, .err_len = err_len};
    yaml_parser_t parser;
    FILE *f = fopen(path, "r");
    char copy[4096];
    int e = -1;

    memset(out, 0, sizeof(*out));
    if (!f)
        return snprintf(err, err_len, "%s: %s", path, strerror(errno)), -1;
    snprintf(copy, sizeof(copy), "%s", path);
    snprintf(r.dir, sizeof(r.dir), "%s", dirname(copy));
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &r.doc)) {
        snprintf(err, err_len, "%s:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "not YAML");
    } else {
        e = top(&r, out);
        yaml_document_delete(&r.doc);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (e < 0)
        webconfig_free(out);
    return e;
}

void webconfig_free(struct webconfig *c)
{
    for (int i = 0; i < c->nusers; i++) {
        free(c->users[i].name);
        free(c->users[i].hash);
    }
    free(c->users);
    free(c->cert_pem);
    free(c->key_pem);
    free(c->ca_pem);
    memset(c, 0, sizeof(*c));
}

const char *webconfig_hash(const struct webconfig *c, const char *user)
{
    for (int i = 0; user && i < c->nusers; i++)
        if (c->users[i].name && strcmp(c->users[i].name, user) == 0)
            return c->users[i].hash;
    return NULL;
}

bool webconfig_check(const char *hash, bool known, const char *pass)
{
    struct crypt_data data;
    const char *out;
    unsigned char diff = 0;
    size_t n = hash ? strlen(hash) : 0;

    if (!hash)
        return false;
    memset(&data, 0, sizeof(data));
    out = crypt_r(pass ? pass : "", hash, &data);
    if (!out || strlen(out) != n)
        return false;
    for (size_t i = 0; i < n; i++) /* no early exit: the compare takes the same time */
        diff |= (unsigned char)(out[i] ^ hash[i]);
    return known && diff == 0;
}

const char *webconfig_stand_in(const struct webconfig *c)
{
    return c->nusers ? c->users[0].hash : NULL;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool webconfig_tls_differs(const struct webconfig *a, const struct webconfig *b)
{
    return a->tls != b->tls || a->client_auth != b->client_auth ||
           !same(a->cert_pem, b->cert_pem) || !same(a->key_pem, b->key_pem) ||
           !same(a->ca_pem, b->ca_pem);
}
