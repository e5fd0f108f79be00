# html.bash - sourced by run-integration.sh: the HTML report, watch and
# the Nagios line against the lab (issue 19).
#
#   html-*            check --json --html against a lab server; the page is
#                     loaded in headless Chromium (Debian's chromium, in a
#                     network namespace of its own: it can reach nothing),
#                     which must log no console message (a script, a blocked
#                     request or a CSP violation would show there); its DOM
#                     (--dump-dom) must hold the verdict, a waterfall bar
#                     for each timed phase of the JSON at the place and width
#                     its start_ms and ms give on the chart's scale, and a
#                     section for each finding; `rdpdoctor report` of the
#                     saved JSON must write the same page byte for byte. The
#                     screenshots (and pages) are kept in
#                     BUILD_DIR/artifacts/html/.
#   html-hostile      the injector terminates TLS with a certificate whose
#                     names hold <script>, <img onerror>, quotes and
#                     apostrophes: the DOM has no such element, the names
#                     show as text
#   html-report-many  the documents above in one file: one page of them
#   html-scan         scan --policy baseline --drift --html of a few lab
#                     fleet hosts (warning, critical, refused, timed out)
#                     and the injector with the hostile certificate of
#                     html-hostile: in Chromium, no console message, the
#                     counts (ok, warning, critical, unreachable, unknown;
#                     by finding; by policy result) as jq makes them from
#                     the NDJSON, one table row per NDJSON line and each
#                     host's waterfall against its line's timings, one
#                     <script> (the page's own) and no element from the
#                     certificate; the table sorted by time in the browser
#                     (a test script added to a copy, allowed by its hash)
#                     ascending then descending; `report` of the NDJSON
#                     writes the same page byte for byte
#   html-pcap         a capture (tcpdump in rdpcli) of `check` against
#                     nego.rdpsrv.lab, several connections: pcap --html in
#                     Chromium, no console message, no script, the summary
#                     line, a row and a section per connection, each
#                     connection's waterfall against its JSON timings;
#                     `report` of pcap --json and of pcap --ndjson writes
#                     the same page
#   watch-impair      watch every second against xrdp while the lab delays
#                     the path by 300 ms for 5 s: the summary shows the
#                     slow rounds (tcp max) and net-high-latency coming and
#                     going; the --prometheus file passes promtool
#   nagios-*          check --nagios: the plugin line and its perfdata as
#                     the Nagios guidelines say, the exit status the JSON's
#
# Uses from the caller: TOOL, BUILD, work, passed, failed, skipped, LAB_DIR,
# lab (the lab command holding the suite lock).
# shellcheck disable=SC2154 # set by the caller

HTML_ART=$BUILD/artifacts/html
html_ran=0 # tests run (for the caller's "no scenario matches")

html_ok() {
	echo "ok   $1 ($2)"
	passed=$((passed + 1))
	html_ran=$((html_ran + 1))
}

html_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
	html_ran=$((html_ran + 1))
	mkdir -p "$BUILD/lab-failures"
	cp -r "$work/$1" "$BUILD/lab-failures/$1" 2>/dev/null
}

html_skip() {
	echo "skip $1: $2"
	skipped=$((skipped + 1))
	html_ran=$((html_ran + 1))
}

# html_browser PAGE OUT_PREFIX [chromium flags]: OUT_PREFIX.dom (the DOM
# after load), OUT_PREFIX.png (a screenshot), OUT_PREFIX.console (console
# messages of the page; empty when none). No network: `unshare --net` gives Chromium an
# empty namespace (loopback only, down). Root needs --no-sandbox.
html_browser() {
	local page=$1 out=$2 profile
	shift 2
	profile=$(mktemp -d "$work/chrome.XXXXXX")
	local flags=(--headless=new --no-sandbox --disable-gpu --no-first-run
		--disable-background-networking --disable-component-update
		--disable-sync --hide-scrollbars --user-data-dir="$profile"
		--enable-logging=stderr --v=0 "$@")
	unshare --net timeout 90 chromium "${flags[@]}" --dump-dom \
	    "file://$page" >"$out.dom" 2>"$out.dom.log"
	unshare --net timeout 90 chromium "${flags[@]}" \
	    --window-size=1200,2000 --screenshot="$out.png" \
	    "file://$page" >/dev/null 2>"$out.png.log"
	# The browser's own pages (chrome://) may log too; not the page's.
	grep -h 'CONSOLE' "$out.dom.log" "$out.png.log" |
	    grep -v 'source: chrome://' >"$out.console"
	rm -rf "$profile"
}

