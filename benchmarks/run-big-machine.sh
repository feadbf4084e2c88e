#!/usr/bin/env bash
# Measures the starter's io-threads default (half the processors) at 4, 8 and 16 cores, on a
# machine with at least twice as many processors as the largest count it runs. For each count C
# the peers run on CPUs 0..C-1 and the harness with its load generator on the next C (taskset),
# so the two never share a core; the io-loops sweep starts the sample app with io-threads 1,
# C/2 and C, each with and without a dedicated acceptor loop, beside Netty NIO; and the echo,
# churn and flood scenarios run every peer with C/2 I/O loops (--io-threads: Netty's and
# connlistener's loops, the sample apps' conn-listener.io-threads). Each count writes its own
# report, docs/big-machine/C-cores/BENCHMARKS.md.
#
#   benchmarks/run-big-machine.sh                  # 4, 8 and 16 cores, where the machine has room
#   CORES="8" ROUNDS=3 benchmarks/run-big-machine.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cores_list=${CORES:-4 8 16}
rounds=${ROUNDS:-5}
output=${OUTPUT:-docs/big-machine}
processors=$(nproc)

if ! command -v taskset >/dev/null 2>&1; then
	echo "taskset (util-linux) is not installed: the runs could not be pinned" >&2
	exit 1
fi
./mvnw -B -ntp -DskipTests package
ran=0
for cores in $cores_list; do
	if (( processors < 2 * cores )); then
		echo "Skipping ${cores} cores: it needs $((2 * cores)) processors, this machine has ${processors}"
		continue
	fi
	threads=$(( cores < 8 ? cores : 8 ))
	java -jar benchmarks/target/benchmarks.jar \
		--server-cpus "0-$((cores - 1))" --client-cpus "${cores}-$((2 * cores - 1))" \
		--threads "${threads}" --io-threads "$((cores / 2))" --rounds "${rounds}" \
		--scenarios echo-100x64,echo-1000x64,churn-50x64,churn-200x64,flood-20000x64 \
		--peers jdk,netty-nio,netty-nio-boss,netty-epoll,connlistener,sample-app,sample-app-dedicated-acceptor \
		--sweeps io-loops --output "${output}/${cores}-cores"
	ran=$((ran + 1))
done
if (( ran == 0 )); then
	echo "Nothing ran: this machine has ${processors} processors; 4 cores need 8" >&2
	exit 1
fi
