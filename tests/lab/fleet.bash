# fleet.bash - sourced by run-integration.sh: `rdpdoctor scan` over the
# lab's fleet, 10.202.0.1-76, which rdpsrv maps by DNAT onto its real
# servers (tests/lab/lab, fleet_up). Each host's NDJSON line must match
# the table below; the scan must send nothing to addresses outside its
# list (iptables counters in rdpcli); the shards of --shard I/3 must be
# disjoint and together the whole list.
#
# Uses from the caller: TOOL, work, passed, failed.
# shellcheck disable=SC2154 # set by the caller

# FIRST-LAST STATUS PHASE PRESENT-ID (- for none)
FLEET_TABLE="
1-40 warning - nla-not-required
41-44 warning - tls-legacy-only
45-60 warning - nego-hybrid-required
61-64 critical tls cert-expired
65-70 critical tcp tcp-refused
71-76 critical tcp tcp-timeout
"
FLEET_NET=10.202.0

# fleet_expect HOST_NUMBER: "STATUS PHASE ID"
fleet_expect() {
	local n=$1 lo hi st ph id
	while read -r range st ph id; do
		[ -n "$range" ] || continue
		lo=${range%-*}
		hi=${range#*-}
		if [ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ]; then
			echo "$st $ph $id"
			return
		fi
	done <<<"$FLEET_TABLE"
}

fleet_ok() {
	echo "ok   $1${2:+ ($2)}"
	passed=$((passed + 1))
}

fleet_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

# Counters in rdpcli for what the scan must not touch: the rest of the
# /24 and the excluded address.
fleet_guard() {
	local op=$1
	ip netns exec rdpcli iptables "$op" OUTPUT -m iprange \
	    --dst-range $FLEET_NET.77-$FLEET_NET.254 -m comment \
	    --comment rdd-fleet-outside -j ACCEPT 2>/dev/null
	ip netns exec rdpcli iptables "$op" OUTPUT -d $FLEET_NET.33 \
	    -m comment --comment rdd-fleet-excluded -j ACCEPT 2>/dev/null
}

fleet_counter() {
	ip netns exec rdpcli iptables -L OUTPUT -v -n -x 2>/dev/null |
	    awk -v c="$1" '$0 ~ c {print $1; exit}'
}

fleet_scan() {
	local name=fleet-scan dir=$work/fleet out problems=() n line want
	local got st ph id rc outside excluded
	mkdir -p "$dir"
	out=$dir/scan.ndjson
	fleet_guard -D
	fleet_guard -I || {
		fleet_fail $name "cannot add the iptables counters"
		return
	}
	# Two at a time: the fleet is 76 names for 6 servers, and xrdp's
	# listen queue holds 2 (a real fleet is 76 servers).
	ip netns exec rdpcli timeout 300 "$TOOL" scan --concurrency 2 \
	    --samples 0 --no-udp --timeout 3 --exclude $FLEET_NET.33 \
	    --out "$out" $FLEET_NET.1-76 >"$dir/summary" 2>"$dir/err"
	rc=$?
	outside=$(fleet_counter rdd-fleet-outside)
	excluded=$(fleet_counter rdd-fleet-excluded)
	fleet_guard -D
	[ "$rc" = 2 ] || problems+=("exit $rc, want 2 (critical hosts)")
	[ "${outside:-x}" = 0 ] ||
	    problems+=("$outside packets to addresses outside the list")
	[ "${excluded:-x}" = 0 ] ||
	    problems+=("$excluded packets to the excluded address")
	n=$(wc -l <"$out")
	[ "$n" = 75 ] || problems+=("$n lines, want 75 (76 minus 1)")
	grep -q '"host":"10.202.0.33"' "$out" &&
	    problems+=("the excluded host was scanned")
	for n in $(seq 1 76); do
		[ "$n" = 33 ] && continue
		want=$(fleet_expect "$n")
		read -r st ph id <<<"$want"
		line=$(grep "\"host\":\"$FLEET_NET.$n\"" "$out" | head -1)
		if [ -z "$line" ]; then
			problems+=(".$n missing")
			continue
		fi
		got=$(jq -r '[.verdict.status, (.verdict.failed_phase // "-")]
		    | join(" ")' <<<"$line")
		[ "$got" = "$st $ph" ] ||
		    problems+=(".$n: $got, want $st $ph")
		jq -e --arg id "$id" '[.findings[].id] | index($id)' \
		    <<<"$line" >/dev/null ||
		    problems+=(".$n: no $id")
		jq -e '.target_given == "10.202.0.1-76"' <<<"$line" \
		    >/dev/null || problems+=(".$n: target_given")
	done
	grep -q "verdicts   ok 0, warning 59, critical 16" "$dir/summary" ||
	    problems+=("summary: $(grep verdicts "$dir/summary")")
	if [ ${#problems[@]} -eq 0 ]; then
		fleet_ok $name "75 hosts as expected, nothing sent outside the list"
	else
		fleet_fail $name "${problems[*]:0:6}"
	fi
}

# Shard I holds the hosts .N with (N - 1) mod 3 == I (index mod 3).
fleet_interleaved() {
	local i h
	for i in 0 1 2; do
		for h in $(jq -r .target.host "$1/shard$i.ndjson"); do
			[ $(((${h##*.} - 1) % 3)) = $i ] || return 1
		done
	done
	return 0
}

# The shards of 0/3, 1/3, 2/3 (quick depth): disjoint, whole.
fleet_shards() {
	local name=fleet-shards dir=$work/fleet i all
	mkdir -p "$dir"
	# As the schedulers of docs/scale.md run them: a Kubernetes Indexed
	# Job, a Slurm array (ids 1-3), GNU parallel.
	JOB_COMPLETION_INDEX=0 RDPDOCTOR_SHARDS=3 ip netns exec rdpcli \
	    timeout 300 "$TOOL" scan --depth quick --concurrency 2 \
	    --timeout 3 --shard auto -q --out "$dir/shard0.ndjson" \
	    $FLEET_NET.1-64 2>/dev/null
	SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=3 \
	    ip netns exec rdpcli timeout 300 "$TOOL" scan --depth quick \
	    --concurrency 2 --timeout 3 --shard auto -q \
	    --out "$dir/shard1.ndjson" $FLEET_NET.1-64 2>/dev/null
	PARALLEL_SEQ=3 ip netns exec rdpcli timeout 300 "$TOOL" scan \
	    --depth quick --concurrency 2 --timeout 3 --shard auto/3 -q \
	    --out "$dir/shard2.ndjson" $FLEET_NET.1-64 2>/dev/null
	"$TOOL" scan --merge --out "$dir/merged.ndjson" "$dir/shard0.ndjson" \
	    "$dir/shard1.ndjson" "$dir/shard2.ndjson" >"$dir/merged.txt" 2>&1
	all=$(cat "$dir/shard0.ndjson" "$dir/shard1.ndjson" "$dir/shard2.ndjson" |
	    jq -r .target.host | sort)
	if [ "$(wc -l <<<"$all")" != 64 ]; then
		fleet_fail $name "$(wc -l <<<"$all") lines, want 64"
	elif [ "$(uniq <<<"$all" | wc -l)" != 64 ]; then
		fleet_fail $name "a host is in two shards"
	elif ! fleet_interleaved "$dir"; then
		fleet_fail $name "a shard holds a host of another's stride"
	elif [ "$(wc -l <"$dir/merged.ndjson")" != 64 ] ||
	    ! grep -q "^Merged: 64 hosts" "$dir/merged.txt"; then
		fleet_fail $name "scan --merge: $(head -1 "$dir/merged.txt")"
	else
		fleet_ok $name "3 shards from the Kubernetes, Slurm and GNU parallel variables: disjoint, 64 in all, merged"
	fi
}

# History: two scans into one --db, the fleet changed between them (.5
# now refused, .65 now served): rdpdoctor diff names both.
fleet_nat() {
	ip netns exec rdpsrv iptables -t nat "$1" PREROUTING -p tcp \
	    -d $FLEET_NET.5 -j DNAT --to-destination 10.201.0.17 2>/dev/null
	ip netns exec rdpsrv iptables -t nat "$1" PREROUTING -p tcp \
	    -d $FLEET_NET.65 -j DNAT --to-destination 10.201.0.12 2>/dev/null
}

fleet_history() {
	local name=fleet-history dir=$work/fleet db diff rc problems=()
	mkdir -p "$dir"
	db=$dir/history.db
	rm -f "$db"
	ip netns exec rdpcli timeout 120 "$TOOL" scan --depth quick \
	    --concurrency 2 --timeout 3 --db "$db" -q --out "$dir/h1.ndjson" \
	    $FLEET_NET.1-8 $FLEET_NET.65-66 2>"$dir/h1.err"
	fleet_nat -D
	fleet_nat -I
	ip netns exec rdpcli timeout 120 "$TOOL" scan --depth quick \
	    --concurrency 2 --timeout 3 --db "$db" -q --out "$dir/h2.ndjson" \
	    $FLEET_NET.1-8 $FLEET_NET.65-66 2>"$dir/h2.err"
	fleet_nat -D
	diff=$("$TOOL" diff --db "$db" --json 2>&1)
	rc=$?
	[ $rc = 1 ] || problems+=("diff exit $rc, want 1")
	jq -e '.new_failures | map(.target) | . == ["10.202.0.5"]' \
	    <<<"$diff" >/dev/null || problems+=("new failures: $(jq -c \
	    '.new_failures | map(.target)' <<<"$diff" 2>/dev/null)")
	jq -e '.fixed | map(.target) | . == ["10.202.0.65"]' <<<"$diff" \
	    >/dev/null || problems+=("fixed: $(jq -c '.fixed | map(.target)' \
	    <<<"$diff" 2>/dev/null)")
	if [ ${#problems[@]} -eq 0 ]; then
		fleet_ok $name "diff: .5 newly failing, .65 fixed"
	else
		fleet_fail $name "${problems[*]}"
	fi
}

# Drift and policy over .1-.64 (quick): the drift names the four TLS 1.0
# hosts and the sixteen NLA ones; the baseline's NLA rule passes exactly
# on the NLA hosts; the exit status is the policy's (1: failures).
fleet_policy_drift() {
	local name=fleet-policy-drift dir=$work/fleet rc problems=() nla
	mkdir -p "$dir"
	ip netns exec rdpcli timeout 300 "$TOOL" scan --depth quick \
	    --concurrency 2 --timeout 3 --drift --policy baseline \
	    --out "$dir/pd.ndjson" $FLEET_NET.1-64 >"$dir/pd.txt" 2>&1
	rc=$?
	[ $rc = 1 ] || problems+=("exit $rc, want 1 (policy failures)")
	grep -q "^tls.version: 60 of 64 hosts: TLSv1.3; 4 hosts: TLSv1: $FLEET_NET.41, $FLEET_NET.42, $FLEET_NET.43, $FLEET_NET.44\$" \
	    "$dir/pd.txt" || problems+=("no TLS 1.0 drift line")
	grep -q "^nla_required: 48 of 64 hosts: false; 16 hosts: true" \
	    "$dir/pd.txt" || problems+=("no NLA drift line")
	grep -q "^Policy rdpdoctor-baseline: 0 hosts pass, 64 fail" \
	    "$dir/pd.txt" || problems+=("policy summary")
	nla=$(jq -r 'select(.policy.rules[] | select(.id == "nla-required"
	    and .status == "pass")) | .target.host' "$dir/pd.ndjson" |
	    sort -t. -k4 -n | tr '\n' ' ')
	[ "$nla" = "$(for i in $(seq 45 60); do printf '%s.%s ' $FLEET_NET $i; done)" ] ||
	    problems+=("nla-required passes on: $nla")
	if [ ${#problems[@]} -eq 0 ]; then
		fleet_ok $name "4 TLS 1.0 hosts, 16 NLA hosts named; policy exit 1"
	else
		fleet_fail $name "${problems[*]}"
	fi
}

# docs/scale.md's Kubernetes manifest and Slurm script, as written there:
# the manifest parses, is an Indexed Job whose RDPDOCTOR_SHARDS equals
# its completions, and its container command runs (with the pod's
# variables, over a fleet file); the Slurm script runs as an array task
# would. Both shard files merge into what one scan gives.
fleet_scale_docs() {
	local name=fleet-scale-docs dir=$work/fleet/scale doc problems=()
	local cmd n i
	doc=$HERE/../../docs/scale.md
	mkdir -p "$dir"
	awk '/^```yaml/{f=1;next} /^```/{f=0} f' "$doc" >"$dir/job.yaml"
	awk '/^```sh/{f=1;next} /^```/{f=0} f' "$doc" >"$dir/slurm.sh"
	/usr/bin/python3 - "$dir/job.yaml" >"$dir/job.cmd" 2>"$dir/yaml.err" <<'PY' ||
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
spec = job["spec"]
assert job["kind"] == "Job" and spec["completionMode"] == "Indexed"
c = spec["template"]["spec"]["containers"][0]
env = {e["name"]: e["value"] for e in c["env"]}
assert int(env["RDPDOCTOR_SHARDS"]) == spec["completions"], "shards != completions"
print(" ".join(c["args"]))
PY
	    problems+=("manifest: $(tail -1 "$dir/yaml.err")")
	# The fleet's first 16 hosts as the ConfigMap's targets.txt.
	mkdir -p "$dir/targets" "$dir/results"
	seq -f "$FLEET_NET.%g" 1 16 >"$dir/targets/targets.txt"
	cmd=$(sed -e "s|/targets/|$dir/targets/|g" \
	    -e "s|/results/|$dir/results/|g" \
	    -e 's/--concurrency 512/--concurrency 2 --depth quick -q -t 3/' \
	    "$dir/job.cmd")
	for n in 0 1 2 3 4 5 6 7; do
		JOB_COMPLETION_INDEX=$n RDPDOCTOR_SHARDS=8 \
		    PATH="$(dirname "$TOOL"):$PATH" ip netns exec rdpcli \
		    timeout 120 /bin/sh -c "$cmd" 2>>"$dir/k8s.err" ||
		    problems+=("pod $n failed")
	done
	n=$(for i in 0 1 2 3 4 5 6 7; do
		cat "$dir/results/shard-$i.ndjson"
	done 2>/dev/null | wc -l)
	[ "$n" = 16 ] || problems+=("the pods wrote $n hosts, want 16")
	# The Slurm script, task 3 of --array=1-8, in a directory with
	# targets.txt.
	cp "$dir/targets/targets.txt" "$dir/results/targets.txt"
	sed -i 's/--concurrency 512/--concurrency 2 --depth quick -q -t 3/' \
	    "$dir/slurm.sh"
	(cd "$dir/results" && SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 \
	    SLURM_ARRAY_TASK_COUNT=8 PATH="$(dirname "$TOOL"):$PATH" \
	    ip netns exec rdpcli timeout 120 /bin/sh "$dir/slurm.sh") ||
	    problems+=("the Slurm task failed")
	# In any order: the NDJSON is in the order the checks ended.
	[ "$(jq -r .target.host "$dir/results/shard-3.ndjson" |
	    sort -t. -k4 -n | tr '\n' ' ')" = "$FLEET_NET.3 $FLEET_NET.11 " ] ||
	    problems+=("Slurm task 3 checked: $(jq -r .target.host \
	    "$dir/results/shard-3.ndjson" | tr '\n' ' ')")
	if [ ${#problems[@]} -eq 0 ]; then
		fleet_ok $name "the manifest's 8 pods wrote 16 hosts; Slurm task 3 got .3 and .11"
	else
		fleet_fail $name "${problems[*]}"
	fi
}
