#!/usr/bin/env bash
# A real single-node SLURM for the SLURM executor's tests (tests/test_slurm.py), as CI starts it:
# Debian's slurm-wlm and munge, daemons started by hand (no systemd), no cgroup plugins, no
# accounting database. Idempotent: returns at once when `sinfo` already shows the node idle.
# Needs root (or sudo) to install packages and write /etc/slurm. Usage: scripts/ci/start-slurm.sh
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
node="$(hostname -s)"
idle() { sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^idle'; }
if command -v sinfo > /dev/null && idle; then echo "slurm: already up"; exit 0; fi
started=$(date +%s)
if ! command -v slurmctld > /dev/null || ! command -v munged > /dev/null; then
  $SUDO apt-get update -q > /dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge > /dev/null
fi
# munge: a key, and the daemon as the munge user
if [ ! -s /etc/munge/munge.key ]; then
  $SUDO sh -c 'dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null'
fi
$SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
$SUDO chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
$SUDO chmod 0400 /etc/munge/munge.key
$SUDO chmod 0755 /run/munge
pgrep -x munged > /dev/null || $SUDO -u munge /usr/sbin/munged 2>/dev/null \
  || $SUDO runuser -u munge -- /usr/sbin/munged
# slurm: one node of every CPU of this machine, memory as the kernel reports it
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
$SUDO mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
$SUDO tee /etc/slurm/slurm.conf > /dev/null <<CONF
ClusterName=xharness-ci
SlurmctldHost=${node}(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory} State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld > /dev/null || ($SUDO /usr/sbin/slurmctld -D > /dev/null 2>&1 &)
pgrep -x slurmd > /dev/null || ($SUDO /usr/sbin/slurmd -D > /dev/null 2>&1 &)
for _ in $(seq 60); do
  if idle; then echo "slurm: node ${node} idle after $(( $(date +%s) - started )) s"; exit 0; fi
  sleep 1
done
echo "slurm: the node did not become idle; see /var/log/slurm/" >&2
sinfo >&2 || true
exit 1
