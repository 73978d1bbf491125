/*
 * privs.h - dropping privileges once the sockets that need them are open.
 */
#ifndef HOPWATCH_PRIVS_H
#define HOPWATCH_PRIVS_H

#include <stddef.h>

/* Become the real user (setuid/setgid programs), clear every capability, and verify that
 * neither can be regained. 0, or -1 with a message in err: the caller must not go on. */
int privs_drop(char *err, size_t err_len);

#endif
