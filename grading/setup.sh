#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Gradescope's setup.sh: runs once, as root, when Gradescope builds the
# autograder's image (Ubuntu) from the zip that holds the instructor's copy
# of the kit (see docs/instructors.md).  Installs the build tools and builds
# the kit in /autograder/build, which run_autograder then uses.
set -eu
# It works at the top of the zip (where Gradescope wants it) or in grading/.
src=$(cd "$(dirname "$0")" && pwd)
[ -f "$src/configure.ac" ] || src=$(cd "$src/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
    autoconf automake make gcc libc6-dev util-linux coreutils
cd "$src"
./bootstrap
mkdir -p /autograder/build
cd /autograder/build
"$src/configure" --quiet
make -s
