#!/usr/bin/env python3
"""Generate virt-tune demo host data: host.xml, sysfs/, proc/, README.md.

Run: python3 tools/gen-demo.py data/demo   (from the top of the source tree)
"""
import os
import re
import random
import shutil
import sys

GiB = 1024 * 1024  # in KiB

# ---------------------------------------------------------------------------
# Host
# ---------------------------------------------------------------------------
HOST_NAME = "demo-kvm01"
NODE_CPUS = {0: list(range(0, 8)), 1: list(range(8, 16))}
# 2M / 1G pools per host node: nr pages (free is derived from running VMs)
POOL_NR = {
    (0, 2048): 4608,   # 9 GiB on node 0, db-primary takes 4096
    (1, 2048): 1024,   # 2 GiB on node 1, nobody running uses it
    (0, 1048576): 0,
    (1, 1048576): 9,   # 9 GiB on node 1, db-replica takes 8
}


def D(**kw):
    return kw


def disk(dev, src, bus="virtio", kind="file", device="disk", fmt="qcow2",
         cache="none", io="native", iothread=None, rawio=None, sgio=None,
         shareable=False, readonly=False):
    return D(dev=dev, src=src, bus=bus, kind=kind, device=device, fmt=fmt,
             cache=cache, io=io, iothread=iothread, rawio=rawio, sgio=sgio,
             shareable=shareable, readonly=readonly)


def nic(mac, bridge="br-prod", model="virtio", driver=None, queues=None):
    return D(mac=mac, bridge=bridge, model=model, driver=driver, queues=queues)


SEL_DYN = [D(type="dynamic", model="selinux", relabel="yes")]
SEL_DYN_DAC = SEL_DYN + [D(type="dynamic", model="dac", relabel="yes")]


def sel_static(label, relabel):
    return [D(type="static", model="selinux", relabel=relabel, label=label)]


