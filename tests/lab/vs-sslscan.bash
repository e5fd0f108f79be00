# vs-sslscan.bash - sourced by run-integration.sh: `check --tls-full`
# against `sslscan --rdp` on the same lab server, as issue 6 asks: the same
# versions, and the same suites and groups where sslscan can see them.
#
# sslscan (Debian's, on the system's libssl) tests the suites its OpenSSL
# can offer, each version on its own; rdpdoctor offers the whole IANA
# table by hand. So, per server:
#   versions  every version sslscan reports enabled or disabled must be
#             accepted or refused by rdpdoctor alike (SSLv2 is not in
#             rdpdoctor's table and is left out);
#   suites    every suite sslscan accepts (OpenSSL names, mapped to IANA
#             names with `openssl ciphers -stdname`) must be in
#             rdpdoctor's list for that version, and every suite rdpdoctor
#             lists that the local OpenSSL knows must be in sslscan's;
#   groups    every group sslscan lists must be in rdpdoctor's.
# What rdpdoctor finds beyond that (suites or groups OpenSSL cannot
# offer, curves of anonymous ECDH suites that sslscan does not try) is
# counted, not failed.
#
# Uses from the caller: TOOL, TIMEOUT, work, passed, failed, BUILD.
# shellcheck disable=SC2154 # work, TOOL, BUILD: set by the caller

# OpenSSL name -> IANA name, for every suite the local OpenSSL has.
# (bench/tls-vs-sslscan.sh sources this file for these three functions.)
vs_sslscan_names() {
	openssl ciphers -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' 2>/dev/null |
	    awk '$2 == "-" {print $3, $1}'
}

# vs_sslscan_suites NAMES < sslscan's output: the suites it accepted, as
# sorted "VERSION IANA-NAME" lines (NAMES: vs_sslscan_names's output).
vs_sslscan_suites() {
	awk '$1 == "Accepted" || $1 == "Preferred" {print $2, $5}' |
	    awk -v map="$1" '
	        BEGIN { while ((getline l < map) > 0) { split(l, f, " "); iana[f[1]] = f[2] } }
	        { print $1, (($2 in iana) ? iana[$2] : $2) }' | sort -u
}

# vs_rdpdoctor_suites < rdpdoctor's JSON: the same, from tls.ciphers.
vs_rdpdoctor_suites() {
	jq -r '.tls.ciphers[] | "\(.version) \(.name)"' | sort -u
}

# vs_sslscan NAME ADDR: one comparison, counted as one test.
vs_sslscan() {
	local name=$1 addr=$2 dir=$work/vs-sslscan-$1
	local problems=() v rd ss only_rd only_ss
	mkdir -p "$dir"

	if ! command -v sslscan >/dev/null || ! command -v openssl >/dev/null; then
		echo "FAIL $name: sslscan or openssl is not installed (scripts/install-deps.sh)"
		failed=$((failed + 1))
		return
	fi
	vs_sslscan_names >"$dir/names"
	ip netns exec rdpcli timeout 120 "$TOOL" check --tls-full --json \
	    --timeout "$TIMEOUT" --samples 0 --no-udp "$addr" >"$dir/rd.json" 2>/dev/null
	ip netns exec rdpcli timeout 300 sslscan --rdp --no-colour \
	    "$addr:3389" >"$dir/ss.txt" 2>&1
	if ! jq -e '.tls.versions | length == 5' "$dir/rd.json" >/dev/null 2>&1; then
		problems+=("rdpdoctor gave no enumeration")
	elif ! grep -q '^TLSv1.2 ' "$dir/ss.txt"; then
		problems+=("sslscan printed no protocol list ($(head -c 120 "$dir/ss.txt" | tr '\n' ' '))")
	else
		# Versions.
		for v in SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3; do
			ss=$(awk -v v="$v" '$1 == v && NF == 2 {print $2}' "$dir/ss.txt")
			rd=$(jq -r --arg v "$v" \
			    '.tls.versions[] | select(.version == $v) | if .accepted then "enabled" else "disabled" end' \
			    "$dir/rd.json")
			case $ss in enabled | disabled) ;; *) continue ;; esac
			[ "$ss" = "$rd" ] || problems+=("$v: sslscan $ss, rdpdoctor $rd")
		done
		# Suites, as "VERSION IANA-NAME" lines.
		vs_sslscan_suites "$dir/names" <"$dir/ss.txt" >"$dir/ss.suites"
		vs_rdpdoctor_suites <"$dir/rd.json" >"$dir/rd.suites"
		# rdpdoctor's suites that the local OpenSSL (so sslscan) can offer.
		awk -v map="$dir/names" '
		    BEGIN { while ((getline l < map) > 0) { split(l, f, " "); known[f[2]] = 1 } }
		    $2 in known' "$dir/rd.suites" >"$dir/rd.visible"
		only_ss=$(comm -13 "$dir/rd.suites" "$dir/ss.suites" | tr '\n' ',')
		only_rd=$(comm -23 "$dir/rd.visible" "$dir/ss.suites" | tr '\n' ',')
		[ -z "$only_ss" ] || problems+=("suites only sslscan found: ${only_ss%,}")
		[ -z "$only_rd" ] || problems+=("suites only rdpdoctor found that sslscan can offer: ${only_rd%,}")
		# Groups: sslscan's lines are "VERSION BITS bits NAME [(...)]".
		awk '/Server Key Exchange Group/ {g = 1; next} /^ *$/ {g = 0}
		     g && $3 == "bits" {print $4}' "$dir/ss.txt" | sort -u >"$dir/ss.groups"
		jq -r '.tls.groups[]' "$dir/rd.json" | sort -u >"$dir/rd.groups"
		only_ss=$(comm -13 "$dir/rd.groups" "$dir/ss.groups" | tr '\n' ',')
		[ -z "$only_ss" ] || problems+=("groups only sslscan found: ${only_ss%,}")
		[ -s "$dir/ss.suites" ] || problems+=("sslscan found no suite")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok   $name ($(grep -c . "$dir/rd.suites") suites and" \
		    "$(grep -c . "$dir/rd.groups") groups, sslscan" \
		    "$(grep -c . "$dir/ss.suites") and $(grep -c . "$dir/ss.groups");" \
		    "versions $(jq -r '[.tls.versions[] | select(.accepted) | .version] | join(",")' "$dir/rd.json"))"
		passed=$((passed + 1))
	else
		local msg
		msg=$(printf '%s; ' "${problems[@]}")
		echo "FAIL $name: ${msg%; }"
		failed=$((failed + 1))
		mkdir -p "$BUILD/lab-failures"
		cp "$dir/rd.json" "$BUILD/lab-failures/$name.json" 2>/dev/null
		cp "$dir/ss.txt" "$BUILD/lab-failures/$name.sslscan.txt" 2>/dev/null
	fi
}
