#!/bin/sh
# test-scan-errors.sh BIN - `rdpdoctor scan` refuses bad input with a clear
# message and exit status 3, before it sends anything: an unreadable
# target file, a CIDR past the limit, only bad targets, a malformed
# policy (with its line and column), a history file that is not an SQLite
# database (left as it was), --diff without --db, --merge without files,
# --html - with the NDJSON on standard output too; the RD Gateway options:
# a password file without --gateway-user, --gateway-user with no target
# through a gateway, a gateway password file others can read (refused
# before the scan), --merge with --gateway, a .rdp target whose
# gatewayhostname is not GW[:PORT] (named with its line).
# Every target here is loopback; none is ever connected to.
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# expect NAME PATTERN ARGS...: exit 3, stderr matching PATTERN.
expect() {
	name=$1
	pat=$2
	shift 2
	"$bin" scan "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 3 ] && grep -q -- "$pat" "$tmp/err"; then
		pass=$((pass + 1))
	else
		echo "FAIL $name: exit $rc, stderr: $(head -3 "$tmp/err")"
		fail=$((fail + 1))
	fi
}

expect unreadable "cannot read '$tmp/none.txt'" -iL "$tmp/none.txt"
expect cidr-too-large "127.0.0.0/8" 127.0.0.0/8
expect all-bad "every target is bad" 300.1.1.1 "bad host name!"
printf '{"name": "p",\n "rules": [\n  {"id": "x" "kind": 1}]}\n' >"$tmp/p.json"
expect policy-syntax "$tmp/p.json:3:" --policy "$tmp/p.json" 127.0.0.1
printf '{"name": "p", "rules": [{"id": "x", "check": "no_such_kind"}]}\n' \
    >"$tmp/q.json"
expect policy-kind "no_such_kind" --policy "$tmp/q.json" 127.0.0.1
echo "not a database" >"$tmp/h.db"
cp "$tmp/h.db" "$tmp/h.orig"
expect not-a-db "not an SQLite database\|not a database" --db "$tmp/h.db" \
    127.0.0.1
if cmp -s "$tmp/h.db" "$tmp/h.orig" && [ ! -e "$tmp/h.db-wal" ]; then
	pass=$((pass + 1))
else
	echo "FAIL not-a-db: the file was changed"
	fail=$((fail + 1))
fi
expect diff-no-db "--diff needs --db" --diff 127.0.0.1
expect merge-no-files "--merge needs NDJSON files" --merge
expect html-stdout "--html - needs -o FILE" --html - 127.0.0.1
expect gw-pw-no-user "--gateway-password-file needs --gateway-user" \
    --gateway 127.0.0.1 --gateway-password-file "$tmp/pw" 127.0.0.1
expect gw-user-no-gateway "no target goes through an RD Gateway" \
    --gateway-user 'LAB\gwuser' 127.0.0.1
printf 'secret' >"$tmp/pw"
chmod 644 "$tmp/pw"
expect gw-pw-readable "$tmp/pw" --gateway 127.0.0.1 \
    --gateway-user 'LAB\gwuser' --gateway-password-file "$tmp/pw" 127.0.0.1
if grep -q secret "$tmp/err" "$tmp/out"; then
	echo "FAIL gw-pw-readable: the password was printed"
	fail=$((fail + 1))
fi
expect gw-merge "--merge sends nothing" --merge --gateway 127.0.0.1 \
    "$tmp/none.ndjson"
printf 'full address:s:127.0.0.1\ngatewayhostname:s:gw:0\ngatewayusagemethod:i:1\n' \
    >"$tmp/bad.rdp"
expect gw-rdp-bad-name "bad.rdp: line 2: gatewayhostname" "$tmp/bad.rdp"
expect gw-bad-name "bad gateway" --gateway 'gw:99999' 127.0.0.1
echo "scan errors: $pass passed, $fail failed"
[ $fail -eq 0 ]