# numa_maps RAM spec: list of (policy, backend id, hugepage kB or None, {node: fraction})
VMS = [
    D(name="db-primary", uuid="f9674005-b1b2-4300-a8ea-05316ae64e06",
      state="running", pid=2841, vcpus=4, mem=8, topo=(1, 2, 2),
      iothreads=2, iothreadids=True,
      vcpupin=["2", "3", "4", "5"], emulatorpin="6-7",
      iothreadpin={1: "6", 2: "7"},
      hugepages=D(size=2, unit="MiB", nodeset="0"),
      cells=[("0-3", 8)],
      numatune=D(mode="strict", nodeset="0", memnodes=[(0, "strict", "0")]),
      disks=[disk("vda", "/var/lib/libvirt/images/db-primary.raw", fmt="raw", iothread=1),
             disk("vdb", "/dev/vg_nvme0/db-primary-data", kind="block", fmt="raw", iothread=2)],
      controllers=[],
      nics=[nic("52:54:00:63:16:0d", driver="vhost", queues=4)],
      agent=False, seclabels=SEL_DYN_DAC, balloon=False,
      live_label="system_u:system_r:svirt_t:s0:c112,c647",
      home=[0], ram=[("bind:0", "ram-node0", 2048, {0: 1.0})], spill=None,
      demo="WELL-TUNED (node 0): 2 IOThreads 1:1 with 2 virtio disks, pinned to CPUs 6-7 "
           "(vCPUs on 2-5), 2M hugepages from node 0 pool, numatune strict 0 and all memory "
           "on node 0, dynamic sVirt, cache=none io=native, vhost queues=4 = 4 vCPUs"),
    D(name="db-replica", uuid="10500046-6c6f-4ae4-8cbb-8a97c8c9fdf9",
      state="running", pid=2907, vcpus=4, mem=8, topo=(1, 2, 2),
      iothreads=2, iothreadids=True,
      vcpupin=["10", "11", "12", "13"], emulatorpin="14-15",
      iothreadpin={1: "14", 2: "15"},
      hugepages=D(size=1, unit="GiB", nodeset="0"),
      cells=[("0-3", 8)],
      numatune=D(mode="strict", nodeset="1", memnodes=[(0, "strict", "1")]),
      disks=[disk("vda", "/var/lib/libvirt/images/db-replica.raw", fmt="raw", iothread=1),
             disk("sda", "/dev/vg_nvme1/db-replica-data", bus="scsi", kind="block", fmt="raw")],
      controllers=[D(index=0, iothread=2)],
      nics=[nic("52:54:00:51:c6:42", driver="vhost", queues=4)],
      agent=False, seclabels=SEL_DYN, balloon=False,
      live_label="system_u:system_r:svirt_t:s0:c233,c871",
      home=[1], ram=[("bind:1", "ram-node0", 1048576, {1: 1.0})], spill=None,
      demo="WELL-TUNED (node 1): IOThread 1 for virtio disk vda, IOThread 2 for the "
           "virtio-scsi controller of sda, pinned to 14/15 (vCPUs on 10-13), 1G hugepages "
           "from node 1 pool, numatune strict 1 and all memory on node 1, dynamic sVirt, "
           "cache=none io=native, vhost queues=4 = 4 vCPUs"),
    D(name="web-01", uuid="ae5c61d1-792a-413c-bf0c-7b8a4f12ad30",
      state="running", pid=3012, vcpus=2, mem=4, topo=(2, 1, 1),
      iothreads=1, iothreadids=False,
      disks=[disk("vda", "/var/lib/libvirt/images/web-01.qcow2", iothread=1),
             disk("vdb", "/var/lib/libvirt/images/web-01-data.qcow2")],
      nics=[nic("52:54:00:8e:b0:85", driver="vhost", queues=2)],
      seclabels=SEL_DYN_DAC, live_label="system_u:system_r:svirt_t:s0:c58,c902",
      home=[0], ram=[("default", "pc.ram", None, {0: 0.97, 1: 0.03})],
      demo="virtio disk vdb has no IOThread although the VM has <iothreads>1</iothreads>"),
    D(name="web-02", uuid="16a0e672-9867-49de-a94d-46d83b52faaa",
      state="running", pid=3058, vcpus=2, mem=2, topo=(2, 1, 1),
      disks=[disk("vda", "/var/lib/libvirt/images/web-02.qcow2")],
      nics=[nic("52:54:00:38:4e:ed", driver="vhost", queues=2)],
      seclabels=sel_static("system_u:system_r:svirt_t:s0:c10,c20", "yes"),
      live_label="system_u:system_r:svirt_t:s0:c10,c20",
      home=[0], ram=[("default", "pc.ram", None, {0: 1.0})],
      demo="static sVirt label s0:c10,c20, same MCS categories as running web-03"),
    D(name="web-03", uuid="e4b1e7d3-2250-4dc6-86ed-3a18fd29a615",
      state="running", pid=3104, vcpus=2, mem=2, topo=(2, 1, 1),
      disks=[disk("vda", "/var/lib/libvirt/images/web-03.qcow2")],
      nics=[nic("52:54:00:b8:51:b9", driver="vhost", queues=2)],
      seclabels=sel_static("system_u:system_r:svirt_t:s0:c10,c20", "yes"),
      live_label="system_u:system_r:svirt_t:s0:c10,c20",
      home=[0], ram=[("default", "pc.ram", None, {0: 1.0})],
      demo="static sVirt label s0:c10,c20, same MCS categories as running web-02"),
    D(name="build-runner", uuid="023fe528-c3bb-4057-a748-4161dab18856",
      state="running", pid=3177, vcpus=4, mem=4, topo=(4, 1, 1),
      iothreads=1, iothreadids=True,
      vcpupin=["8-9", "8-9", "8-9", "8-9"], emulatorpin="8-9", iothreadpin={1: "8-9"},
      disks=[disk("vda", "/var/lib/libvirt/images/build-runner.qcow2", cache="writeback",
                  io="threads", iothread=1)],
      nics=[nic("52:54:00:64:68:a9", driver="vhost", queues=4)],
      seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c377,c415",
      home=[1], ram=[("default", "pc.ram", None, {1: 0.98, 0: 0.02})],
      demo="IOThread 1 pinned to 8-9, the same CPUs as its vCPU pins; vda cache=writeback io=threads"),
    D(name="report-srv", uuid="e34d1fa9-652d-4055-a7a8-7090419baa7b",
      state="running", pid=3230, vcpus=4, mem=4, topo=(4, 1, 1),
      numatune=D(mode="strict", nodeset="0", memnodes=[]),
      disks=[disk("vda", "/var/lib/libvirt/images/report-srv.qcow2")],
      nics=[nic("52:54:00:7e:c1:5f", driver="vhost", queues=4)],
      seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c144,c530",
      home=[0, 1], ram=[("default", "pc.ram", None, {0: 0.55, 1: 0.45})],
      demo="numatune strict nodeset 0, but numa_maps show about 55% on node 0 and 45% on node 1"),
    D(name="legacy-ftp", uuid="56e8e112-c604-488b-b320-e3eddb1f5739",
      state="running", pid=3291, vcpus=1, mem=1, topo=(1, 1, 1), machine="pc-i440fx-7.2",
      disks=[disk("hda", "/var/lib/libvirt/images/legacy-ftp.qcow2", bus="ide", io=None)],
      nics=[nic("52:54:00:90:61:7e", model="e1000")],
      seclabels=[D(type="none")], live_label="system_u:system_r:virtd_t:s0-s0:c0.c1023",
      home=[0], ram=[("default", "pc.ram", None, {0: 1.0})],
      demo="<seclabel type='none'/> (QEMU runs unconfined as virtd_t); e1000 NIC (no virtio, no vhost); IDE disk"),
    D(name="nfs-gw", uuid="7ffc816c-3fbf-4ce1-8298-755f715885f0",
      state="running", pid=3340, vcpus=2, mem=2, topo=(2, 1, 1),
      disks=[disk("vda", "/var/lib/libvirt/images/nfs-gw.raw", fmt="raw"),
             disk("vdb", "/dev/vg_data/nfs-export", kind="block", fmt="raw")],
      nics=[nic("52:54:00:c0:4e:49", driver="vhost", queues=2)],
      seclabels=sel_static("system_u:system_r:svirt_t:s0:c30,c40", "no"),
      live_label="system_u:system_r:svirt_t:s0:c30,c40",
      home=[1], ram=[("default", "pc.ram", None, {1: 1.0})],
      demo="static sVirt label with relabel='no' (images keep whatever label they have)"),
    D(name="ora-db01", uuid="55cc3805-3ada-4565-85ac-830182931a85",
      state="running", pid=3402, vcpus=4, mem=4, topo=(1, 2, 2),
      iothreads=2, iothreadids=True,
      cells=[("0-1", 2), ("2-3", 2)],
      numatune=D(mode="strict", nodeset="0-1", memnodes=[(0, "strict", "0"), (1, "strict", "1")]),
      disks=[disk("vda", "/var/lib/libvirt/images/ora-db01.qcow2", iothread=1),
             disk("sda", "/dev/mapper/mpatha", bus="scsi", kind="block", device="lun",
                  fmt="raw", rawio="yes", sgio="filtered", shareable=True),
             disk("sdb", "/dev/mapper/mpathb", bus="scsi", kind="block", device="lun",
                  fmt="raw", rawio="yes", sgio="filtered", shareable=True)],
      controllers=[D(index=0, iothread=2)],
      nics=[nic("52:54:00:f8:b5:71", driver="vhost", queues=4),
            nic("52:54:00:0d:cc:e4", bridge="br-ic", driver="vhost", queues=4)],
      seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c66,c749",
      home=[0], ram=[("bind:0", "ram-node0", None, {0: 1.0}), ("bind:1", "ram-node1", None, {1: 1.0})],
      demo="two shared LUNs (device='lun' rawio='yes') on a virtio-scsi controller with IOThread 2; "
           "guest NUMA with <memnode> per cell (memory on both nodes by design)"),
    D(name="lb-01", uuid="b96a59fc-d2e2-483b-9b7c-ad91f3d8e419",
      state="running", pid=3466, vcpus=2, mem=1, topo=(2, 1, 1),
      disks=[disk("vda", "/var/lib/libvirt/images/lb-01.qcow2")],
      nics=[nic("52:54:00:77:00:b8", driver="vhost", queues=8),
            nic("52:54:00:36:07:30", bridge="br-dmz", driver="vhost", queues=2)],
      seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c201,c318",
      home=[0], ram=[("default", "pc.ram", None, {0: 1.0})],
      demo="virtio NIC with vhost queues=8 on a 2-vCPU VM"),
    D(name="mq-broker", uuid="7ecf91db-66b1-4746-8178-bbb16fc51407",
      state="paused", pid=3519, vcpus=4, mem=4, topo=(4, 1, 1),
      iothreads=1, iothreadids=True,
      numatune=D(mode="interleave", nodeset="0-1", memnodes=[]),
      disks=[disk("vda", "/var/lib/libvirt/images/mq-broker.qcow2", iothread=1)],
      nics=[nic("52:54:00:df:f8:83", driver="vhost", queues=1)],
      seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c95,c612",
      home=[0, 1], ram=[("interleave:0-1", "pc.ram", None, {0: 0.5, 1: 0.5})],
      demo="virtio NIC with vhost queues=1 on a 4-vCPU VM; numatune interleave 0-1 (paused)"),
    D(name="dev-sandbox", uuid="eb7771b4-f122-43e2-a80f-8c6589a2bef2",
      state="running", pid=3588, vcpus=2, mem=2, topo=(2, 1, 1),
      numatune=D(mode="preferred", nodeset="1", memnodes=[]),
      disks=[disk("vda", "/var/lib/libvirt/images/dev-sandbox.qcow2")],
      nics=[nic("52:54:00:0f:69:7b", bridge="br-dev", driver="qemu")],
      seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c404,c777",
      home=[1], ram=[("prefer:1", "pc.ram", None, {1: 0.92, 0: 0.08})],
      demo="virtio NIC with <driver name='qemu'/> (userspace virtio-net, no vhost); numatune preferred 1"),
    D(name="mail-01", uuid="a739f068-4227-4020-87bb-424f4cac269c",
      state="running", pid=3650, vcpus=2, mem=2, topo=(2, 1, 1),
      disks=[disk("vda", "/var/lib/libvirt/images/mail-01.qcow2"),
             disk("vdb", "/var/lib/libvirt/images/mail-01-spool.qcow2")],
      nics=[nic("52:54:00:d1:71:6c", driver="vhost", queues=2)],
      agent=True, seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c11,c985",
      home=[0], ram=[("default", "pc.ram", None, {0: 1.0})],
      demo="qemu-ga channel org.qemu.guest_agent.0"),
    D(name="测试-虚拟机", uuid="5d797df5-bc29-407f-8b4b-b5b7fccfd262",
      state="paused", pid=3712, vcpus=1, mem=1, topo=(1, 1, 1),
      disks=[disk("vda", "/var/lib/libvirt/images/test-vm-cn.qcow2")],
      nics=[nic("52:54:00:66:6e:7a")],
      seclabels=SEL_DYN, live_label="system_u:system_r:svirt_t:s0:c520,c861",
      home=[1], ram=[("default", "pc.ram", None, {1: 1.0})],
      demo="wide UTF-8 name (each CJK character is 2 columns); virtio NIC without <driver> (defaults)"),
    D(name="analytics-01", uuid="026d9ffc-e062-481e-a69d-d880dd011f07",
      state="shutoff", vcpus=8, mem=16, topo=(1, 4, 2),
      iothreads=2, iothreadids=True,
      hugepages=D(size=2, unit="MiB", nodeset="0"),
      cells=[("0-7", 16)],
      numatune=D(mode="strict", nodeset="1", memnodes=[(0, "strict", "1")]),
      disks=[disk("vda", "/var/lib/libvirt/images/analytics-01.qcow2", iothread=1),
             disk("vdb", "/dev/vg_data/analytics-scratch", kind="block", fmt="raw", iothread=2)],
      nics=[nic("52:54:00:a9:8d:83", driver="vhost", queues=8)],
      seclabels=SEL_DYN, balloon=False,
      demo="16 GiB on 2M hugepages bound to node 1 (8192 pages) but node 1 has only 1024 free"),
    D(name="win-jump01", uuid="1312a405-47a1-4bde-beb1-b782ac314114",
      state="shutoff", vcpus=2, mem=4, topo=(1, 2, 1),
      disks=[disk("sda", "/var/lib/libvirt/images/win-jump01.qcow2", bus="sata"),
             disk("sdb", "/var/lib/libvirt/images/virtio-win-0.1.240.iso", bus="sata",
                  device="cdrom", fmt="raw", cache=None, io=None, readonly=True)],
      nics=[nic("52:54:00:4a:2e:91", bridge="br-mgmt", model="e1000e")],
      agent=True, seclabels=SEL_DYN,
      demo="shut off; SATA disk and cdrom, e1000e NIC, qemu-ga channel"),
    D(name="template-rhel9", uuid="d9de4633-1699-4c24-88fd-df7b20ca267c",
      state="shutoff", vcpus=2, mem=2, topo=(2, 1, 1),
      disks=[disk("vda", "/var/lib/libvirt/images/template-rhel9.qcow2")],
      nics=[nic("52:54:00:3c:81:d5")],
      seclabels=[],
      demo="shut off; plain template, no <seclabel> (driver default), virtio NIC without <driver>"),
]

