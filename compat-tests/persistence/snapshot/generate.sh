#!/usr/bin/env bash
# Regenerates the golden snapshots from ZooKeeper 3.8.0's own classes.
# Usage (from the repo root): bash compat-tests/persistence/snapshot/generate.sh [outdir]
set -euo pipefail

outdir="${1:-test/persistence/support-snap/fixtures}"
CP=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/snappy-java.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-nop.jar

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

javac -d "$tmp" -cp "$CP" compat-tests/persistence/snapshot/MakeSnapshots.java

rm -rf "$outdir"
mkdir -p "$outdir"
java -cp "$tmp:$CP" MakeSnapshots generate "$outdir"