# html_check_dom JSON DOM [PREFIX]: the verdict, the waterfall against the
# JSON timings, the findings (ids under PREFIX, "h3-", on a page of many
# hosts, whose DOM is cut to the one host's section). Prints problems, one
# a line.
html_check_dom() {
	local json=$1 dom=$2 prefix=${3:-} status id svg
	status=$(jq -r '.verdict.status' "$json")
	grep -q "id=\"${prefix}verdict\" data-status=\"$status\"" "$dom" ||
	    echo "${prefix}no verdict $status in the DOM"
	grep -q '<script' "$dom" && echo "a <script> element in the DOM"
	for id in $(jq -r '.findings[].id' "$json"); do
		grep -q "id=\"${prefix}finding-$id\"" "$dom" ||
		    echo "${prefix}no section for finding $id"
	done
	# The chart's scale, then each bar's attributes, one line per bar:
	#   phase status start_ms ms x width clipped
	svg=$(grep -o '<svg class="waterfall"[^>]*>' "$dom" | head -1)
	[ -n "$svg" ] || { echo "no waterfall"; return; }
	local span x0 wd
	span=$(sed 's/.*data-span-ms="\([^"]*\)".*/\1/' <<<"$svg")
	x0=$(sed 's/.*data-x0="\([^"]*\)".*/\1/' <<<"$svg")
	wd=$(sed 's/.*data-width="\([^"]*\)".*/\1/' <<<"$svg")
	grep -o '<rect class="bar [^>]*>' "$dom" |
	    sed 's/.*data-phase="\([^"]*\)" data-status="\([^"]*\)" data-start-ms="\([^"]*\)" data-ms="\([^"]*\)" x="\([^"]*\)" y="[^"]*" width="\([^"]*\)".*/\1 \2 \3 \4 \5 \6/' \
	    >"$dom.bars"
	jq -r '.phases[] | select(.status != "skipped") | "\(.phase) \(.status) \(.start_ms) \(.ms)"' \
	    "$json" >"$dom.phases"
	awk -v span="$span" -v x0="$x0" -v wd="$wd" '
	    function abs(v) { return v < 0 ? -v : v }
	    NR == FNR { st[$1] = $2; s[$1] = $3; m[$1] = $4; n++; next }
	    {
		seen[$1] = 1
		if (!($1 in st)) { print "a bar for " $1 ", not timed in the JSON"; next }
		if ($2 != st[$1]) print $1 ": status " $2 ", JSON " st[$1]
		if (abs($3 - s[$1]) > 0.001 || abs($4 - m[$1]) > 0.001)
			print $1 ": data " $3 "/" $4 ", JSON " s[$1] "/" m[$1]
		x = x0 + s[$1] / span * wd
		w = m[$1] / span * wd; if (w < 1.5) w = 1.5
		if (x + w > x0 + wd + 0.001) { w = x0 + wd - x; if (w < 1.5) w = 1.5 }
		if (abs($5 - x) > 0.01 || abs($6 - w) > 0.01)
			print $1 ": bar at " $5 " width " $6 ", want " x " width " w
	    }
	    END { for (p in st) if (!(p in seen)) print "no bar for phase " p }
	' "$dom.phases" "$dom.bars"
}

