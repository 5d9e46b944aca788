#!/usr/bin/env bash
# Runs one tree script against Apache ZooKeeper 3.8's DataTree (Debian's jars) and prints the
# reference output the tests in test/tree/ hard-code. Usage: bash test/tree/reference/run.sh <script>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CP=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-nop.jar
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" -cp "$CP" "$here/TreeScript.java"
java -cp "$tmp:$CP" TreeScript "$1"
