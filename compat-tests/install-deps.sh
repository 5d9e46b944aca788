#!/usr/bin/env bash
# Installs the reference implementation and stock clients from Debian's packages when missing:
# the Java server 3.8.0 and its jars, the C client, kazoo and Curator 5.4 (plus a JDK to compile
# the golden-vector program), zktop (with pyte to read its curses screen). Idempotent: does
# nothing when everything is present.
set -euo pipefail

packages=(zookeeper zookeeper-bin python3-kazoo libcurator-framework-java libcurator-recipes-java libcurator-test-java
  zktop python3-pyte libjetty9-java libservlet-api-java libjackson2-databind-java)
command -v javac >/dev/null 2>&1 || packages+=(default-jdk-headless)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "compat deps: all present"
  exit 0
fi
echo "compat deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "compat deps: installed"
