#!/usr/bin/env bash
# Builds the simulated lossy path of `make run`, opens hopwatch on it, and tears the lab down
# however hopwatch ends (q, ^C, an error).  Usage: run-demo.sh HOPWATCH NFQDELAY [ARGS...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$1 nfq=$2
shift 2
prefix=hwdemo
cleanup() { python3 "$here/lab.py" down "$prefix"; }
trap cleanup EXIT
trap '' INT   # ^C is hopwatch's to handle; this script must live on to clean up
target=$(HOPWATCH_NFQDELAY=$nfq python3 "$here/lab.py" up "$prefix" 6 --demo) || exit 1
echo "simulated path to $target: hop 2 rate-limits its ICMP, loss bursts start at hop 4"
sleep 1
ip netns exec "$prefix-c" "$bin" -i 0.1 "$@" "$target"
