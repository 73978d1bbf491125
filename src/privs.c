/*
 * privs.c - drop privileges after opening sockets (main thread, before any thread starts or
 * any packet is read), as mtr-packet does: real uid/gid, no capabilities, verified.
 */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

int privs_drop(char *err, size_t err_len)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    cap_t none;

    if (geteuid() != uid || getegid() != gid) {
        if (geteuid() == 0 && setgroups(0, NULL) < 0 && errno != EPERM)
            return snprintf(err, err_len, "setgroups: %s", strerror(errno)), -1;
        if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
            return snprintf(err, err_len, "cannot drop privileges: %s", strerror(errno)), -1;
        if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
            return snprintf(err, err_len, "privileges could be regained; refusing to run"), -1;
    }
    none = cap_init();
    if (!none)
        return snprintf(err, err_len, "cap_init: %s", strerror(errno)), -1;
    if (cap_set_proc(none) < 0) {
        cap_free(none);
        return snprintf(err, err_len, "cannot clear capabilities: %s", strerror(errno)), -1;
    }
    cap_free(none);
    (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    {
        cap_t now = cap_get_proc();
        cap_flag_value_t v = CAP_CLEAR;
        if (now) {
            cap_get_flag(now, CAP_NET_RAW, CAP_EFFECTIVE, &v);
            cap_free(now);
        }
        if (!now || v != CAP_CLEAR)
            return snprintf(err, err_len, "capabilities still set after dropping them"), -1;
    }
    return 0;
}
