/*
 * webconfig.h - the exporter's web configuration (--web.config.file FILE), as every official
 * Prometheus exporter reads it (exporter-toolkit's YAML):
 *
 *   tls_server_config:
 *     cert_file: server.crt          # PEM; relative paths are from the file's folder
 *     key_file: server.key
 *     client_auth_type: RequireAndVerifyClientCert   # or NoClientCert (default),
 *                                   # RequestClientCert, RequireAnyClientCert,
 *                                   # VerifyClientCertIfGiven
 *     client_ca_file: ca.crt        # needed by every type but NoClientCert
 *   basic_auth_users:
 *     alice: $2b$12$...             # bcrypt, checked with crypt(3) (libxcrypt)
 *
 * Read with libyaml; an unknown key, a wrong type, a file that cannot be read or a hash that is
 * not bcrypt is an error "FILE:LINE: why". A user name that is not known costs the same bcrypt
 * as a wrong password, so the time of a 401 does not tell one from the other.
 */
#ifndef HOPWATCH_WEBCONFIG_H
#define HOPWATCH_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum client_auth {
    CLIENT_NONE,            /* NoClientCert */
    CLIENT_REQUEST,         /* RequestClientCert: asked for, not checked */
    CLIENT_REQUIRE_ANY,     /* RequireAnyClientCert: one must be given */
    CLIENT_VERIFY_IF_GIVEN, /* VerifyClientCertIfGiven */
    CLIENT_REQUIRE_VERIFY,  /* RequireAndVerifyClientCert */
};

struct webuser {
    char *name, *hash;
};

struct webconfig {
    bool tls;
    char *cert_pem, *key_pem, *ca_pem; /* the files' contents (NULL: none) */
    enum client_auth client_auth;
    struct webuser *users;
    int nusers;
};

/* 0, or -1 with err set ("FILE:LINE: why"); out is emptied first and freed on failure. */
int webconfig_load(const char *path, struct webconfig *out, char *err, size_t err_len);
void webconfig_free(struct webconfig *c);
/* The bcrypt hash of user, NULL when there is no such user. */
const char *webconfig_hash(const struct webconfig *c, const char *user);
/* Whether pass matches hash and the user is known. An unknown user is checked against a stand-in
 * (webconfig_stand_in: a real user's hash, so the same bcrypt cost) and never matches: the same
 * work either way. */
bool webconfig_check(const char *hash, bool known, const char *pass);
const char *webconfig_stand_in(const struct webconfig *c);
/* The TLS material differs (the server must start again to use the new one). */
bool webconfig_tls_differs(const struct webconfig *a, const struct webconfig *b);

#endif
