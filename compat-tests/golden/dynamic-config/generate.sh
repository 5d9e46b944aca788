#!/bin/sh
# Regenerates the expected.* files of every case under cases/ with Apache ZooKeeper 3.8.0 (the
# Debian zookeeper package's jars) by running DynamicConfigGolden.java. Version 0x100000000 is what
# a fresh ensemble's first leader gives its config (NEWLEADER zxid of epoch 1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cp=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-simple.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -cp "$cp" -d "$out" "$here/DynamicConfigGolden.java"
for c in "$here"/cases/*/; do
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp:$out" DynamicConfigGolden "$c" 100000000
done
