#!/usr/bin/env bash
# Runs the whole test suite as root: unit tests of every module, then the integration tests against a real
# berthd on a temporary root and socket, driven by the berth CLI and the docker CLI.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
bash "$here/scripts/install-deps.sh"
cd "$here"
mvn -B verify "$@"