# html_one NAME TARGET [SETUP]: one page, checked in the browser; the
# problems, one a line, on standard output (none: it passed).
html_one() {
	local name=$1 target=$2 setup=${3:-} dir=$work/$1 rc
	mkdir -p "$dir" "$HTML_ART"
	if [ -n "$setup" ]; then
		# shellcheck disable=SC2086 # SETUP is a lab command line
		lab $setup >>"$dir/setup.log" 2>&1 ||
		    { echo "setup '$setup' failed"; return; }
	fi
	ip netns exec rdpcli timeout 60 "$TOOL" check --json --timeout 2 \
	    --samples 3 --html "$dir/page.html" "$target" >"$dir/doc.json" \
	    2>"$dir/err"
	rc=$?
	[ -n "$setup" ] && lab uninject >/dev/null 2>&1
	if ! jq -e . "$dir/doc.json" >/dev/null 2>&1 || [ ! -s "$dir/page.html" ]; then
		echo "rc $rc, no JSON or no page ($(head -c 200 "$dir/err"))"
		return
	fi
	(
		"$TOOL" report --html "$dir/saved.html" "$dir/doc.json" ||
		    echo "report --html failed"
		cmp -s "$dir/page.html" "$dir/saved.html" ||
		    echo "report of the saved JSON differs from check --html"
		html_browser "$dir/page.html" "$dir/page"
		[ -s "$dir/page.console" ] &&
		    echo "console: $(head -c 300 "$dir/page.console")"
		[ -s "$dir/page.png" ] || echo "no screenshot"
		html_check_dom "$dir/doc.json" "$dir/page.dom"
	)
	cp "$dir/page.png" "$HTML_ART/$name.png" 2>/dev/null
	cp "$dir/page.html" "$HTML_ART/$name.html" 2>/dev/null
	cp "$dir/doc.json" "$HTML_ART/$name.json" 2>/dev/null
}

# html_page NAME TARGET [SETUP]: html_one, counted.
html_page() {
	local problems dir=$work/$1
	problems=$(html_one "$@")
	if [ -n "$problems" ]; then
		html_fail "$1" "$(tr '\n' ';' <<<"$problems")"
	else
		html_ok "$1" "$(jq -r '.verdict.status' "$dir/doc.json"), $(jq '[.phases[] | select(.status != "skipped")] | length' "$dir/doc.json") bars as the JSON, $(jq '.findings | length' "$dir/doc.json") findings, no console message"
	fi
}

# The injector with a certificate full of markup (made here).
html_hostile() {
	local name=html-hostile dir=$work/html-hostile problems
	mkdir -p "$dir"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
	    -keyout "$dir/h.key" -out "$dir/h.crt" \
	    -subj '/CN=<script>alert("cn")<\/script>/O="><img src=x onerror=alert('"'"'o'"'"')>/OU=it'"'"'s & "q" <\/td>' \
	    -addext 'subjectAltName=DNS:<script>x</script>.rdpsrv.lab,DNS:inject.rdpsrv.lab,IP:10.201.0.31' \
	    >/dev/null 2>&1 || { html_fail $name "openssl req failed"; return; }
	problems=$(
		html_one $name inject.rdpsrv.lab \
		    "inject pass - 60 -- --cert $dir/h.crt --key $dir/h.key"
		[ -s "$dir/page.dom" ] || exit 0
		jq -e '.tls.certificate.common_name == "<script>alert(\"cn\")</script>"' \
		    "$dir/doc.json" >/dev/null ||
		    echo "the certificate did not reach the check ($(jq -c .tls.certificate.common_name "$dir/doc.json"))"
		grep -q '<img' "$dir/page.dom" && echo "an <img> element in the DOM"
		grep -Eq '<[a-z]+[^>]* on[a-z]+=' "$dir/page.dom" &&
		    echo "an element with an event handler in the DOM"
		grep -q '<th>common name</th><td>&lt;script&gt;alert("cn")&lt;/script&gt;</td>' \
		    "$dir/page.dom" || echo "the common name is not shown as text"
		grep -q 'alert(&quot;cn&quot;)' "$dir/page.html" ||
		    echo "quotes not escaped in the page"
		grep -q "onerror=alert(&#39;o&#39;)" "$dir/page.html" ||
		    echo "apostrophes not escaped in the page"
	)
	if [ -n "$problems" ]; then
		html_fail $name "$(tr '\n' ';' <<<"$problems")"
	else
		html_ok $name "<script>, <img onerror>, quotes in the certificate: text in the DOM, no element"
	fi
}

