#include "tap.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int ethtool_ioctl(const char *dev, struct ethtool_coalesce *ec, int *err_no)
{
    struct ifreq ifr;
    int fd, rc;

    if (strlen(dev) >= IFNAMSIZ) {
        *err_no = ENAMETOOLONG;
        return -1;
    }
    /* any socket will do for SIOCETHTOOL; a UNIX one needs no network stack */
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err_no = errno;
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
    ifr.ifr_data = (void *)ec;
    rc = ioctl(fd, SIOCETHTOOL, &ifr);
    *err_no = rc < 0 ? errno : 0;
    close(fd);
    return rc;
}

int vt_tap_get_coalesce(const char *dev, vt_coalesce *out, vt_err *err)
{
    struct ethtool_coalesce ec;
    int e;

    memset(&ec, 0, sizeof(ec));
    ec.cmd = ETHTOOL_GCOALESCE;
    if (ethtool_ioctl(dev, &ec, &e) < 0) {
        if (e == EOPNOTSUPP)
            return 1;
        if (e == ENODEV)
            vt_err_set(err, _("no device %s on this host"), dev);
        else
            vt_err_set(err, "%s: ETHTOOL_GCOALESCE: %s", dev, strerror(e));
        return -1;
    }
    out->rx_frames = ec.rx_max_coalesced_frames;
    out->rx_usecs = ec.rx_coalesce_usecs;
    out->tx_frames = ec.tx_max_coalesced_frames;
    out->tx_usecs = ec.tx_coalesce_usecs;
    return 0;
}

int vt_tap_set_rx_frames(const char *dev, unsigned frames, unsigned *was, unsigned *now,
                         vt_err *err)
{
    struct ethtool_coalesce ec;
    int e;

    memset(&ec, 0, sizeof(ec));
    ec.cmd = ETHTOOL_GCOALESCE;
    if (ethtool_ioctl(dev, &ec, &e) < 0) {
        vt_err_set(err, "%s: %s", dev,
                   e == EOPNOTSUPP ? _("the device has no packet coalescing (EOPNOTSUPP)")
                   : e == ENODEV   ? _("no such device on this host")
                                   : strerror(e));
        return -1;
    }
    if (was)
        *was = ec.rx_max_coalesced_frames;
    ec.cmd = ETHTOOL_SCOALESCE;
    ec.rx_max_coalesced_frames = frames;
    if (ethtool_ioctl(dev, &ec, &e) < 0) {
        if (e == EINVAL)
            vt_err_set(err, _("%s: the device refuses rx-frames %u (EINVAL: its driver does not "
                       "take that value)"), dev, frames);
        else if (e == EOPNOTSUPP)
            vt_err_set(err, _("%s: the device cannot set rx-frames (EOPNOTSUPP)"), dev);
        else if (e == EPERM)
            vt_err_set(err, _("%s: setting coalescing needs CAP_NET_ADMIN (EPERM)"), dev);
        else
            vt_err_set(err, _("%s: ETHTOOL_SCOALESCE failed: %s"), dev, strerror(e));
        return -1;
    }
    if (now) {
        vt_coalesce co;
        *now = vt_tap_get_coalesce(dev, &co, NULL) == 0 ? co.rx_frames : frames;
    }
    return 0;
}

unsigned vt_tap_mtu(const char *sysfs_root, const char *dev)
{
    char path[4096], buf[32];
    FILE *f;
    unsigned mtu = 0;

    if (!dev || strchr(dev, '/') || strcmp(dev, "..") == 0)
        return 0;
    snprintf(path, sizeof(path), "%s/class/net/%s/mtu", sysfs_root ? sysfs_root : "/sys", dev);
    if (!(f = fopen(path, "re")))
        return 0;
    if (fgets(buf, sizeof(buf), f))
        mtu = (unsigned)strtoul(buf, NULL, 10);
    fclose(f);
    return mtu;
}

void vt_tap_read(const char *sysfs_root, const vt_domdef *live, bool active, bool remote,
                 vt_nic_host **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    for (size_t i = 0; live && i < live->nnics; i++) {
        const vt_nic_def *k = &live->nics[i];
        vt_nic_host *h = vt_array_push(out, n, sizeof(*h));
        vt_err err = { { 0 } };
        int rc;

        h->mac = vt_strdup(k->mac ? k->mac : "");
        h->source = k->source ? vt_strdup(k->source) : NULL;
        if (remote) {
            h->why = vt_strdup(_("remote connection: the tap is on another host"));
            continue;
        }
        if (!active) {
            h->why = vt_strdup(_("not running: libvirt makes the tap at start"));
            continue;
        }
        if (!k->target) {
            h->why = vt_strdup(_("no host device in the running definition"));
            continue;
        }
        h->dev = vt_strdup(k->target);
        h->mtu = vt_tap_mtu(sysfs_root, k->target);
        rc = vt_tap_get_coalesce(k->target, &h->co, &err);
        if (rc == 0)
            h->has_coalesce = true;
        else
            h->why = rc > 0 ? vt_strdup(_("the device has no coalescing (EOPNOTSUPP)"))
                            : vt_strdup(err.msg);
    }
}

const vt_nic_host *vt_tap_find(const vt_nic_host *h, size_t n, const char *mac)
{
    for (size_t i = 0; mac && i < n; i++)
        if (h[i].mac && strcasecmp(h[i].mac, mac) == 0)
            return &h[i];
    return NULL;
}

void vt_nic_hosts_free(vt_nic_host *h, size_t n)
{
    for (size_t i = 0; h && i < n; i++) {
        free(h[i].mac);
        free(h[i].dev);
        free(h[i].source);
        free(h[i].why);
    }
    free(h);
}
