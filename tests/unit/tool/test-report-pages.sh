#!/bin/sh
# test-report-pages.sh BIN DOCS CAPTURES - which page `rdpdoctor report`
# draws for which file, and that it is the page the live command writes:
# check documents (one, several), scan NDJSON (every line with
# target_given: the fleet page, byte for byte `scan --merge --html`'s of
# the same lines), pcap --json and --ndjson of a shared capture (the page
# of `pcap --html`; from NDJSON with its coarser times, the same page but
# for them), and files it refuses with exit status 3. Nothing is sent
# anywhere (scan --merge reads files).
bin=$1
docs=$2
caps=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL $1"
	fail=$((fail + 1))
}

# has FILE PATTERN NAME: FILE contains PATTERN (fixed string).
has() {
	if grep -qF -- "$2" "$1"; then ok; else bad "$3: no '$2'"; fi
}
hasnt() {
	if grep -qF -- "$2" "$1"; then bad "$3: '$2'"; else ok; fi
}

# One check document: the check's page.
"$bin" report --html "$tmp/one.html" "$docs/nego.json" || bad "report of a check"
has "$tmp/one.html" 'id="verdict"' check
hasnt "$tmp/one.html" '<script' check

# Scan lines: the fleet page, as scan --merge --html draws them.
for f in nego license-error tls-full shadow-nla; do
	tr -d '\n' <"$docs/$f.json" | sed 's/}[[:space:]]*$/,"target_given":"x"}/'
	echo
done >"$tmp/scan.ndjson"
"$bin" report --html "$tmp/fleet.html" "$tmp/scan.ndjson" || bad "report of a scan"
has "$tmp/fleet.html" '<table class="hosts" id="hosts">' scan
has "$tmp/fleet.html" 'data-kind="hosts" data-count="4"' scan
has "$tmp/fleet.html" '<h2 id="drift">' scan
"$bin" scan --merge -q -o "$tmp/merged.ndjson" --html "$tmp/merged.html" \
    "$tmp/scan.ndjson"
rc=$?
[ $rc -le 2 ] || bad "scan --merge --html: exit $rc"
"$bin" report --html "$tmp/merged2.html" "$tmp/merged.ndjson" || bad "report of merged"
if cmp -s "$tmp/merged.html" "$tmp/merged2.html"; then ok; else
	bad "report of scan's NDJSON differs from scan --html"
fi
# Lines without target_given: the page of several checks.
cat "$docs/nego.json" "$docs/tls-full.json" >"$tmp/two.json"
"$bin" report --html "$tmp/two.html" "$tmp/two.json" || bad "report of two checks"
has "$tmp/two.html" '<h1>2 RDP checks</h1>' two
hasnt "$tmp/two.html" 'id="hosts"' two

# A capture: pcap --html, and report of its JSON and NDJSON.
cap=$caps/zeek/Traces/rdp/rdp-proprietary-encryption.pcap
"$bin" pcap --html "$tmp/cap.html" "$cap" >"$tmp/cap.txt"
"$bin" pcap --json "$cap" >"$tmp/cap.json"
"$bin" pcap --ndjson "$cap" >"$tmp/cap.ndjson"
has "$tmp/cap.txt" "2 RDP connections" pcap-text
"$bin" report --html "$tmp/capj.html" "$tmp/cap.json" || bad "report of pcap --json"
if cmp -s "$tmp/cap.html" "$tmp/capj.html"; then ok; else
	bad "report of pcap --json differs from pcap --html"
fi
"$bin" report --html "$tmp/capn.html" "$tmp/cap.ndjson" || bad "report of pcap --ndjson"
# The same page but for times (NDJSON's reals are shorter).
sed 's/[0-9][0-9.]*//g' "$tmp/cap.html" >"$tmp/a"
sed 's/[0-9][0-9.]*//g' "$tmp/capn.html" >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b"; then ok; else
	bad "report of pcap --ndjson differs from pcap --html but for numbers"
fi
has "$tmp/cap.html" '<section class="conn" id="c2-conn"' pcap
hasnt "$tmp/cap.html" '<script' pcap
"$bin" pcap --html - "$cap" >"$tmp/cap-stdout.html"
if cmp -s "$tmp/cap.html" "$tmp/cap-stdout.html"; then ok; else
	bad "pcap --html - differs from pcap --html FILE"
fi
"$bin" pcap --json --html - "$cap" >/dev/null 2>&1
[ $? -eq 3 ] && ok || bad "pcap --json --html - is not a usage error"

# Refused: a pcap line among check documents; a connection that is not a
# check document.
{ head -1 "$tmp/cap.ndjson"; cat "$docs/nego.json"; } >"$tmp/mixed"
"$bin" report --html "$tmp/x.html" "$tmp/mixed" 2>"$tmp/err"
[ $? -eq 3 ] && grep -q "pcap --ndjson" "$tmp/err" && ok || bad "mixed lines: $(cat "$tmp/err")"
echo '{"command":"pcap","connections":[{"phases":[]}]}' >"$tmp/badcap"
"$bin" report --html "$tmp/x.html" "$tmp/badcap" 2>"$tmp/err"
[ $? -eq 3 ] && grep -q "connection 1 is not a check document" "$tmp/err" &&
    ok || bad "bad capture: $(cat "$tmp/err")"
[ ! -e "$tmp/x.html" ] && ok || bad "a page was written for a refused file"

echo "report pages: $pass passed, $fail failed"
[ $fail -eq 0 ]