DEFAULTS = dict(machine="pc-q35-7.2", iothreads=0, iothreadids=False, vcpupin=None,
                emulatorpin=None, iothreadpin={}, hugepages=None, cells=[], numatune=None,
                controllers=[], agent=False, balloon=True, live_label=None, spill=None)
for v in VMS:
    for k, val in DEFAULTS.items():
        v.setdefault(k, val)

RUNSTATE = {"running": 1, "paused": 3, "shutoff": 5}

# domain ids: the test driver numbers active domains in file order from 1
_next = 1
for v in VMS:
    if v["state"] != "shutoff":
        v["id"] = _next
        _next += 1


def short_name(v):
    # virDomainDefGetShortName: "%d-%.20s"
    return "%d-%s" % (v["id"], v["name"][:20])


# ---------------------------------------------------------------------------
# host.xml
# ---------------------------------------------------------------------------
MISTAKES = [
    ("virtio disk without an IOThread in a VM that has IOThreads", "web-01 (vdb)"),
    ("IOThread pinned onto the same CPUs as the VM's vCPU pins", "build-runner (8-9)"),
    ("emulator pinned onto the same CPUs as the VM's vCPU pins", "build-runner (8-9)"),
    ("2M-hugepage VM larger than the free pool of its node", "analytics-01 (8192 pages, node 1 has 1024 free)"),
    ("memory on both nodes against numatune strict nodeset 0", "report-srv (proc/3230/numa_maps)"),
    ("two running VMs with the same static MCS categories", "web-02 + web-03 (s0:c10,c20)"),
    ("seclabel type='none'", "legacy-ftp"),
    ("seclabel relabel='no'", "nfs-gw"),
    ("LUN with rawio='yes'", "ora-db01 (sda, sdb)"),
    ("virtio NIC queues > vCPUs", "lb-01 (queues=8, 2 vCPUs)"),
    ("virtio NIC queues=1 on a 4-vCPU VM", "mq-broker (dumpxml omits queues='1')"),
    ("NIC not using vhost", "dev-sandbox (driver name='qemu'); also legacy-ftp e1000, win-jump01 e1000e"),
    ("disk cache='writeback'", "build-runner (vda)"),
    ("guest agent channel (qemu-ga)", "mail-01; win-jump01 (shut off)"),
]
WELL_TUNED = ["db-primary", "db-replica"]


def xml_disk(d, out, ind):
    attrs = "type='%s' device='%s'" % (d["kind"], d["device"])
    if d["rawio"]:
        attrs += " rawio='%s'" % d["rawio"]
    if d["sgio"]:
        attrs += " sgio='%s'" % d["sgio"]
    out.append("%s<disk %s>" % (ind, attrs))
    drv = "name='qemu' type='%s'" % d["fmt"]
    if d["cache"]:
        drv += " cache='%s'" % d["cache"]
    if d["io"]:
        drv += " io='%s'" % d["io"]
    if d["iothread"]:
        drv += " iothread='%d'" % d["iothread"]
    out.append("%s  <driver %s/>" % (ind, drv))
    if d["kind"] == "file":
        out.append("%s  <source file='%s'/>" % (ind, d["src"]))
    else:
        out.append("%s  <source dev='%s'/>" % (ind, d["src"]))
    out.append("%s  <target dev='%s' bus='%s'/>" % (ind, d["dev"], d["bus"]))
    if d["readonly"]:
        out.append("%s  <readonly/>" % ind)
    if d["shareable"]:
        out.append("%s  <shareable/>" % ind)
    if d["bus"] == "scsi":
        unit = ord(d["dev"][-1]) - ord("a")
        out.append("%s  <address type='drive' controller='0' bus='0' target='0' unit='%d'/>" % (ind, unit))
    out.append("%s</disk>" % ind)