html_many() {
	local name=html-report-many dir=$work/html-report-many problems n d
	mkdir -p "$dir"
	: >"$dir/all.json"
	for d in html-nego html-refused html-licensing html-shadow html-hostile; do
		cat "$work/$d/doc.json" >>"$dir/all.json" 2>/dev/null
	done
	n=$(jq -s length "$dir/all.json" 2>/dev/null)
	[ "${n:-0}" -ge 2 ] || { html_fail $name "fewer than 2 documents"; return; }
	problems=$(
		"$TOOL" report --html "$dir/page.html" "$dir/all.json" ||
		    echo "report failed"
		html_browser "$dir/page.html" "$dir/page"
		[ -s "$dir/page.console" ] && echo "console: $(head -c 300 "$dir/page.console")"
		[ "$(grep -o 'class="host" id="h[0-9]*-host"' "$dir/page.dom" | wc -l)" = "$n" ] ||
		    echo "not $n host sections"
		[ "$(grep -o '<svg class="waterfall"' "$dir/page.dom" | wc -l)" = "$n" ] ||
		    echo "not $n waterfalls"
	)
	cp "$dir/page.png" "$HTML_ART/$name.png" 2>/dev/null
	if [ -n "$problems" ]; then
		html_fail $name "$(tr '\n' ';' <<<"$problems")"
	else
		html_ok $name "$n checks on one page"
	fi
}

# html_section DOM START NEXT: the lines of DOM from the one holding START
# up to the one holding NEXT (a section of a page of many hosts).
html_section() {
	awk -v a="$2" -v b="$3" 'index($0, b) { on = 0 } index($0, a) { on = 1 } on' "$1"
}

# The kind of a host as the fleet page counts it: unreachable when no TCP
# connection was made, else its verdict (ok, warning, critical, unknown).
# shellcheck disable=SC2016 # jq's variables
HTML_KIND='(([.phases[]? | select(.phase == "tcp" and .status == "ok")] | length > 0)
	or ([.negotiation.attempts[]? | select(.tcp == "ok")] | length > 0)) as $r
	| .verdict.status as $s
	| if ($r | not) then "unreachable"
	  elif (["ok", "warning", "critical"] | index([$s])) != null then $s
	  else "unknown" end'

# A script for a copy of a page: sort #hosts by its "time" column, then
# again (reverse); the two orders of the column's data-v on <body>.
HTML_SORT_TEST='var t=document.getElementById("hosts"),hs=t.tHead.rows[0].cells,c=-1;for(var i=0;i!==hs.length;i++)if(hs[i].textContent.indexOf("time")===0)c=i;function col(){return Array.prototype.map.call(t.tBodies[0].rows,function(r){return r.cells[c].getAttribute("data-v")}).join(" ")}hs[c].querySelector("button").click();document.body.setAttribute("data-up",col());hs[c].querySelector("button").click();document.body.setAttribute("data-down",col());'

