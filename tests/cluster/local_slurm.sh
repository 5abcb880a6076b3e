#!/usr/bin/env bash
# tests/cluster/local_slurm.sh start|stop FOLDER — a one-node Slurm on this machine for the tests, from
# Debian's slurm-wlm and munge, everything (keys, sockets, state, logs, configuration) inside FOLDER:
# munged with a fresh key, slurmctld and slurmd on free ports, one partition of this node with 8
# CPUs (config_overrides: more tasks than cores). After start, `source FOLDER/env` sets SLURM_CONF for
# srun. stop ends the daemons. Must run as root (slurmd starts tasks as the submitting user).
set -euo pipefail
action=$1
folder=$(mkdir -p "$2" && cd "$2" && pwd)

stop() {
  local pids=()
  for pid_file in "$folder/slurmd.pid" "$folder/slurmctld.pid" "$folder/munged.pid"; do
    [ -f "$pid_file" ] && pids+=("$(cat "$pid_file")")
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 50); do  # up to 10 s for them to end
    kill -0 "${pids[@]}" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
}

if [ "$action" = stop ]; then
  stop
  exit 0
fi

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mkdir -p "$folder/state" "$folder/spool"
mungekey --create --keyfile "$folder/munge.key" --force 2>/dev/null || mungekey -c -k "$folder/munge.key" -f
chmod 600 "$folder/munge.key"
munged --force --key-file "$folder/munge.key" --socket "$folder/munge.socket" \
  --pid-file "$folder/munged.pid" --log-file "$folder/munged.log" --seed-file "$folder/munge.seed"

host=$(hostname -s)
cat >"$folder/slurm.conf" <<CONF
ClusterName=quarrytest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$folder/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$folder/state
SlurmdSpoolDir=$folder/spool
SlurmctldPidFile=$folder/slurmctld.pid
SlurmdPidFile=$folder/slurmd.pid
SlurmctldLogFile=$folder/slurmctld.log
SlurmdLogFile=$folder/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=pmix
SchedulerType=sched/builtin
SelectType=select/linear
ReturnToService=2
SlurmdParameters=config_overrides
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
echo "export SLURM_CONF=$folder/slurm.conf" >"$folder/env"
export SLURM_CONF=$folder/slurm.conf
slurmctld
slurmd
# Ready when the node is idle.
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -q idle; then exit 0; fi
  sleep 1
done
echo "local_slurm: the node did not come up:" >&2
tail -5 "$folder/slurmctld.log" "$folder/slurmd.log" >&2 || true
stop
exit 1
