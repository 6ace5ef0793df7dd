#!/usr/bin/env bash
# A throwaway single-node Ceph cluster serving S3 (CephRgwProcess starts it with setsid; Ceph's
# own src/vstart.sh is the reference for such a cluster): one monitor (msgr2 on 127.0.0.1), one OSD keeping its
# data in RAM (memstore), pools of size 1, radosgw with the beast frontend, and an S3 user with the
# given keys. No systemd, no mgr. Everything lives under DIR. Touches DIR/ready once the user
# exists, then waits for the daemons (the launcher kills them; this shell reaps them).
#
# usage: rgw-cluster.sh DIR MON_PORT RGW_PORT ACCESS_KEY SECRET_KEY
set -euo pipefail
dir=$1 mon_port=$2 rgw_port=$3 access_key=$4 secret_key=$5
mkdir -p "$dir"/{mon,osd,rgw,run,log}
fsid=$(cat /proc/sys/kernel/random/uuid)
export CEPH_CONF=$dir/ceph.conf
cat > "$CEPH_CONF" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
ms bind msgr1 = false
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
mon data = $dir/mon
osd data = $dir/osd
rgw data = $dir/rgw
# Data in RAM, at most 1 GiB; one copy of everything.
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
osd pool default pg autoscale mode = off
auth allow insecure global id reclaim = false
# Each pool radosgw creates at its start waits for a Paxos round: 1 s by default (~13 s to the
# first answer), 50 ms here (~2 s).
paxos propose interval = 0.05
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
CONF

keyring=$dir/keyring
ceph-authtool --create-keyring "$keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool "$keyring" --gen-key -n client.rgw --cap mon 'allow rw' --cap osd 'allow rwx' >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$dir/monmap" --keyring "$keyring"
ceph-mon -f -i a &

osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd_key=$(ceph-authtool --gen-print-key)
echo "{\"cephx_secret\": \"$osd_key\"}" > "$dir/osd-secret.json"
osd_id=$(ceph osd new "$osd_uuid" -i "$dir/osd-secret.json")
ceph-authtool --create-keyring "$dir/osd/keyring" --name "osd.$osd_id" --add-key "$osd_key" >/dev/null
ceph-osd --mkfs -i "$osd_id" --osd-uuid "$osd_uuid" --keyring "$dir/osd/keyring"
ceph-osd -f -i "$osd_id" --keyring "$dir/osd/keyring" &

radosgw -f -n client.rgw &
radosgw-admin user create --uid files --display-name "Files API tests" \
  --access-key "$access_key" --secret-key "$secret_key" >/dev/null
touch "$dir/ready"
wait