html_scan() {
	local name=html-scan dir=$work/html-scan problems n k hosts
	mkdir -p "$dir" "$HTML_ART"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
	    -keyout "$dir/h.key" -out "$dir/h.crt" \
	    -subj '/CN=<script>alert("cn")<\/script>/O="><img src=x onerror=alert('"'"'o'"'"')>' \
	    -addext 'subjectAltName=DNS:inject.rdpsrv.lab,IP:10.201.0.31' \
	    >/dev/null 2>&1 || { html_fail $name "openssl req failed"; return; }
	lab inject pass - 90 -- --cert "$dir/h.crt" --key "$dir/h.key" \
	    >>"$dir/setup.log" 2>&1 || { html_fail $name "inject failed"; return; }
	# Warning (.1, .2, .41, .45), critical in tls (.61), refused (.65),
	# timed out (.71): tests/lab/fleet.bash's table.
	hosts="10.202.0.1 10.202.0.2 10.202.0.41 10.202.0.45 10.202.0.61 10.202.0.65 10.202.0.71 inject.rdpsrv.lab"
	# shellcheck disable=SC2086 # the list of hosts
	ip netns exec rdpcli timeout 120 "$TOOL" scan --concurrency 2 \
	    --samples 0 --no-udp --timeout 2 --policy baseline --drift \
	    -o "$dir/scan.ndjson" --html "$dir/page.html" $hosts \
	    >"$dir/summary" 2>"$dir/err"
	echo "rc=$?" >"$dir/rc"
	lab uninject >/dev/null 2>&1
	n=$(wc -l <"$dir/scan.ndjson" 2>/dev/null)
	problems=$(
		[ "${n:-0}" = 8 ] || echo "${n:-0} NDJSON lines, want 8"
		[ -s "$dir/page.html" ] || { echo "no page"; exit 0; }
		"$TOOL" report --html "$dir/saved.html" "$dir/scan.ndjson" ||
		    echo "report --html failed"
		cmp -s "$dir/page.html" "$dir/saved.html" ||
		    echo "report of the NDJSON differs from scan --html"
		html_browser "$dir/page.html" "$dir/page"
		[ -s "$dir/page.console" ] &&
		    echo "console: $(head -c 300 "$dir/page.console")"
		[ -s "$dir/page.png" ] || echo "no screenshot"
		dom=$dir/page.dom
		[ "$(grep -o '<script' "$dom" | wc -l)" = 1 ] ||
		    echo "not one <script> in the DOM"
		grep -q '<img' "$dom" && echo "an <img> element in the DOM"
		grep -Eq '<[a-z]+[^>]* on[a-z]+=' "$dom" &&
		    echo "an element with an event handler in the DOM"
		grep -q '&lt;script&gt;alert("cn")&lt;/script&gt;' "$dom" ||
		    echo "the hostile common name is not shown as text"
		grep -q "data-kind=\"hosts\" data-count=\"$n\"" "$dom" ||
		    echo "hosts count is not $n"
		for k in ok warning critical unreachable unknown; do
			want=$(jq -r "$HTML_KIND" "$dir/scan.ndjson" | grep -cx "$k")
			grep -q "data-kind=\"$k\" data-count=\"$want\"" "$dom" ||
			    echo "$k count is not $want"
			[ "$(grep -o "\" data-kind=\"$k\" data-host=" "$dom" | wc -l)" = "$want" ] ||
			    echo "not $want $k rows"
		done
		jq -r "$HTML_KIND" "$dir/scan.ndjson" | grep -qx unreachable ||
		    echo "no unreachable host in the scan"
		[ "$(grep -o '<tr data-i="' "$dom" | wc -l)" = "$n" ] ||
		    echo "not one row per line"
		for h in $(jq -r .target.host "$dir/scan.ndjson"); do
			[ "$(grep -o "data-host=\"$h\"" "$dom" | wc -l)" = 1 ] ||
			    echo "not one row for $h"
		done
		jq -r '[.findings[].id] | unique[]' "$dir/scan.ndjson" | sort |
		    uniq -c | while read -r c id; do
			grep -q "<tr data-finding=\"$id\" data-count=\"$c\">" "$dom" ||
			    echo "finding $id not on $c hosts"
		done
		for k in pass fail not_verified unreachable; do
			want=$(jq -r .policy.status "$dir/scan.ndjson" | grep -cx "$k")
			grep -q "data-policy=\"$k\" data-count=\"$want\"" "$dom" ||
			    echo "policy $k count is not $want"
		done
		grep -q '<h2 id="drift">' "$dom" || echo "no drift section"
		# Each host's waterfall against its own line.
		for i in $(seq 0 $((n - 1))); do
			h=$(grep -o "<tr data-i=\"$i\" data-kind=\"[a-z]*\" data-host=\"[^\"]*\"" "$dom" |
			    sed 's/.*data-host="\([^"]*\)"/\1/')
			grep -F "\"host\":\"$h\"" "$dir/scan.ndjson" | head -1 >"$dir/h$i.json"
			html_section "$dom" "id=\"h$((i + 1))-host\"" \
			    "id=\"h$((i + 2))-host\"" >"$dir/h$i.dom"
			html_check_dom "$dir/h$i.json" "$dir/h$i.dom" "h$((i + 1))-" |
			    grep -v '<script> element' | sed "s/^/$h: /"
		done
		# Sorting in the browser: the page's script, driven by a
		# test script allowed by its own hash in a copy.
		th=$(printf '%s' "$HTML_SORT_TEST" | openssl dgst -sha256 -binary | base64)
		sed -e "s|script-src &#39;sha256-|script-src \&#39;sha256-$th\&#39; \&#39;sha256-|" \
		    -e "s|</body>|<script>$HTML_SORT_TEST</script></body>|" \
		    "$dir/page.html" >"$dir/sort.html"
		html_browser "$dir/sort.html" "$dir/sort"
		[ -s "$dir/sort.console" ] &&
		    echo "console (sort): $(head -c 300 "$dir/sort.console")"
		up=$(sed -n 's/.*<body data-up="\([^"]*\)".*/\1/p' "$dir/sort.dom")
		down=$(sed -n 's/.*data-down="\([^"]*\)".*/\1/p' "$dir/sort.dom")
		[ "$(wc -w <<<"$up")" = "$n" ] || echo "sorted: '$up'"
		[ "$(tr ' ' '\n' <<<"$up" | sort -g | tr '\n' ' ' | sed 's/ $//')" = "$up" ] ||
		    echo "not ascending after one press: $up"
		[ "$(tr ' ' '\n' <<<"$down" | sort -gr | tr '\n' ' ' | sed 's/ $//')" = "$down" ] ||
		    echo "not descending after two: $down"
		[ "$(tr ' ' '\n' <<<"$up" | sort -g)" = "$(jq -r '.total_ms' "$dir/scan.ndjson" | xargs -n1 printf '%.3f\n' | sed 's/0*$//; s/\.$//' | sort -g)" ] ||
		    echo "the time column is not the NDJSON's total_ms"
	)
	cp "$dir/page.png" "$HTML_ART/$name.png" 2>/dev/null
	cp "$dir/page.html" "$HTML_ART/$name.html" 2>/dev/null
	cp "$dir/scan.ndjson" "$HTML_ART/$name.ndjson" 2>/dev/null
	if [ -n "$problems" ]; then
		html_fail $name "$(tr '\n' ';' <<<"$problems")"
	else
		html_ok $name "$n hosts: $(jq -r "$HTML_KIND" "$dir/scan.ndjson" | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }'); counts, rows, waterfalls and policy as the NDJSON, one script, sorted in the browser"
	fi
}

html_pcap() {
	local name=html-pcap dir=$work/html-pcap problems n tpid i k
	mkdir -p "$dir" "$HTML_ART"
	ip netns exec rdpcli timeout 60 tcpdump -i any -U --immediate-mode \
	    -s 0 -w "$dir/cap.pcap" "host 10.201.0.14 and port 3389" \
	    >"$dir/tcpdump.log" 2>&1 &
	tpid=$!
	for i in $(seq 1 50); do
		grep -q listening "$dir/tcpdump.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 1
	ip netns exec rdpcli timeout 60 "$TOOL" check --json --timeout 2 \
	    --samples 0 --no-udp nego.rdpsrv.lab >"$dir/check.json" 2>"$dir/check.err"
	sleep 1
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	"$TOOL" pcap --json "$dir/cap.pcap" >"$dir/doc.json" 2>"$dir/err"
	"$TOOL" pcap --ndjson "$dir/cap.pcap" >"$dir/doc.ndjson" 2>>"$dir/err"
	"$TOOL" pcap --html "$dir/page.html" "$dir/cap.pcap" >"$dir/text" 2>>"$dir/err"
	n=$(jq '.connections | length' "$dir/doc.json" 2>/dev/null)
	problems=$(
		[ "${n:-0}" -ge 2 ] || { echo "${n:-0} connections in the capture, want several"; exit 0; }
		[ -s "$dir/page.html" ] || { echo "no page"; exit 0; }
		grep -qF "$(jq -r .summary.line "$dir/doc.json")" "$dir/text" ||
		    echo "the text report lacks the summary line"
		"$TOOL" report --html "$dir/saved.html" "$dir/doc.json" ||
		    echo "report --html of the JSON failed"
		cmp -s "$dir/page.html" "$dir/saved.html" ||
		    echo "report of pcap --json differs from pcap --html"
		html_browser "$dir/page.html" "$dir/page"
		[ -s "$dir/page.console" ] &&
		    echo "console: $(head -c 300 "$dir/page.console")"
		[ -s "$dir/page.png" ] || echo "no screenshot"
		dom=$dir/page.dom
		grep -q '<script' "$dom" && echo "a <script> element in the DOM"
		grep -qF "id=\"summary-line\"><b>$(jq -r .summary.line "$dir/doc.json")</b>" "$dom" ||
		    echo "no summary line"
		[ "$(grep -o '<tr data-index="' "$dom" | wc -l)" = "$n" ] ||
		    echo "not one row per connection"
		jq -r '.summary.by_status | to_entries[] | "\(.key) \(.value)"' "$dir/doc.json" |
		    while read -r k c; do
			grep -q "data-status=\"$k\" data-count=\"$c\"" "$dom" ||
			    echo "by status: $k not $c"
		done
		for i in $(seq 1 "$n"); do
			jq ".connections[$((i - 1))]" "$dir/doc.json" >"$dir/c$i.json"
			html_section "$dom" "id=\"c$i-conn\"" "id=\"c$((i + 1))-conn\"" >"$dir/c$i.dom"
			[ -s "$dir/c$i.dom" ] || echo "no section for connection $i"
			html_check_dom "$dir/c$i.json" "$dir/c$i.dom" "c$i-" | sed "s/^/connection $i: /"
		done
	)
	if [ -s "$dir/doc.ndjson" ]; then
		"$TOOL" report --html "$dir/nd.html" "$dir/doc.ndjson" 2>>"$dir/err" ||
		    problems+="report of pcap --ndjson failed;"
		# NDJSON writes times with fewer digits: the page may differ
		# only in them; the structure must not.
		[ "$(grep -c '<section class="conn"' "$dir/nd.html")" = "$n" ] ||
		    problems+="report of pcap --ndjson: not $n connections;"
	fi
	cp "$dir/page.png" "$HTML_ART/$name.png" 2>/dev/null
	cp "$dir/page.html" "$HTML_ART/$name.html" 2>/dev/null
	cp "$dir/doc.json" "$HTML_ART/$name.json" 2>/dev/null
	if [ -n "$problems" ]; then
		html_fail $name "$(tr '\n' ';' <<<"$problems")"
	else
		html_ok $name "$(jq -r .summary.line "$dir/doc.json"); every connection's waterfall as its JSON, no script"
	fi
}

# watch with the path impaired for a while in the middle.
watch_impair() {
	local name=watch-impair dir=$work/watch-impair pid i problems
	mkdir -p "$dir"
	if [ ! -x "$BUILD/tests/lab/impair" ]; then
		html_skip $name "impair not built (no libnetfilter_queue)"
		return
	fi
	ip netns exec rdpcli timeout 120 "$TOOL" watch --interval 1 --count 14 \
	    --samples 3 --no-udp --timeout 2 --prometheus "$dir/w.prom" \
	    tls.rdpsrv.lab >"$dir/out" 2>"$dir/err" &
	pid=$!
	# Impair once 4 rounds are in (bounded: 30 s).
	for i in $(seq 1 300); do
		[ "$(grep -c ' #[0-9]' "$dir/out" 2>/dev/null)" -ge 4 ] && break
		sleep 0.1
	done
	lab impair 300 0 5 >>"$dir/setup.log" 2>&1
	wait "$pid"
	echo "rc=$?" >"$dir/rc"
	lab unimpair >/dev/null 2>&1
	problems=$(
		[ "$(grep -c ' #[0-9]' "$dir/out")" = 14 ] || echo "not 14 rounds"
		grep -q "14 rounds from" "$dir/out" || echo "no summary"
		# phase rounds failed min median p95 max
		tmax=$(awk '$1 == "tcp" { print $7 }' "$dir/out")
		tmin=$(awk '$1 == "tcp" { print $4 }' "$dir/out")
		awk -v a="${tmax:-0}" 'BEGIN { exit !(a >= 290) }' ||
		    echo "tcp max ${tmax:-?} ms, want >= 300 with the impairment"
		awk -v a="${tmin:-999}" 'BEGIN { exit !(a < 50) }' ||
		    echo "tcp min ${tmin:-?} ms, want < 50 without it"
		grep -q '^  net-high-latency (warning, network): .* rounds' "$dir/out" ||
		    echo "net-high-latency did not come and go"
		grep -q 'came .*, went ' "$dir/out" || echo "no came/went times"
		grep -q ' +net-high-latency' "$dir/out" || echo "no +net-high-latency line"
		grep -q ' -net-high-latency' "$dir/out" || echo "no -net-high-latency line"
		grep -q '^rdpdoctor_watch_rounds_total{target="tls.rdpsrv.lab:3389"} 14$' \
		    "$dir/w.prom" || echo "the Prometheus file lacks 14 rounds"
		if command -v promtool >/dev/null; then
			promtool check metrics <"$dir/w.prom" >"$dir/promtool" 2>&1 ||
			    echo "promtool: $(head -c 300 "$dir/promtool")"
		else
			echo "promtool is not installed (scripts/install-deps.sh)"
		fi
	)
	cp "$dir/out" "$HTML_ART/$name.txt" 2>/dev/null
	cp "$dir/w.prom" "$HTML_ART/$name.prom" 2>/dev/null
	if [ -n "$problems" ]; then
		html_fail $name "$(tr '\n' ';' <<<"$problems")"
	else
		html_ok $name "tcp $(awk '$1 == "tcp" { print "min " $4 " max " $7 }' "$dir/out") ms; $(grep -m1 '^  net-high-latency' "$dir/out" | sed 's/^ *//'); promtool ok"
	fi
}

# nagios_one NAME TARGET STATUS: the plugin line and its exit status,
# against the HTML page of the same check (its verdict and findings).
nagios_one() {
	local name=$1 target=$2 want=$3 dir=$work/$1 rc jrc line problems
	mkdir -p "$dir"
	ip netns exec rdpcli timeout 60 "$TOOL" check --nagios --timeout 2 \
	    --samples 3 --html "$dir/page.html" "$target" >"$dir/out" 2>"$dir/err"
	rc=$?
	jrc=$(sed -n 's/.*<p class="muted">exit status \([0-9]\)<\/p>.*/\1/p' \
	    "$dir/page.html" | head -1)
	line=$(head -1 "$dir/out")
	problems=$(
		[ "$rc" = "$jrc" ] || echo "exit $rc, the report says ${jrc:-?}"
		[[ $line == "RDP $want - "* ]] || echo "first line: $line"
		# perfdata: 'label'=value[UOM];[warn];[crit];[min];[max]
		num='-?[0-9]+(\.[0-9]+)?'
		rng="@?(~|$num)?:?($num)?"
		re="^[a-z0-9_]+=$num(s|%|B|c)?(;($rng)?(;($rng)?(;($num)?(;($num)?)?)?)?)?\$"
		for d in ${line#* | }; do
			[[ $d =~ $re ]] || echo "perfdata '$d'"
		done
		[ "$(grep -o '|' "$dir/out" | wc -l)" = 1 ] || echo "more than one |"
		[ "$(($(wc -l <"$dir/out") - 1))" = "$(grep -c '<section class="finding ' "$dir/page.html")" ] ||
		    echo "not one line per finding"
	)
	if [ -n "$problems" ]; then
		html_fail "$name" "$(tr '\n' ';' <<<"$problems")"
	else
		html_ok "$name" "exit $rc: ${line%% | *}"
	fi
}

html_all() {
	local filter=$1 n t s spec
	if ! command -v chromium >/dev/null; then
		for n in html-nego html-refused html-licensing html-shadow html-hostile html-report-many html-scan html-pcap; do
			[ -n "$filter" ] && ! [[ $n =~ $filter ]] && continue
			html_skip $n "chromium is not installed (scripts/install-deps.sh)"
		done
	else
		for spec in "html-nego:nego.rdpsrv.lab:" \
		    "html-refused:refused.rdpsrv.lab:" \
		    "html-licensing:inject.rdpsrv.lab:inject license-error - 60" \
		    "html-shadow:shadow.rdpsrv.lab:"; do
			IFS=: read -r n t s <<<"$spec"
			[ -n "$filter" ] && ! [[ $n =~ $filter ]] && continue
			html_page "$n" "$t" "$s"
		done
		[ -z "$filter" ] || [[ html-hostile =~ $filter ]] && html_hostile
		[ -z "$filter" ] || [[ html-report-many =~ $filter ]] && html_many
		[ -z "$filter" ] || [[ html-scan =~ $filter ]] && html_scan
		[ -z "$filter" ] || [[ html-pcap =~ $filter ]] && html_pcap
	fi
	[ -z "$filter" ] || [[ watch-impair =~ $filter ]] && watch_impair
	for spec in "nagios-warning:tls.rdpsrv.lab:WARNING" \
	    "nagios-critical:refused.rdpsrv.lab:CRITICAL"; do
		IFS=: read -r n t s <<<"$spec"
		[ -n "$filter" ] && ! [[ $n =~ $filter ]] && continue
		nagios_one "$n" "$t" "$s"
	done
}