def xml_domain(v):
    o = []
    o.append("  <domain type='kvm' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>")
    o.append("    <name>%s</name>" % v["name"])
    o.append("    <uuid>%s</uuid>" % v["uuid"])
    o.append("    <memory unit='GiB'>%d</memory>" % v["mem"])
    o.append("    <currentMemory unit='GiB'>%d</currentMemory>" % v["mem"])
    if v["hugepages"]:
        h = v["hugepages"]
        o.append("    <memoryBacking>")
        o.append("      <hugepages>")
        o.append("        <page size='%d' unit='%s' nodeset='%s'/>" % (h["size"], h["unit"], h["nodeset"]))
        o.append("      </hugepages>")
        o.append("    </memoryBacking>")
    o.append("    <vcpu placement='static'>%d</vcpu>" % v["vcpus"])
    if v["iothreads"]:
        o.append("    <iothreads>%d</iothreads>" % v["iothreads"])
        if v["iothreadids"]:
            o.append("    <iothreadids>")
            for i in range(1, v["iothreads"] + 1):
                o.append("      <iothread id='%d'/>" % i)
            o.append("    </iothreadids>")
    if v["vcpupin"] or v["emulatorpin"] or v["iothreadpin"]:
        o.append("    <cputune>")
        for i, cs in enumerate(v["vcpupin"] or []):
            o.append("      <vcpupin vcpu='%d' cpuset='%s'/>" % (i, cs))
        if v["emulatorpin"]:
            o.append("      <emulatorpin cpuset='%s'/>" % v["emulatorpin"])
        for i, cs in sorted(v["iothreadpin"].items()):
            o.append("      <iothreadpin iothread='%d' cpuset='%s'/>" % (i, cs))
        o.append("    </cputune>")
    if v["numatune"]:
        n = v["numatune"]
        o.append("    <numatune>")
        o.append("      <memory mode='%s' nodeset='%s'/>" % (n["mode"], n["nodeset"]))
        for cell, mode, ns in n["memnodes"]:
            o.append("      <memnode cellid='%d' mode='%s' nodeset='%s'/>" % (cell, mode, ns))
        o.append("    </numatune>")
    o.append("    <os>")
    o.append("      <type arch='x86_64' machine='%s'>hvm</type>" % v["machine"])
    o.append("      <boot dev='hd'/>")
    o.append("    </os>")
    o.append("    <features>")
    o.append("      <acpi/>")
    o.append("      <apic/>")
    o.append("    </features>")
    s, c, t = v["topo"]
    o.append("    <cpu mode='host-passthrough' check='none' migratable='on'>")
    o.append("      <topology sockets='%d' dies='1' cores='%d' threads='%d'/>" % (s, c, t))
    if v["cells"]:
        o.append("      <numa>")
        for i, (cpus, mem) in enumerate(v["cells"]):
            o.append("        <cell id='%d' cpus='%s' memory='%d' unit='GiB'/>" % (i, cpus, mem))
        o.append("      </numa>")
    o.append("    </cpu>")
    o.append("    <clock offset='utc'/>")
    o.append("    <on_poweroff>destroy</on_poweroff>")
    o.append("    <on_reboot>restart</on_reboot>")
    o.append("    <on_crash>destroy</on_crash>")
    o.append("    <devices>")
    o.append("      <emulator>/usr/bin/qemu-system-x86_64</emulator>")
    for d in v["disks"]:
        xml_disk(d, o, "      ")
    for c in v["controllers"]:
        o.append("      <controller type='scsi' index='%d' model='virtio-scsi'>" % c["index"])
        o.append("        <driver iothread='%d'/>" % c["iothread"])
        o.append("      </controller>")
    for n in v["nics"]:
        o.append("      <interface type='bridge'>")
        o.append("        <mac address='%s'/>" % n["mac"])
        o.append("        <source bridge='%s'/>" % n["bridge"])
        o.append("        <model type='%s'/>" % n["model"])
        if n["driver"]:
            q = " queues='%d'" % n["queues"] if n["queues"] else ""
            o.append("        <driver name='%s'%s/>" % (n["driver"], q))
        o.append("      </interface>")
    o.append("      <serial type='pty'>")
    o.append("        <target port='0'/>")
    o.append("      </serial>")
    o.append("      <console type='pty'>")
    o.append("        <target type='serial' port='0'/>")
    o.append("      </console>")
    if v["agent"]:
        if v.get("id"):
            path = "/var/lib/libvirt/qemu/channel/target/domain-%s/org.qemu.guest_agent.0" % short_name(v)
            o.append("      <channel type='unix'>")
            o.append("        <source mode='bind' path='%s'/>" % path)
        else:
            o.append("      <channel type='unix'>")
        o.append("        <target type='virtio' name='org.qemu.guest_agent.0'/>")
        o.append("      </channel>")
    o.append("      <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>")
    if v["balloon"]:
        o.append("      <memballoon model='virtio'/>")
    else:
        o.append("      <memballoon model='none'/>")
    o.append("    </devices>")
    for sl in v["seclabels"]:
        if sl["type"] == "none":
            o.append("    <seclabel type='none'/>")
        elif sl.get("label"):
            o.append("    <seclabel type='%s' model='%s' relabel='%s'>" % (sl["type"], sl["model"], sl["relabel"]))
            o.append("      <label>%s</label>" % sl["label"])
            o.append("    </seclabel>")
        else:
            o.append("    <seclabel type='%s' model='%s' relabel='%s'/>" % (sl["type"], sl["model"], sl["relabel"]))
    o.append("    <test:runstate>%d</test:runstate>" % RUNSTATE[v["state"]])
    o.append("  </domain>")
    return o


def host_xml():
    o = ['<?xml version="1.0" encoding="UTF-8"?>']
    o.append("<!--")
    o.append("  virt-tune demo host \"%s\": libvirt test-driver node file." % HOST_NAME)
    o.append("  Open with: virsh -c test:///ABSOLUTE/PATH/data/demo/host.xml list (all)")
    o.append("  Host: 2 sockets x 4 cores x 2 threads = 16 CPUs, 2 NUMA nodes")
    o.append("  (node 0 = CPUs 0-7, node 1 = CPUs 8-15), 64 GiB. libvirt's nodeinfo counts")
    o.append("  sockets PER NUMA NODE, hence <nodes>2</nodes> <sockets>1</sockets> below.")
    o.append("  Runstate per domain: <test:runstate> 1 = running, 3 = paused, 5 = shut off.")
    o.append("  The matching sysfs and procfs trees are data/demo/sysfs and data/demo/proc.")
    o.append("")
    o.append("  Deliberate mistakes (mistake: VM):")
    w = max(len(m) for m, _ in MISTAKES)
    for m, vm in MISTAKES:
        o.append("    %-*s  %s" % (w, m + ":", vm))
    o.append("")
    o.append("  Well-tuned, must produce no finding: %s." % ", ".join(WELL_TUNED))
    o.append("")
    o.append("  Test driver limits seen with libvirt 9.0: sgio='unfiltered' is refused")
    o.append("  (\"unfiltered sgio is no longer supported\"), so LUNs use sgio='filtered';")
    o.append("  live <label>/<imagelabel> of dynamic seclabels are dropped, so live MCS")
    o.append("  labels are in proc/PID/attr/current; the hostname is the real machine's;")
    o.append("  virNodeGetCPUMap reports 8 CPUs, so size CPU maps from nodeinfo (16).")
    o.append("-->")
    o.append("<node>")
    for v in VMS:
        o.append("  <!-- %s: %s -->" % (v["name"], v["demo"].replace("--", "-")))
        o.extend(xml_domain(v))
    o.append("  <cpu>")
    o.append("    <mhz>2400</mhz>")
    o.append("    <model>x86_64</model>")
    o.append("    <active>16</active>")
    o.append("    <nodes>2</nodes>")
    o.append("    <sockets>1</sockets>")
    o.append("    <cores>4</cores>")
    o.append("    <threads>2</threads>")
    o.append("  </cpu>")
    o.append("  <memory>%d</memory>" % (64 * GiB))
    o.append("</node>")
    return "\n".join(o) + "\n"


