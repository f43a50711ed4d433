#!/bin/sh
# Write a libvirt test-driver node file with N domains (default 1000), a
# realistic mix: running and shut off, IOThreads pinned, hugepages, numatune,
# seclabels, two disks, a NIC.
n=${1:-1000}
awk -v n="$n" 'BEGIN {
  print "<node xmlns:test=\"http://libvirt.org/schemas/domain/test/1.0\">"
  print "  <cpu><mhz>2400</mhz><model>x86_64</model><active>64</active><nodes>2</nodes><sockets>1</sockets><cores>16</cores><threads>2</threads></cpu>"
  print "  <memory>536870912</memory>"
  for (i = 0; i < n; i++) {
    node = i % 2; base = node * 32
    printf "  <domain type=\"kvm\"><name>bench-%04d</name><uuid>00000000-0000-4000-8000-%012d</uuid>\n", i, i
    print "    <memory unit=\"MiB\">2048</memory>"
    if (i % 3 == 0) print "    <memoryBacking><hugepages><page size=\"2\" unit=\"MiB\"/></hugepages></memoryBacking>"
    print "    <vcpu placement=\"static\">2</vcpu><iothreads>2</iothreads>"
    printf "    <cputune><vcpupin vcpu=\"0\" cpuset=\"%d\"/><vcpupin vcpu=\"1\" cpuset=\"%d\"/><emulatorpin cpuset=\"%d-%d\"/>", base + 2 + (i % 12), base + 3 + (i % 12), base, base + 1
    printf "<iothreadpin iothread=\"1\" cpuset=\"%d\"/><iothreadpin iothread=\"2\" cpuset=\"%d,%d\"/></cputune>\n", base, base, base + 1
    printf "    <numatune><memory mode=\"strict\" nodeset=\"%d\"/></numatune>\n", node
    print "    <os><type arch=\"x86_64\">hvm</type></os>"
    # half the VMs carry static MCS labels, so the shared-category check
    # (every VM against every other) is part of what is measured
    if (i % 2) printf "    <seclabel type=\"static\" model=\"selinux\" relabel=\"yes\"><label>system_u:system_r:svirt_t:s0:c%d,c%d</label></seclabel>\n", i % 1000, 1000 + i % 23
    else print "    <seclabel type=\"dynamic\" model=\"selinux\" relabel=\"yes\"/>"
    print "    <devices>"
    printf "      <disk type=\"file\" device=\"disk\"><driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\" iothread=\"1\"/><source file=\"/var/lib/libvirt/images/b%04d.img\"/><target dev=\"vda\" bus=\"virtio\"/></disk>\n", i
    printf "      <disk type=\"file\" device=\"disk\"><driver name=\"qemu\" type=\"qcow2\"/><source file=\"/var/lib/libvirt/images/b%04d-data.qcow2\"/><target dev=\"vdb\" bus=\"virtio\"/></disk>\n", i
    print "      <controller type=\"scsi\" index=\"0\" model=\"virtio-scsi\"><driver iothread=\"2\"/></controller>"
    printf "      <interface type=\"network\"><mac address=\"52:54:00:%02x:%02x:%02x\"/><source network=\"default\"/><model type=\"virtio\"/><driver name=\"vhost\" queues=\"2\"/></interface>\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256
    print "    </devices>"
    if (i % 4 == 3) print "    <test:runstate>5</test:runstate>"
    print "  </domain>"
  }
  print "</node>"
}'
