#!/usr/bin/env bash
# install-deps.sh - install the Debian/Ubuntu packages rdpdoctor needs to
# build, test and run its lab. As root it runs apt-get (update first); as
# anyone else it prints the command to run. Installs only what is missing.
set -euo pipefail

# Build and unit tests.
BUILD_PKGS="gcc make pkg-config meson ninja-build libssl-dev libuv1-dev
libjansson-dev libsqlite3-dev libcmocka-dev libpcap-dev libnetfilter-queue-dev
libkrb5-dev
clang libclang-rt-14-dev clang-format"
# The completion and install tests: zsh loads the zsh completion, man
# renders the installed man page.
INSTALL_PKGS="zsh man-db"
# `rdpdoctor host`'s Windows reader and rdpdoctor.exe: cross-built with
# mingw-w64 and tested under wine (scripts/build-win-host.sh,
# tests/host-wine/run.sh, scripts/build-win.sh, tests/lab/wine-check.bash).
# rdpdoctor.exe's libraries are built from Debian's source packages
# (scripts/build-win-deps.sh: apt-get source, dpkg-source, cmake; perl
# and make for OpenSSL's Configure).
WIN_PKGS="gcc-mingw-w64-x86-64 wine64 wine cmake dpkg-dev perl make"
# The Debian package (make deb, tests/install/deb.sh).
DEB_PKGS="debhelper dpkg-dev fakeroot"
# The lab: real RDP servers and the tools to fault them, plus the peer
# tools the lab suite and bench/ compare against.
LAB_PKGS="xrdp freerdp2-shadow-x11 freerdp2-x11 winpr-utils xvfb iproute2
iptables openssl procps nmap sslscan jq bc tigervnc-standalone-server
python3-yaml"
# The HTML report is loaded in a real browser (headless Chromium), and the
# Prometheus textfile checked by Prometheus' own parser, `promtool check
# metrics` (the prometheus package; its daemon is not started, see
# policy-rc.d below).
REPORT_PKGS="chromium prometheus"
# rdpdoctor pcap's lab captures (tcpdump), their mangled variants (editcap,
# mergecap, capinfos in wireshark-common) and bench/pcap-vs-tshark.sh.
LAB_PKGS="$LAB_PKGS tcpdump tshark wireshark-common"
# The kerberos phase's lab (tests/lab/kerberos.bash): an MIT KDC
# (krb5kdc, kdb5_util; kadmin.local is in krb5-admin-server), dnsmasq for
# the SRV records (dnsmasq-base: the binary without a system service that
# would take port 53), faketime for a KDC whose clock is off. The phase
# itself needs only glibc's libresolv (libc6-dev).
LAB_PKGS="$LAB_PKGS krb5-kdc krb5-admin-server dnsmasq-base faketime"

want=$(echo $BUILD_PKGS $INSTALL_PKGS $WIN_PKGS $DEB_PKGS $LAB_PKGS $REPORT_PKGS)
missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root:  $cmd" >&2
	exit 1
fi
echo "install-deps: installing$missing"
apt-get update -qq
# xrdp's and prometheus' postinst try to start a service; without systemd that fails
# harmlessly, so policy-rc.d keeps it from trying at all.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