# ---------------------------------------------------------------------------
# sysfs
# ---------------------------------------------------------------------------
def used_pages():
    used = {}
    for v in VMS:
        if v["state"] == "shutoff" or not v["hugepages"]:
            continue
        for pol, bid, hp, split in v["ram"]:
            for node, frac in split.items():
                pages = int(v["mem"] * GiB * frac / hp) // len(v["ram"])
                used[(node, hp)] = used.get((node, hp), 0) + pages
    return used


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, bytes):
        with open(path, "wb") as f:
            f.write(data)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(data)


def gen_sysfs(root):
    s = os.path.join(root, "sysfs")
    w = lambda rel, val: write(os.path.join(s, rel), "%s\n" % val)
    w("module/kvm/parameters/halt_poll_ns", 0)
    w("module/kvm/parameters/halt_poll_ns_grow", 2)
    w("module/kvm/parameters/halt_poll_ns_grow_start", 10000)
    w("module/kvm/parameters/halt_poll_ns_shrink", 0)
    w("module/vhost_net/refcnt", 1)
    w("devices/virtual/workqueue/cpumask", "ffff")
    w("devices/virtual/workqueue/cpumask_requested", "ffff")
    w("devices/virtual/workqueue/cpumask_isolated", "0")
    w("kernel/mm/transparent_hugepage/enabled", "always [madvise] never")
    w("kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never")
    used = used_pages()
    for hp in (2048, 1048576):
        tot_nr = tot_free = 0
        for node in (0, 1):
            nr = POOL_NR[(node, hp)]
            free = nr - used.get((node, hp), 0)
            assert free >= 0, (node, hp)
            tot_nr += nr
            tot_free += free
            base = "devices/system/node/node%d/hugepages/hugepages-%dkB/" % (node, hp)
            w(base + "nr_hugepages", nr)
            w(base + "free_hugepages", free)
            w(base + "surplus_hugepages", 0)
        base = "kernel/mm/hugepages/hugepages-%dkB/" % hp
        w(base + "nr_hugepages", tot_nr)
        w(base + "free_hugepages", tot_free)
        w(base + "resv_hugepages", 0)
        w(base + "surplus_hugepages", 0)
        w(base + "nr_overcommit_hugepages", 0)
    w("devices/system/node/online", "0-1")
    w("devices/system/node/possible", "0-1")
    w("devices/system/node/has_memory", "0-1")
    w("devices/system/node/has_cpu", "0-1")
    for node, cpus in NODE_CPUS.items():
        w("devices/system/node/node%d/cpulist" % node, "%d-%d" % (cpus[0], cpus[-1]))
        w("devices/system/node/node%d/meminfo" % node,
          "Node %d MemTotal:       33554432 kB" % node)
    w("devices/system/cpu/online", "0-15")
    w("devices/system/cpu/possible", "0-15")
    w("devices/system/cpu/present", "0-15")
    # SMT siblings are adjacent (0,1), (2,3), ...; socket = NUMA node
    for cpu in range(16):
        base = "devices/system/cpu/cpu%d/topology/" % cpu
        w(base + "physical_package_id", cpu // 8)
        w(base + "core_id", (cpu % 8) // 2)
        sib = cpu & ~1
        w(base + "thread_siblings_list", "%d-%d" % (sib, sib + 1))
        w(base + "core_siblings_list", "%d-%d" % (cpu // 8 * 8, cpu // 8 * 8 + 7))
    w("fs/selinux/enforce", 1)
    return used


# ---------------------------------------------------------------------------
# proc: cmdline
# ---------------------------------------------------------------------------
def cache_json(cache):
    direct = "true" if cache in ("none", "directsync") else "false"
    noflush = "true" if cache == "unsafe" else "false"
    return '"cache":{"direct":%s,"no-flush":%s}' % (direct, noflush)


def qemu_cmdline(v):
    q35 = v["machine"].startswith("pc-q35")
    a = ["/usr/bin/qemu-system-x86_64",
         "-name", "guest=%s,debug-threads=on" % v["name"],
         "-S",
         "-object", '{"qom-type":"secret","id":"masterKey0","format":"raw","file":"/var/lib/libvirt/qemu/domain-%s/master-key.aes"}' % short_name(v)]
    mach = v["machine"] + ",usb=off,vmport=off,dump-guest-core=off"
    if not v["cells"]:
        mach += ",memory-backend=pc.ram"
    a += ["-machine", mach, "-accel", "kvm", "-cpu", "host,migratable=on",
          "-m", "size=%dk" % (v["mem"] * GiB)]
    size = v["mem"] * GiB * 1024
    nt = v["numatune"]

    def backend(bid, nbytes, hostnodes):
        hp = v["hugepages"]
        if hp:
            mnt = "/dev/hugepages" if hp["unit"] == "MiB" else "/dev/hugepages1G"
            s = ('{"qom-type":"memory-backend-file","id":"%s","mem-path":"%s/libvirt/qemu/%s",'
                 % (bid, mnt, short_name(v)))
            if bid == "pc.ram":
                s += '"x-use-canonical-path-for-ramblock-id":false,'
            s += '"prealloc":true,"size":%d' % nbytes
        else:
            s = '{"qom-type":"memory-backend-ram","id":"%s",' % bid
            if bid == "pc.ram":
                s += '"x-use-canonical-path-for-ramblock-id":false,'
            s += '"size":%d' % nbytes
        if hostnodes is not None:
            s += ',"host-nodes":[%s],"policy":"%s"' % (hostnodes[0], hostnodes[1])
        return s + "}"

    if not v["cells"]:
        hn = None
        if nt and nt["mode"] == "interleave":
            hn = ("0,1", "interleave")
        elif nt and nt["mode"] == "preferred":
            hn = (nt["nodeset"], "preferred")
        a += ["-object", backend("pc.ram", size, hn)]
    a += ["-overcommit", "mem-lock=off"]
    s, c, t = v["topo"]
    a += ["-smp", "%d,sockets=%d,dies=1,cores=%d,threads=%d" % (v["vcpus"], s, c, t)]
    for i in range(1, v["iothreads"] + 1):
        a += ["-object", '{"qom-type":"iothread","id":"iothread%d"}' % i]
    for i, (cpus, mem) in enumerate(v["cells"]):
        hn = None
        for cell, mode, ns in nt["memnodes"]:
            if cell == i:
                hn = (ns, {"strict": "bind", "preferred": "preferred", "interleave": "interleave"}[mode])
        a += ["-object", backend("ram-node%d" % i, mem * GiB * 1024, hn),
              "-numa", "node,nodeid=%d,cpus=%s,memdev=ram-node%d" % (i, cpus, i)]
    a += ["-uuid", v["uuid"], "-no-user-config", "-nodefaults",
          "-chardev", "socket,id=charmonitor,fd=31,server=on,wait=off",
          "-mon", "chardev=charmonitor,id=monitor,mode=control",
          "-rtc", "base=utc,driftfix=slew",
          "-global", "kvm-pit.lost_tick_policy=delay",
          "-no-hpet", "-no-shutdown"]
    if q35:
        a += ["-global", "ICH9-LPC.disable_s3=1", "-global", "ICH9-LPC.disable_s4=1"]
    else:
        a += ["-global", "PIIX4_PM.disable_s3=1", "-global", "PIIX4_PM.disable_s4=1"]
    a += ["-boot", "strict=on"]

    # PCI: q35 gets one pcie-root-port per endpoint
    endpoints = []  # placeholders, filled in order
    nvirtio_blk = [d for d in v["disks"] if d["bus"] == "virtio"]
    count = len(v["nics"]) * (1 if q35 else 0) + len(v["controllers"]) + (1 if v["agent"] else 0) \
        + len(nvirtio_blk) + (1 if v["balloon"] else 0) + 1  # + usb/spare
    bus = {}
    if q35:
        for i in range(1, count + 1):
            slot, fn = 2 + (i - 1) // 8, (i - 1) % 8
            addr = "0x%x" % slot if fn == 0 else "0x%x.0x%x" % (slot, fn)
            extra = ',"multifunction":true' if fn == 0 else ""
            a += ["-device", '{"driver":"pcie-root-port","port":%d,"chassis":%d,"id":"pci.%d","bus":"pcie.0"%s,"addr":"%s"}'
                  % (15 + i, i, i, extra, addr)]
    nextbus = [1]

    def pci():
        if q35:
            b = nextbus[0]
            nextbus[0] += 1
            return '"bus":"pci.%d","addr":"0x0"' % b
        nextbus[0] += 1
        return '"bus":"pci.0","addr":"0x%x"' % (2 + nextbus[0])

    nicbus = [pci() for _ in v["nics"]]
    for c in v["controllers"]:
        a += ["-device", '{"driver":"virtio-scsi-pci","iothread":"iothread%d","id":"scsi%d",%s}'
              % (c["iothread"], c["index"], pci())]
    if v["agent"]:
        a += ["-device", '{"driver":"virtio-serial-pci","id":"virtio-serial0",%s}' % pci()]
    # disks: libvirt numbers blockdev nodes from the last disk down to 1
    nd = len(v["disks"])
    for i, d in enumerate(v["disks"]):
        n = nd - i
        drv = "file" if d["kind"] == "file" else "host_device"
        st = '{"driver":"%s","filename":"%s",' % (drv, d["src"])
        if d["io"]:
            st += '"aio":"%s",' % d["io"]
        st += '"node-name":"libvirt-%d-storage",%s,"auto-read-only":true,"discard":"unmap"}' % (
            n, cache_json(d["cache"] or "none"))
        a += ["-blockdev", st]
        node = "libvirt-%d-storage" % n
        if d["fmt"] == "qcow2":
            a += ["-blockdev", '{"node-name":"libvirt-%d-format","read-only":%s,%s,"driver":"qcow2","file":"libvirt-%d-storage"}'
                  % (n, "true" if d["readonly"] else "false", cache_json(d["cache"] or "none"), n)]
            node = "libvirt-%d-format" % n
        wc = ',"write-cache":"%s"' % ("off" if d["cache"] in ("writethrough", "directsync") else "on")
        boot = ',"bootindex":1' if i == 0 else ""
        if d["bus"] == "virtio":
            it = '"iothread":"iothread%d",' % d["iothread"] if d["iothread"] else ""
            a += ["-device", '{"driver":"virtio-blk-pci",%s%s,"drive":"%s","id":"virtio-disk%d"%s%s}'
                  % (it, pci(), node, i, boot, wc)]
        elif d["bus"] == "scsi":
            unit = ord(d["dev"][-1]) - ord("a")
            kind = "scsi-block" if d["device"] == "lun" else "scsi-hd"
            wcs = "" if kind == "scsi-block" else wc
            a += ["-device", '{"driver":"%s","bus":"scsi0.0","channel":0,"scsi-id":0,"lun":%d,"drive":"%s","id":"scsi0-0-0-%d"%s%s}'
                  % (kind, unit, node, unit, boot, wcs)]
        elif d["bus"] == "ide":
            a += ["-device", '{"driver":"ide-hd","bus":"ide.0","unit":0,"drive":"%s","id":"ide0-0-0"%s%s}'
                  % (node, boot, wc)]
        elif d["bus"] == "sata":
            unit = ord(d["dev"][-1]) - ord("a")
            kind = "ide-cd" if d["device"] == "cdrom" else "ide-hd"
            a += ["-device", '{"driver":"%s","bus":"ide.%d","drive":"%s","id":"sata0-0-%d"%s}'
                  % (kind, unit, node, unit, boot)]
    fd = 34
    for i, n in enumerate(v["nics"]):
        q = n["queues"] or 1
        vhost = n["model"] == "virtio" and n["driver"] != "qemu"
        if q > 1:
            fds = ":".join(str(fd + k) for k in range(q))
            vfds = ":".join(str(fd + q + k) for k in range(q))
            a += ["-netdev", '{"type":"tap","fds":"%s","vhost":true,"vhostfds":"%s","id":"hostnet%d"}' % (fds, vfds, i)]
            fd += 2 * q
        elif vhost:
            a += ["-netdev", '{"type":"tap","fd":"%d","vhost":true,"vhostfd":"%d","id":"hostnet%d"}' % (fd, fd + 1, i)]
            fd += 2
        else:
            a += ["-netdev", '{"type":"tap","fd":"%d","id":"hostnet%d"}' % (fd, i)]
            fd += 1
        if n["model"] == "virtio":
            mq = ',"mq":true,"vectors":%d' % (2 * q + 2) if q > 1 else ""
            a += ["-device", '{"driver":"virtio-net-pci"%s,"netdev":"hostnet%d","id":"net%d","mac":"%s",%s}'
                  % (mq, i, i, n["mac"], nicbus[i])]
        else:
            a += ["-device", '{"driver":"%s","netdev":"hostnet%d","id":"net%d","mac":"%s",%s}'
                  % (n["model"], i, i, n["mac"], nicbus[i])]
    a += ["-chardev", "pty,id=charserial0",
          "-device", '{"driver":"isa-serial","chardev":"charserial0","id":"serial0","index":0}']
    if v["agent"]:
        a += ["-chardev", "socket,id=charchannel0,fd=32,server=on,wait=off",
              "-device", '{"driver":"virtserialport","bus":"virtio-serial0.0","nr":1,"chardev":"charchannel0","id":"channel0","name":"org.qemu.guest_agent.0"}']
    a += ["-audiodev", '{"id":"audio1","driver":"none"}',
          "-vnc", "127.0.0.1:%d,audiodev=audio1" % (v["id"] - 1),
          "-device", '{"driver":"%s","id":"video0","bus":"%s","addr":"0x%s"}'
          % ("VGA" if not q35 else "virtio-vga", "pci.0" if not q35 else "pcie.0", "2" if not q35 else "1")]
    if v["balloon"]:
        a += ["-device", '{"driver":"virtio-balloon-pci","id":"balloon0",%s}' % pci()]
    a += ["-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
          "-msg", "timestamp=on"]
    return a


def cmdline_bytes(argv):
    return b"".join(x.encode("utf-8") + b"\0" for x in argv)


# ---------------------------------------------------------------------------
# proc: numa_maps
# ---------------------------------------------------------------------------
LIBS = [
    ("libglib-2.0.so.0.7400.6", 28, 98, 9),
    ("libgio-2.0.so.0.7400.6", 20, 61, 4),
    ("libpixman-1.so.0.42.2", 6, 45, 1),
    ("libaio.so.1.0.2", 1, 1, 1),
    ("liburing.so.2.3", 1, 2, 1),
    ("libnuma.so.1.0.0", 2, 6, 1),
    ("libseccomp.so.2.5.4", 3, 12, 1),
    ("libgnutls.so.30.34.3", 40, 180, 12),
    ("libzstd.so.1.5.4", 4, 110, 1),
    ("libz.so.1.2.13", 2, 18, 1),
    ("libc.so.6", 40, 205, 8),
    ("ld-linux-x86-64.so.2", 1, 38, 2),
]


def numa_maps(v, rnd):
    lines = []
    home = v["home"]
    spread = len(home) > 1  # overhead also spread

    def nodes(pages, allow_other=True):
        if pages == 0:
            return ""
        if spread:
            a = int(pages * 0.6)
            b = pages - a
            parts = []
            if a:
                parts.append("N%d=%d" % (home[0], a))
            if b:
                parts.append("N%d=%d" % (home[1], b))
            return " ".join(parts)
        return "N%d=%d" % (home[0], pages)

    def fline(addr, path, mapped=0, anon=0, mapmax=None, empty=False):
        s = "%x default file=%s" % (addr, path)
        if empty:
            return s
        if anon:
            s += " anon=%d dirty=%d" % (anon, anon)
        if mapped:
            s += " mapped=%d" % mapped
            if mapmax:
                s += " mapmax=%d" % mapmax
        s += " %s kernelpagesize_kB=4" % nodes(mapped + anon if mapped else anon)
        return s

    nvm = sum(1 for x in VMS if x["state"] != "shutoff")
    exe = 0x55A000000000 + rnd.randrange(0x1000, 0xFFFFF) * 0x1000
    qemu = "/usr/bin/qemu-system-x86_64"
    lines.append(fline(exe, qemu, mapped=rnd.randrange(180, 240), mapmax=nvm))
    exe += 0xE9000
    lines.append(fline(exe, qemu, mapped=rnd.randrange(2100, 2500), mapmax=nvm))
    exe += 0x7C6000
    lines.append(fline(exe, qemu, mapped=rnd.randrange(700, 900), mapmax=nvm))
    exe += 0x3A5000
    anon = rnd.randrange(290, 330)
    lines.append(fline(exe, qemu, anon=anon))
    exe += 0x13E000
    anon = rnd.randrange(30, 50)
    lines.append(fline(exe, qemu, anon=anon))
    exe += 0x27000
    bss = rnd.randrange(12, 30)
    lines.append("%x default anon=%d dirty=%d %s kernelpagesize_kB=4" % (exe, bss, bss, nodes(bss)))
    heap_addr = exe + rnd.randrange(0x100, 0x1000) * 0x1000
    heap = rnd.randrange(18000, 32000)
    lines.append("%x default heap anon=%d dirty=%d %s kernelpagesize_kB=4" % (heap_addr, heap, heap, nodes(heap)))

    addr = 0x7F0000000000 + rnd.randrange(0x10, 0x80) * 0x40000000
    # guest RAM
    nram = len(v["ram"])
    for pol, bid, hp, split in v["ram"]:
        kib = v["mem"] * GiB // nram
        if hp:
            pages = kib // hp
            counts = {n: int(round(pages * f)) for n, f in split.items()}
            tag = rnd.choice(["09q4W0", "Xb3kLp", "a7TfQ2", "mZ81cd"])
            mnt = "/dev/hugepages" if hp == 2048 else "/dev/hugepages1G"
            path = "%s/libvirt/qemu/%s/qemu_back_mem.%s.%s\\040(deleted)" % (mnt, short_name(v), bid, tag)
            ns = " ".join("N%d=%d" % (n, c) for n, c in sorted(counts.items()) if c)
            tot = sum(counts.values())
            lines.append("%x %s file=%s huge anon=%d dirty=%d %s kernelpagesize_kB=%d"
                         % (addr, pol, path, tot, tot, ns, hp))
            addr += kib * 1024 + 0x40000000
        else:
            pages = kib // 4
            # the guest has not touched everything: 96-99% resident
            res = int(pages * rnd.uniform(0.96, 0.995))
            counts = {}
            left = res
            items = sorted(split.items())
            for j, (n, f) in enumerate(items):
                c = left if j == len(items) - 1 else int(res * f)
                counts[n] = c
                left -= c
            ns = " ".join("N%d=%d" % (n, c) for n, c in sorted(counts.items()) if c)
            lines.append("%x %s anon=%d dirty=%d active=%d %s kernelpagesize_kB=4"
                         % (addr, pol, res, res, int(res * 0.7), ns))
            addr += kib * 1024 + 0x200000
    # thread arenas / misc anon
    for _ in range(4):
        addr += rnd.randrange(0x10, 0x800) * 0x1000
        p = rnd.randrange(20, 3000)
        lines.append("%x default anon=%d dirty=%d %s kernelpagesize_kB=4" % (addr, p, p, nodes(p)))
        addr += 0x4000000
    # shared libraries (several VMAs each)
    for name, ro, rx, rw in LIBS:
        path = "/usr/lib/x86_64-linux-gnu/" + name
        lines.append(fline(addr, path, mapped=ro, mapmax=nvm + 3))
        addr += ro * 0x1000 + rnd.randrange(0, 8) * 0x1000
        lines.append(fline(addr, path, mapped=rx, mapmax=nvm + 3))
        addr += rx * 0x1000 + rnd.randrange(8, 40) * 0x1000
        if name.startswith("libgnutls") or name.startswith("libglib"):
            lines.append(fline(addr, path, empty=True))  # ---p gap: no pages
            addr += 0x1000
        lines.append(fline(addr, path, anon=rw))
        addr += rw * 0x1000
        lines.append(fline(addr, path, anon=1))
        addr += 0x1000 + rnd.randrange(1, 64) * 0x1000
    stack = 0x7FFC00000000 + rnd.randrange(0x1000, 0x3FFFFF) * 0x1000
    sp = rnd.randrange(30, 60)
    lines.append("%x default stack anon=%d dirty=%d %s kernelpagesize_kB=4" % (stack, sp, sp, nodes(sp)))
    return "\n".join(lines) + "\n"


def node_totals_kib(text):
    tot = {}
    for line in text.splitlines():
        f = line.split()
        kps = [x for x in f if x.startswith("kernelpagesize_kB=")]
        if not kps:
            continue
        kp = int(kps[0].split("=")[1])
        for x in f:
            if len(x) > 1 and x[0] == "N" and x[1].isdigit() and "=" in x:
                n, c = x[1:].split("=")
                tot[int(n)] = tot.get(int(n), 0) + int(c) * kp
    return tot


def gen_proc(root):
    p = os.path.join(root, "proc")
    rep = []
    for v in VMS:
        if v["state"] == "shutoff":
            continue
        d = os.path.join(p, str(v["pid"]))
        write(os.path.join(d, "cmdline"), cmdline_bytes(qemu_cmdline(v)))
        write(os.path.join(d, "comm"), "qemu-system-x86\n")
        write(os.path.join(d, "attr/current"), v["live_label"].encode() + b"\0")
        rnd = random.Random(v["uuid"])
        nm = numa_maps(v, rnd)
        write(os.path.join(d, "numa_maps"), nm)
        rep.append((v, node_totals_kib(nm)))
    write(os.path.join(p, "1/cmdline"), cmdline_bytes(["/sbin/init"]))
    write(os.path.join(p, "1/comm"), "systemd\n")
    write(os.path.join(p, "1/attr/current"), b"system_u:system_r:init_t:s0\0")
    write(os.path.join(p, "812/cmdline"), cmdline_bytes(["/usr/sbin/libvirtd", "--timeout", "120"]))
    write(os.path.join(p, "812/comm"), "libvirtd\n")
    write(os.path.join(p, "812/attr/current"), b"system_u:system_r:virtd_t:s0-s0:c0.c1023\0")
    write(os.path.join(p, "sys/kernel/hostname"), HOST_NAME + "\n")
    return rep


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------
def readme(used, rep):
    o = ["# Demo host `%s`" % HOST_NAME, "",
         "`virt-tune --demo` opens libvirt's test driver on `test:///<abs>/data/demo/host.xml`",
         "and uses private copies of `sysfs/` (for `/sys`) and `proc/` (for `/proc`).",
         "Everything here describes one consistent imaginary host:", "",
         "- 2 sockets x 4 cores x 2 threads = 16 CPUs, SMT siblings adjacent (0,1), (2,3), ...;",
         "  NUMA node 0 = CPUs 0-7, node 1 = CPUs 8-15; 64 GiB (32 GiB per node).",
         "  `virsh nodeinfo` prints `CPU socket(s): 1`: libvirt counts sockets per NUMA node.",
         "- hugepage pools (sysfs): 2M node0 %d (free %d), 2M node1 %d (free %d), 1G node0 %d, 1G node1 %d (free %d)."
         % (POOL_NR[(0, 2048)], POOL_NR[(0, 2048)] - used.get((0, 2048), 0),
            POOL_NR[(1, 2048)], POOL_NR[(1, 2048)] - used.get((1, 2048), 0),
            POOL_NR[(0, 1048576)], POOL_NR[(1, 1048576)],
            POOL_NR[(1, 1048576)] - used.get((1, 1048576), 0)),
         "  free = nr minus the pages held by the running db-primary (4096 x 2M, node 0) and",
         "  db-replica (8 x 1G, node 1): check running VMs against nr, shut-off ones against free.",
         "- THP `[madvise]`, workqueue cpumask `ffff` (kworkers not isolated), halt_poll_ns 0 (polling off although db-primary and db-replica have dedicated vCPUs),",
         "  vhost_net loaded, SELinux enforcing. Hostname: `proc/sys/kernel/hostname` (the test",
         "  driver's `virConnectGetHostname` returns the real machine's name).",
         "- CPU plan: db-primary owns 2-7 (vCPUs 2-5, IOThreads + emulator 6-7), db-replica owns",
         "  10-15 (vCPUs 10-13, IOThreads + emulator 14-15), build-runner is pinned to 8-9, the",
         "  rest float.", "",
         "## VMs", "",
         "| VM | state | vCPUs | memory | demonstrates |",
         "|---|---|---|---|---|"]
    for v in VMS:
        demo = re.sub(r"(<[^>]*>)", r"`\1`", v["demo"]).replace("`<iothreads>`1`</iothreads>`", "`<iothreads>1</iothreads>`")
        o.append("| %s | %s | %d | %d GiB | %s |" % (v["name"], v["state"].replace("shutoff", "shut off"),
                                                    v["vcpus"], v["mem"], demo))
    o += ["", "## Mistake -> VM", "", "| mistake | VM |", "|---|---|"]
    for m, vm in MISTAKES:
        o.append("| %s | %s |" % (m, vm))
    o += ["", "Well-tuned (must produce no finding): %s." % ", ".join(WELL_TUNED), "",
          "Also present, not listed above (rules may or may not flag them): virtio disks with no",
          "IOThreads at all (web-02, web-03, report-srv, nfs-gw, lb-01, dev-sandbox, mail-01,",
          "测试-虚拟机, template-rhel9); unpinned IOThreads (web-01, mq-broker, ora-db01,",
          "analytics-01); legacy-ftp IDE disk;",
          "template-rhel9 without `<seclabel>`. Host level: workqueue cpumask `ffff` lets kworkers",
          "run on every pinned vCPU core, THP is `madvise`, halt_poll_ns 0 (no polling for the dedicated vCPUs).", "",
          "## pid -> VM (`proc/`)", "",
          "| pid | VM | state | resident per node (numa_maps) |", "|---|---|---|---|"]
    for v, tot in rep:
        per = ", ".join("N%d %.2f GiB" % (n, k / GiB) for n, k in sorted(tot.items()))
        o.append("| %d | %s | %s | %s |" % (v["pid"], v["name"], v["state"], per))
    o += ["| 1 | (not a VM: `/sbin/init`) | | |",
          "| 812 | (not a VM: `/usr/sbin/libvirtd --timeout 120`) | | |", "",
          "Each VM pid has `cmdline` (NUL-separated, matched to the VM by `-uuid`), `numa_maps`,",
          "`comm`, and `attr/current` (the live SELinux label, NUL-terminated as the kernel",
          "prints it; the test driver drops live labels of dynamic seclabels).", "",
          "## Test driver notes (libvirt 9.0)", "",
          "- `sgio='unfiltered'` is refused (\"unfiltered sgio is no longer supported\"): LUNs use",
          "  `sgio='filtered'`.",
          "- `<label>`/`<imagelabel>` of a dynamic seclabel are dropped (the file is parsed as",
          "  inactive config); static labels are kept. `virsh dominfo` always shows the driver's",
          "  own `testSecurity` / `libvirt-test` label.",
          "- capabilities have no NUMA cells (`<cells num='0'>`): take topology from sysfs.",
          "- `virNodeGetCPUMap` reports 8 CPUs, so `virsh vcpupin`/`emulatorpin` print CPUs >= 8 as",
          "  empty. The API is right when the map is sized from `virNodeGetInfo` (16 CPUs);",
          "  `virsh iothreadinfo` prints all 16.",
          "- an IOThread without `<iothreadpin>` is reported with affinity 0..(vCPUs-1)",
          "  (web-01: `0-1`, ora-db01: `0-3`), not all host CPUs: judge pinning from the XML.",
          "- `virsh numatune` of a VM without `<numatune>` prints mode strict, empty nodeset.",
          "- `queues='1'` is not formatted back: mq-broker's NIC shows `<driver name='vhost'/>`.",
          "- domstats carry only `state.*` and `iothread.*` (no haltpoll, no vcpu counters).",
          "- domain ids are given to active domains in file order (db-primary = 1 ...).",
          "- `<test:runstate>` does not appear in `dumpxml`; virtio-serial controller and",
          "  `<target dev='testnetN'/>` are added."]
    return "\n".join(o) + "\n"


def main():
    out = sys.argv[1]
    for sub in ("sysfs", "proc"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    write(os.path.join(out, "host.xml"), host_xml())
    used = gen_sysfs(out)
    rep = gen_proc(out)
    write(os.path.join(out, "README.md"), readme(used, rep))
    for v, tot in rep:
        print(v["pid"], v["name"], {n: round(k / GiB, 2) for n, k in tot.items()})


if __name__ == "__main__":
    main()
