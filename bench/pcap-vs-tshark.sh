#!/usr/bin/env bash
# pcap-vs-tshark.sh [BUILD] [PACKETS] [CAPTURE...] - rdpdoctor pcap against
# tshark on one large capture.
#
# The capture is made with mergecap from the lab's captures (the ones
# tests/lab/pcap.bash keeps in BUILD/lab-captures/, made by
# run-integration.sh; or the CAPTURE files given, of one link type): all of
# them one after the other, then copies of that round each shifted past
# the one before (editcap -t) until PACKETS (default 1000000) packets.
# Their key logs are joined into one.
#
# Then, in one run, each tool once over the same file (the file cache warm
# for both: each reads it once before the timed runs):
#   rdpdoctor pcap --ndjson --keylog KEYS FILE   (every connection's verdict)
#   rdpdoctor pcap --ndjson FILE                 (without the keys)
#   tshark -r FILE -Y rdp -T fields -e ...       (the RDP fields rdpdoctor
#                                                 reads: cookie, protocols,
#                                                 client build and name,
#                                                 keyboard, desktop,
#                                                 encryption, licensing,
#                                                 share PDU types)
# and prints each one's wall time and peak memory (GNU time's %e and %M)
# and the ratio. No network traffic: files only.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PACKETS=${2:-1000000}
shift $(($# > 2 ? 2 : $#))
TOOL=$BUILD/src/rdpdoctor
[ -x "$TOOL" ] || { echo "pcap-vs-tshark: $TOOL is not built" >&2; exit 1; }
for t in tshark mergecap editcap capinfos /usr/bin/time; do
	command -v "$t" >/dev/null || {
		echo "pcap-vs-tshark: $t missing (scripts/install-deps.sh)" >&2
		exit 1
	}
done
if [ $# -gt 0 ]; then
	inputs=("$@")
else
	shopt -s nullglob
	inputs=("$BUILD"/lab-captures/*.pcap)
	shopt -u nullglob
	[ ${#inputs[@]} -gt 0 ] || {
		echo "pcap-vs-tshark: no lab captures in $BUILD/lab-captures" \
		    "(run tests/lab/run-integration.sh $BUILD pcap-)," \
		    "and no CAPTURE given" >&2
		exit 1
	}
fi

work=$(mktemp -d /tmp/rdpdoctor-bench-pcap.XXXXXX)
trap 'rm -rf "$work"' EXIT
count() { capinfos -c -M "$1" | awk '/Number of packets/ {print $NF}'; }
span() { capinfos -u -M "$1" | awk '/Capture duration/ {print int($(NF-1)) + 1}'; }

# One round: every input once, one after the other.
mergecap -a -w "$work/round.pcap" "${inputs[@]}"
cat "${inputs[@]/%.pcap/.keys}" >"$work/keys" 2>/dev/null || : >"$work/keys"
per=$(count "$work/round.pcap")
[ "$per" -gt 0 ] || { echo "pcap-vs-tshark: the captures hold no packet" >&2; exit 1; }
copies=$(((PACKETS + per - 1) / per))
# Past the round's span and the idle timeout of a connection, so that a
# copy's connections never meet the one before's.
step=$(($(span "$work/round.pcap") + 3700))
echo "pcap-vs-tshark: ${#inputs[@]} captures, $per packets a round, $copies copies"
batch=()
n=0
for i in $(seq 0 $((copies - 1))); do
	editcap -t $((i * step)) "$work/round.pcap" "$work/c$i.pcap"
	batch+=("$work/c$i.pcap")
	# Merge in batches: mergecap keeps every input open.
	if [ ${#batch[@]} -eq 64 ] || [ "$i" -eq $((copies - 1)) ]; then
		mergecap -a -w "$work/part$n.pcap" "${batch[@]}"
		rm -f "${batch[@]}"
		batch=()
		n=$((n + 1))
	fi
done
mergecap -a -w "$work/big.pcap" "$work"/part*.pcap
rm -f "$work"/part*.pcap
total=$(count "$work/big.pcap")
size=$(du -m "$work/big.pcap" | cut -f1)
echo "pcap-vs-tshark: $total packets, $size MB"

fields=(-e frame.number -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport
	-e rdp.rt_cookie -e rdp.negReq.requestedProtocols
	-e rdp.negReq.selectedProtocol -e rdp.negFailure.failureCode
	-e rdp.client.build -e rdp.client.name -e rdp.keyboardLayout
	-e rdp.desktop.width -e rdp.desktop.height -e rdp.encryptionMethod
	-e rdp.encryptionLevel -e rdp.bMsgType -e rdp.pduType2)
# Warm the cache.
cat "$work/big.pcap" >/dev/null
# run NAME CMD...: wall seconds and peak KB into NAME.time; output lines.
run() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" \
	    >"$work/$name.out" 2>"$work/$name.err" || true
	# GNU time puts "Command exited with non-zero status" first: the
	# verdict of pcap is its exit status.
	read -r secs user sys kb < <(tail -n1 "$work/$name.time")
	printf '%-18s %8.2f s wall %8.2f s cpu %6d MB peak %8d lines\n' \
	    "$name" "$secs" "$(echo "$user + $sys" | bc)" $((kb / 1024)) \
	    "$(wc -l <"$work/$name.out")"
}
run rdpdoctor-keylog "$TOOL" pcap --ndjson --keylog "$work/keys" \
    "$work/big.pcap"
run rdpdoctor "$TOOL" pcap --ndjson "$work/big.pcap"
run tshark tshark -r "$work/big.pcap" -Y rdp -T fields "${fields[@]}"
# ratio A B: B's time over A's, wall and CPU.
ratio() {
	local aw au as bw bu bs
	read -r aw au as _ < <(tail -n1 "$work/$1.time")
	read -r bw bu bs _ < <(tail -n1 "$work/$2.time")
	echo "$(echo "scale=1; $bw / $aw" | bc)x wall," \
	    "$(echo "scale=1; ($bu + $bs) / ($au + $as)" | bc)x cpu"
}
echo "pcap-vs-tshark: tshark / rdpdoctor: $(ratio rdpdoctor tshark);" \
    "with the key log: $(ratio rdpdoctor-keylog tshark)"
for name in rdpdoctor-keylog rdpdoctor; do
	tail -1 "$work/$name.out" | jq -r '"\(.line)"' | sed "s/^/$name: /"
done
